-- Closes a prompt (once: a second call changes nothing) and returns what the verdict needs.
-- KEYS[1] prompt hash, KEYS[2] counts hash, KEYS[3] voters hash, KEYS[4] per-second counts,
-- KEYS[5] excluded voters hash, KEYS[6] exclusions by reason
-- ARGV[1] how long the closed prompt stays readable, ms
-- Returns false for an unknown prompt, else {json, streamerId, merchantId, verdict or '', eligible or '',
-- {option, count, ...}, {reason, count, ...}, the stop that cut the vote short (JSON) or ''}
local p = redis.call('HMGET', KEYS[1], 'status', 'json', 'streamerId', 'merchantId', 'verdict', 'eligible', 'stopped')
if not p[1] then
  return false
end
if p[1] == 'open' then
  redis.call('HSET', KEYS[1], 'status', 'closed')
  for i = 1, 6 do
    redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[1]))
  end
end
return {p[2], p[3], p[4], p[5] or '', p[6] or '', redis.call('HGETALL', KEYS[2]), redis.call('HGETALL', KEYS[6]), p[7] or ''}
