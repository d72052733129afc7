-- Hands out the rooms whose items are due to be re-ranked (their audience drifts, they may have ended), each to one
-- node per round: a room taken is put off by the re-rank interval in the same step.
-- KEYS[1] rooms with items (sorted set room id -> when to re-rank next, epoch ms)
-- ARGV[1] most rooms to take, ARGV[2] re-rank interval ms
-- Returns {room id, ...}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rooms = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
for _, room in ipairs(rooms) do
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), room)
end
return rooms
