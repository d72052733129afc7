-- Records one viewer report and tells whether it tips the room over the threshold, atomically, so that
-- however many reports arrive at once exactly one of them opens the prompt. The latest texts are kept
-- with the reports, so the prompt a threshold opens can show staff what the viewers wrote.
-- KEYS[1] the reporter's cool-down key, KEYS[2] the room's recent reporters of this category (sorted set),
-- KEYS[3] set while a prompt opened by reports of this category holds, KEYS[4] the latest texts (list),
-- KEYS[5] the room (its JSON): a room stopped or ended takes no report, whoever sends it
-- ARGV[1] reporter id, ARGV[2] cool-down s, ARGV[3] window ms, ARGV[4] threshold, ARGV[5] hold s,
-- ARGV[6] the report's text ('' for none), ARGV[7] how many texts to keep; when jury rules apply:
-- ARGV[8] the reporter's network id, ARGV[9] when the reporter first joined the room (epoch ms),
-- ARGV[10] presence required (ms), ARGV[11] account creation (epoch s, '' unknown), ARGV[12] minimum account
-- age (s). A reporter who joined too recently or whose account is too young is refused, and the reports of
-- one network count once: a room's threshold needs that many distinct networks, not that many accounts.
-- Returns {status ('accepted', 'rejected' or 'closed'), reason, distinct reporters in the window,
--          1 if this report opens a prompt else 0, the kept texts, newest first, when it opens one}
local room = redis.call('GET', KEYS[5])
local status = room and cjson.decode(room).status
if status == 'stopped' then
  return {'closed', 'stopped', 0, 0, {}}
end
if status ~= 'live' then
  return {'closed', 'ended', 0, 0, {}}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local reporter = ARGV[1]
if ARGV[8] and ARGV[8] ~= '' then
  if tonumber(ARGV[9]) > now - tonumber(ARGV[10]) then
    return {'rejected', 'late_join', 0, 0, {}}
  end
  if ARGV[11] ~= '' and tonumber(ARGV[11]) > tonumber(t[1]) - tonumber(ARGV[12]) then
    return {'rejected', 'new_account', 0, 0, {}}
  end
  reporter = 'net:' .. ARGV[8]
end
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', tonumber(ARGV[2])) then
  return {'rejected', 'rate_limited', 0, 0, {}}
end
redis.call('ZADD', KEYS[2], now, reporter)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[3]))
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[3]))
if ARGV[6] ~= '' and tonumber(ARGV[7]) > 0 then
  redis.call('LPUSH', KEYS[4], ARGV[6])
  redis.call('LTRIM', KEYS[4], 0, tonumber(ARGV[7]) - 1)
  redis.call('PEXPIRE', KEYS[4], tonumber(ARGV[3]))
end
local count = redis.call('ZCARD', KEYS[2])
if count >= tonumber(ARGV[4]) and redis.call('SET', KEYS[3], '1', 'NX', 'EX', tonumber(ARGV[5])) then
  local texts = redis.call('LRANGE', KEYS[4], 0, -1)
  redis.call('DEL', KEYS[2], KEYS[4])
  return {'accepted', '', count, 1, texts}
end
return {'accepted', '', count, 0, {}}
