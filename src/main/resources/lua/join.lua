-- Records when a user first joined a room and answers it, by Redis's clock, so presence is judged alike on
-- every node and after any reconnect. A user whose viewer sockets in the room all closed longer than the
-- rejoin grace ago joins anew: the first join becomes now. The room's memory of joins lasts a while after its
-- latest join.
-- KEYS[1] the room's first-join sorted set, KEYS[2] where each user was last seen in the room (user -> the id of
-- the node that holds the user's latest socket, '<node id> <left at, epoch ms>' once its last socket there
-- closed: see leave.lua)
-- ARGV[1] user id, ARGV[2] how long the room remembers its joins, ms, ARGV[3] this node's id,
-- ARGV[4] the rejoin grace, ms
-- Returns the user's first join, epoch ms
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local last = redis.call('HGET', KEYS[2], ARGV[1])
local left = last and tonumber(string.match(last, ' (%d+)$'))
if left and now - left > tonumber(ARGV[4]) then
  -- away longer than the grace: present from now on
  redis.call('ZADD', KEYS[1], now, ARGV[1])
else
  redis.call('ZADD', KEYS[1], 'NX', now, ARGV[1])
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1]))
