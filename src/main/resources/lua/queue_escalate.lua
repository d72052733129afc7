-- Hands the caller the queue items that fell due unclaimed, each exactly once across every node: an item is taken
-- off the due set in the same step as it is marked escalated. An item claimed at its due time is looked at again
-- when the claim lapses; a resolved one is dropped. Items older than the retention leave the queue (open ones as
-- expired), a bounded number per call.
-- KEYS[1] due checks, KEYS[2] open items, KEYS[3] claims hash, KEYS[4] escalated set, KEYS[5] items hash,
-- KEYS[6] resolved hash (id -> {"by","at","outcome"}), KEYS[7] resolved items (sorted set id -> at ms),
-- KEYS[8] the queue's order (rank keys), KEYS[9] id -> its rank key
-- ARGV[1] most items to take, ARGV[2] retention ms
-- Returns {now (epoch ms), {escalated id, ...}, ms until the next item falls due or leaves the queue (0: a batch was
-- full, more may be due now; -1: the queue is empty)}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local escalated = {}
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, limit)
local full = #due == limit
for _, id in ipairs(due) do
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
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', cutoff, 'LIMIT', 0, limit)
full = full or #expired == limit
for _, id in ipairs(expired) do
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
local forgotten = redis.call('ZRANGEBYSCORE', KEYS[7], '-inf', cutoff, 'LIMIT', 0, limit)
full = full or #forgotten == limit
for _, id in ipairs(forgotten) do
  redis.call('ZREM', KEYS[7], id)
  redis.call('HDEL', KEYS[5], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('HDEL', KEYS[6], id)
  redis.call('SREM', KEYS[4], id)
end
if full then
  return {now, escalated, 0}
end
-- The earliest of: the next due check, the oldest open item's and the oldest decided item's end of retention.
local wait = -1
local function earliest(key, offset)
  local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  if first[2] then
    local at = math.max(0, tonumber(first[2]) + offset - now)
    if wait < 0 or at < wait then
      wait = at
    end
  end
end
earliest(KEYS[1], 0)
earliest(KEYS[2], tonumber(ARGV[2]))
earliest(KEYS[7], tonumber(ARGV[2]))
return {now, escalated, wait}
