-- Brings an open prompt's deadline forward to now, because its room ended: from now on ballots are refused
-- as closed, and the closer decides the prompt from the ballots counted so far, as at any deadline.
-- A prompt already due is left alone: the closer may be holding it under a lease.
-- KEYS[1] prompt hash
-- Returns the new deadline (epoch ms), or 0 when the prompt was not open or already due
local p = redis.call('HMGET', KEYS[1], 'status', 'closesAtMs')
if p[1] ~= 'open' then
  return 0
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if tonumber(p[2]) <= now then
  return 0
end
redis.call('HSET', KEYS[1], 'closesAtMs', now)
return now
