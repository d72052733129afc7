-- Hands the caller the queue items that fell due unclaimed, each exactly once across every node: an item is taken
-- off the due set in the same step as it is marked escalated. An item claimed at its due time is looked at again
-- when the claim lapses; a resolved one is dropped. Items older than the retention leave the queue (open ones as
-- expired), a bounded number per call.
-- KEYS[1] due checks, KEYS[2] open items, KEYS[3] claims hash, KEYS[4] escalated set, KEYS[5] items hash,
-- KEYS[6] resolved hash (id -> {"by","at","outcome"}), KEYS[7] resolved items (sorted set id -> at ms),
-- KEYS[8] the queue's order (rank keys), KEYS[9] id -> its rank key
-- ARGV[1] most items to take, ARGV[2] retention ms
-- Returns {now (epoch ms), {escalated id, ...}}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local escalated = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, limit)) do
  if not redis.call('ZSCORE', KEYS[2], id) then
    redis.call('ZREM', KEYS[1], id)
  else
    local held = redis.call('HGET', KEYS[3], id)
    local expires = held and tonumber(string.match(held, ' (%d+)$'))
    if expires and expires > now then
      redis.call('ZADD', KEYS[1], expires, id)
    else
      redis.call('ZREM', KEYS[1], id)
      redis.call('SADD', KEYS[4], id)
      table.insert(escalated, id)
    end
  end
end
local cutoff = now - tonumber(ARGV[2])
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', cutoff, 'LIMIT', 0, limit)) do
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZREM', KEYS[1], id)
  redis.call('HSET', KEYS[6], id, cjson.encode({by = 'system', at = now, outcome = 'expired'}))
  redis.call('ZADD', KEYS[7], now, id)
  local rank = redis.call('HGET', KEYS[9], id)
  if rank then
    redis.call('ZREM', KEYS[8], rank)
    redis.call('HDEL', KEYS[9], id)
  end
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[7], '-inf', cutoff, 'LIMIT', 0, limit)) do
  redis.call('ZREM', KEYS[7], id)
  redis.call('HDEL', KEYS[5], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('HDEL', KEYS[6], id)
  redis.call('SREM', KEYS[4], id)
end
return {now, escalated}
