-- Moves a room's open items to their places in the queue's order after the room's audience or liveness changed, in
-- one step; items no longer open leave the room's set, and a room with none left leaves the rooms to re-rank.
-- KEYS[1] open items, KEYS[2] the queue's order (rank keys), KEYS[3] id -> its rank key, KEYS[4] the room's items,
-- KEYS[5] rooms with items
-- ARGV[1] room id, then pairs: item id, its rank key now ('' for an item that is gone)
-- Returns how many items moved
local moved = 0
for i = 2, #ARGV, 2 do
  local id, key = ARGV[i], ARGV[i + 1]
  if key ~= '' and redis.call('ZSCORE', KEYS[1], id) then
    local old = redis.call('HGET', KEYS[3], id)
    if old ~= key then
      if old then
        redis.call('ZREM', KEYS[2], old)
      end
      redis.call('ZADD', KEYS[2], 0, key)
      redis.call('HSET', KEYS[3], id, key)
      moved = moved + 1
    end
  else
    redis.call('SREM', KEYS[4], id)
  end
end
if redis.call('SCARD', KEYS[4]) == 0 then
  redis.call('ZREM', KEYS[5], ARGV[1])
end
return moved
