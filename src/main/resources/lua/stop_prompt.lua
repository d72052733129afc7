-- Marks an open prompt as cut short by an emergency stop of its room and brings its deadline forward to now: from
-- here on ballot.lua refuses every ballot as closed, and the closer decides the prompt from the ballots counted
-- so far, as evidence without a penalty. A prompt already due keeps its deadline (the closer may hold it under a
-- lease) but still gets the mark, which close_prompt.lua reads in the same step as it closes.
-- KEYS[1] prompt hash
-- ARGV[1] the stop as JSON {"reason","by","at"}
-- Returns the new deadline (epoch ms), or 0 when the prompt was not open or already due
local p = redis.call('HMGET', KEYS[1], 'status', 'closesAtMs')
if p[1] ~= 'open' then
  return 0
end
redis.call('HSET', KEYS[1], 'stopped', ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if tonumber(p[2]) <= now then
  return 0
end
redis.call('HSET', KEYS[1], 'closesAtMs', now)
return now
