-- Counts one ballot: checks the prompt is open and in the voter's room, dedupes the voter and increments
-- the option, atomically. Redis's own clock decides lateness, so every node agrees on the deadline.
-- KEYS[1] prompt hash, KEYS[2] voters hash, KEYS[3] counts hash, KEYS[4] per-second counts (the curve)
-- ARGV[1] voter id, ARGV[2] option id, ARGV[3] the voter's room id
-- Returns {status, detail}: accepted | duplicate <option voted before> | closed | rejected <reason>
local p = redis.call('HMGET', KEYS[1], 'status', 'roomId', 'closesAtMs')
if not p[1] then
  return {'rejected', 'unknown_prompt'}
end
if p[2] ~= ARGV[3] then
  return {'rejected', 'wrong_room'}
end
if p[1] ~= 'open' then
  return {'closed', ''}
end
local t = redis.call('TIME')
if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) >= tonumber(p[3]) then
  return {'closed', ''}
end
if redis.call('HEXISTS', KEYS[3], ARGV[2]) == 0 then
  return {'rejected', 'unknown_option'}
end
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then
  return {'duplicate', redis.call('HGET', KEYS[2], ARGV[1])}
end
redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
redis.call('HINCRBY', KEYS[4], t[1] .. ':' .. ARGV[2], 1)
return {'accepted', ''}
