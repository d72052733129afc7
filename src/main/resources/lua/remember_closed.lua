-- Puts a closed jury prompt at the head of its room's list of recent closed prompts (what co-voting is checked
-- against), once however often its close is retried, and keeps only the newest.
-- KEYS[1] the room's closed-prompts list
-- ARGV[1] prompt id, ARGV[2] how many to keep, ARGV[3] expiry ms (their ballots expire with them)
redis.call('LREM', KEYS[1], 0, ARGV[1])
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1
