-- Stores a new prompt and zeroes its counts, in one step so no ballot ever sees half a prompt.
-- KEYS[1] prompt hash, KEYS[2] counts hash
-- ARGV[1] prompt JSON, ARGV[2] room id, ARGV[3] closes-at epoch ms, ARGV[4] streamer id,
-- ARGV[5] merchant id, ARGV[6] n, how many arguments of jury rules follow (field, value pairs for the prompt
-- hash: rules, opensAtMs, presenceMs, minAcctSec, requireVerified, rate, seed; 0 when the rules are off),
-- ARGV[7..6+n] those pairs, ARGV[7+n..] option ids
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
local n = tonumber(ARGV[6])
redis.call('HSET', KEYS[1], 'json', ARGV[1], 'status', 'open', 'roomId', ARGV[2], 'closesAtMs', ARGV[3],
  'streamerId', ARGV[4], 'merchantId', ARGV[5], unpack(ARGV, 7, 6 + n))
for i = 7 + n, #ARGV do
  redis.call('HSET', KEYS[2], ARGV[i], 0)
end
return 1
