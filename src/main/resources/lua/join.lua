-- Records when a user first joined a room (the first time only) and answers it, by Redis's clock, so
-- presence is judged alike on every node and after any reconnect. The room's memory of joins lasts a while
-- after its latest join.
-- KEYS[1] the room's first-join sorted set
-- ARGV[1] user id, ARGV[2] how long the room remembers its joins, ms
-- Returns the user's first join, epoch ms
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], 'NX', now, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1]))
