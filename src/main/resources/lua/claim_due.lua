-- Hands this node the prompts whose deadline has passed, pushing each one's score to the end of a lease
-- so no other node takes it meanwhile; if this node dies, the lease runs out and another node claims it.
-- KEYS[1] deadlines sorted set
-- ARGV[1] lease ms, ARGV[2] most prompts to claim
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(due) do
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), id)
end
return due
