-- Replaces a room's JSON only while it is still the JSON the caller read, so of two changes decided on the same
-- reading (two staff stopping a live room at once, on any nodes) one is written and the other sees it.
-- KEYS[1] the room
-- ARGV[1] the room's JSON as the caller read it, ARGV[2] the JSON to write
-- Returns the room's JSON as it now stands: ARGV[2] when it was written, what another change wrote otherwise
-- (nil when there is no such room)
local now = redis.call('GET', KEYS[1])
if now == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  return ARGV[2]
end
return now
