-- Hands out the rooms whose items are due to be re-ranked (their audience drifts, they may have ended), each to one
-- node per round: a room taken is put off by the re-rank interval in the same step.
-- KEYS[1] rooms with items (sorted set room id -> when to re-rank next, epoch ms)
-- ARGV[1] most rooms to take, ARGV[2] re-rank interval ms
-- Returns {{room id, ...}, ms until the next room's turn (0: the batch was full; -1: no room has items)}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local rooms = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, limit)
for _, room in ipairs(rooms) do
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), room)
end
if #rooms == limit then
  return {rooms, 0}
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {rooms, first[2] and math.max(0, tonumber(first[2]) - now) or -1}
