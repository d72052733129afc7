-- Records one viewer report and tells whether it tips the room over the threshold, atomically, so that
-- however many reports arrive at once exactly one of them opens the prompt.
-- KEYS[1] the reporter's cool-down key, KEYS[2] the room's recent reporters of this category (sorted set),
-- KEYS[3] set while a prompt opened by reports of this category holds
-- ARGV[1] reporter id, ARGV[2] cool-down s, ARGV[3] window ms, ARGV[4] threshold, ARGV[5] hold s
-- Returns {status, reason, distinct reporters in the window, 1 if this report opens a prompt else 0}
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', tonumber(ARGV[2])) then
  return {'rejected', 'rate_limited', 0, 0}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[2], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[3]))
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[3]))
local count = redis.call('ZCARD', KEYS[2])
if count >= tonumber(ARGV[4]) and redis.call('SET', KEYS[3], '1', 'NX', 'EX', tonumber(ARGV[5])) then
  redis.call('DEL', KEYS[2])
  return {'accepted', '', count, 1}
end
return {'accepted', '', count, 0}
