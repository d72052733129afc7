-- Claims a queue item for one staff member, atomically: two claims at once, on any nodes, get one winner. A claim
-- lapses at its expiry; the claimant claiming again renews it (keeping when they first claimed).
-- KEYS[1] items hash, KEYS[2] open items, KEYS[3] claims hash (id -> '<user> <claimed at ms> <expires at ms>')
-- ARGV[1] item id, ARGV[2] staff user id, ARGV[3] how long a claim holds, ms
-- Returns {'claimed', user, claimed at, expires at, 1 for a new claimant else 0} | {'taken', user, claimed at,
-- expires at} | {'resolved'} | {'missing'}
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  return {'missing'}
end
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  return {'resolved'}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local held = redis.call('HGET', KEYS[3], ARGV[1])
local claimedAt = now
local fresh = 1
if held then
  local user, at, expires = string.match(held, '^(.*) (%d+) (%d+)$')
  if tonumber(expires) > now then
    if user ~= ARGV[2] then
      return {'taken', user, tonumber(at), tonumber(expires)}
    end
    claimedAt = tonumber(at)
    fresh = 0
  end
end
local expiresAt = now + tonumber(ARGV[3])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2] .. ' ' .. claimedAt .. ' ' .. expiresAt)
return {'claimed', ARGV[2], claimedAt, expiresAt, fresh}
