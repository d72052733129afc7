-- Counts a room's condemned verdicts of a category that can stop a room, over a sliding window, and tells whether
-- this one makes enough to propose a stop: once per window, however many verdicts follow, so staff get one
-- proposal to confirm, never a flood. It proposes only; a person stops the room.
-- KEYS[1] the room's recent such verdicts (sorted set verdict id -> epoch ms), KEYS[2] set while a stop is proposed
-- ARGV[1] verdict id, ARGV[2] window ms, ARGV[3] how many verdicts within the window propose a stop, ARGV[4] the
-- proposal's id, kept in KEYS[2] so that a stop staff make meanwhile settles the proposal
-- Returns {1 when a stop is to be proposed now else 0, verdicts in the window}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('PEXPIRE', KEYS[1], window)
local count = redis.call('ZCARD', KEYS[1])
if count >= tonumber(ARGV[3]) and redis.call('SET', KEYS[2], ARGV[4], 'NX', 'PX', window) then
  return {1, count}
end
return {0, count}
