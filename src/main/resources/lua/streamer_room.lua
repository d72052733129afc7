-- Reserves one of a streamer's live-room places for a room about to be created, atomically, so that creates racing
-- on any nodes never hold more than the limit between them.
-- KEYS[1] the streamer's live rooms (set of room ids)
-- ARGV[1] room id, ARGV[2] most live rooms per streamer
-- Returns {1, 1 when this call added the room else 0 (it held a place already), live rooms} | {0, live rooms}
-- when the streamer is at the limit
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then
  return {1, 0, redis.call('SCARD', KEYS[1])}
end
local live = redis.call('SCARD', KEYS[1])
if live >= tonumber(ARGV[2]) then
  return {0, live}
end
redis.call('SADD', KEYS[1], ARGV[1])
return {1, 1, live + 1}
