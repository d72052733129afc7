-- Decides an automatic stop proposal once, in the room's slot, so a dismissal and a stop of the room racing on any
-- nodes cannot both win: a room marked stopped has confirmed its proposals, so a dismissal finding it stopped loses;
-- a dismissal that came first stands, and the stop then leaves that proposal dismissed.
-- KEYS[1] the room's JSON, KEYS[2] the room's stop decisions (hash proposal id -> 'dismissed' | 'confirmed')
-- ARGV[1] proposal id, ARGV[2] 'dismiss' | 'confirm', ARGV[3] seconds the decisions are kept
-- Returns {'ok'} | {'decided', 'dismissed' | 'confirmed'} (decided before: by this decision when it is the same)
-- | {'stopped'} (a dismissal of a stopped room's proposal)
local before = redis.call('HGET', KEYS[2], ARGV[1])
if before then
  return {'decided', before}
end
if ARGV[2] == 'dismiss' then
  local room = redis.call('GET', KEYS[1])
  if room and cjson.decode(room)['status'] == 'stopped' then
    redis.call('HSET', KEYS[2], ARGV[1], 'confirmed')
    redis.call('EXPIRE', KEYS[2], tonumber(ARGV[3]))
    return {'stopped'}
  end
  redis.call('HSET', KEYS[2], ARGV[1], 'dismissed')
else
  redis.call('HSET', KEYS[2], ARGV[1], 'confirmed')
end
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[3]))
return {'ok'}
