-- Takes a decided item off the queue, once. While someone else holds a live claim on it, it is theirs to decide.
-- KEYS[1] items hash, KEYS[2] open items, KEYS[3] due checks, KEYS[4] claims hash, KEYS[5] resolved hash (id -> {"by","at" (epoch ms),"outcome"}),
-- KEYS[6] resolved items (sorted set id -> at ms), KEYS[7] the queue's order (rank keys), KEYS[8] id -> its rank key
-- ARGV[1] item id, ARGV[2] staff user id, ARGV[3] outcome (a short word or note)
-- Returns {'done', at ms} | {'taken', user} | {'resolved'} | {'missing'}
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  return {'missing'}
end
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  return {'resolved'}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local held = redis.call('HGET', KEYS[4], ARGV[1])
if held then
  local user, expires = string.match(held, '^(.*) %d+ (%d+)$')
  if user ~= ARGV[2] and tonumber(expires) > now then
    return {'taken', user}
  end
end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[5], ARGV[1], cjson.encode({by = ARGV[2], at = now, outcome = ARGV[3]}))
redis.call('ZADD', KEYS[6], now, ARGV[1])
local rank = redis.call('HGET', KEYS[8], ARGV[1])
if rank then
  redis.call('ZREM', KEYS[7], rank)
  redis.call('HDEL', KEYS[8], ARGV[1])
end
return {'done', now}
