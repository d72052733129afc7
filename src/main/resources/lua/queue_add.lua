-- Adds an item to the staff review queue, once: an id already there (a verdict handed off twice) or a repeat held
-- back by its mark (the same rule in the same room within the repeat window) adds nothing, so exactly one node
-- announces each item. The item takes its place in the queue's order (the rank) in the same step.
-- KEYS[1] items hash (id -> item JSON), KEYS[2] open items (sorted set id -> created at, epoch ms),
-- KEYS[3] due checks (sorted set id -> when to look at it next, epoch ms), KEYS[4] the queue's order (sorted set,
-- all scores 0, member = rank key, see ReviewQueue#rankKey), KEYS[5] id -> its rank key (hash), KEYS[6] the room's
-- items (set of ids), KEYS[7] rooms with items (sorted set room id -> when to re-rank them next, epoch ms),
-- KEYS[8] (optional) the repeat mark
-- ARGV[1] item id, ARGV[2] item JSON, ARGV[3] created at (epoch ms), ARGV[4] due at (epoch ms),
-- ARGV[5] seconds the repeat mark holds, ARGV[6] the item's rank key, ARGV[7] room id, ARGV[8] when to re-rank the
-- room (epoch ms)
-- Returns 1 when added, 0 when not
if KEYS[8] and redis.call('EXISTS', KEYS[8]) == 1 then
  return 0
end
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then
  return 0
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
redis.call('ZADD', KEYS[4], 0, ARGV[6])
redis.call('HSET', KEYS[5], ARGV[1], ARGV[6])
redis.call('SADD', KEYS[6], ARGV[1])
redis.call('ZADD', KEYS[7], 'NX', ARGV[8], ARGV[7])
if KEYS[8] then
  redis.call('SET', KEYS[8], ARGV[1], 'EX', tonumber(ARGV[5]))
end
return 1
