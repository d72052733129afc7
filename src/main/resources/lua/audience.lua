-- One node's count of a room's viewers, stamped by Redis's clock, which readers judge its freshness by.
-- KEYS[1] the room's audience hash
-- ARGV[1] node id, ARGV[2] the node's viewers in the room who could decide a prompt, ARGV[3] expiry of the hash, ms,
-- ARGV[4] every viewer the node holds in the room (each user once): what staff see as the room's audience
-- Each field reads '<could decide> <epoch ms> <viewers>'
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ' ' .. now .. ' ' .. (ARGV[4] or ARGV[2]))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
