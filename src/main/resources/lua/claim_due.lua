-- Hands this node the prompts whose deadline has passed, pushing each one's score to the end of a lease
-- so no other node takes it meanwhile; if this node dies, the lease runs out and another node claims it.
-- Also says how long until the next deadline after them, so the closer can sleep until then instead of polling.
-- KEYS[1] deadlines sorted set
-- ARGV[1] lease ms, ARGV[2] most prompts to claim
-- Returns {claimed prompt ids, ms until the earliest deadline left (0: more are due now; -1: none left)}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(due) do
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), id)
end
local next = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local wait = -1
if next[2] then
  wait = math.max(0, tonumber(next[2]) - now)
end
return {due, wait}
