-- Adds an item to the staff review queue, once: an id already there (a verdict handed off twice) or a repeat held
-- back by its mark (the same rule in the same room within the repeat window) adds nothing, so exactly one node
-- announces each item.
-- KEYS[1] items hash (id -> item JSON), KEYS[2] open items (sorted set id -> created at, epoch ms),
-- KEYS[3] due checks (sorted set id -> when to look at it next, epoch ms), KEYS[4] (optional) the repeat mark
-- ARGV[1] item id, ARGV[2] item JSON, ARGV[3] created at (epoch ms), ARGV[4] due at (epoch ms),
-- ARGV[5] seconds the repeat mark holds
-- Returns 1 when added, 0 when not
if KEYS[4] and redis.call('EXISTS', KEYS[4]) == 1 then
  return 0
end
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then
  return 0
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
if KEYS[4] then
  redis.call('SET', KEYS[4], ARGV[1], 'EX', tonumber(ARGV[5]))
end
return 1
