-- Counts one ballot: checks the prompt is open and in the voter's room, that the voter may decide it (when the
-- prompt has jury rules), dedupes the voter and increments the option, atomically. Redis's own clock decides
-- lateness, so every node agrees on the deadline. The eligibility rule is mirrored by jury/JuryRule.java, which
-- tells viewers before they vote: change both together.
-- KEYS[1] prompt hash, KEYS[2] voters hash, KEYS[3] counts hash, KEYS[4] per-second counts (the curve),
-- KEYS[5] excluded voters (voter -> reason), KEYS[6] exclusions (reason -> voters)
-- ARGV[1] voter id, ARGV[2] option id, ARGV[3] the voter's room id; for jury rules: ARGV[4] first joined the
-- room (epoch ms), ARGV[5] account created (epoch s) or '', ARGV[6] verified '1'|'0', ARGV[7] conflicted
-- '1'|'0', ARGV[8] net id, ARGV[9] ballot weight
-- Returns {status, detail}: accepted | duplicate <what the voter voted before> | closed ('stopped' when an emergency
-- stop closed it) | rejected <reason>
local p = redis.call('HMGET', KEYS[1], 'status', 'roomId', 'closesAtMs', 'rules', 'opensAtMs', 'presenceMs',
  'minAcctSec', 'requireVerified', 'rate', 'seed', 'stopped')
if not p[1] then
  return {'rejected', 'unknown_prompt'}
end
if p[2] ~= ARGV[3] then
  return {'rejected', 'wrong_room'}
end
if p[11] then
  -- the room was stopped: nothing more is counted, whatever the deadline says
  return {'closed', 'stopped'}
end
if p[1] ~= 'open' then
  return {'closed', ''}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if now >= tonumber(p[3]) then
  return {'closed', ''}
end
if redis.call('HEXISTS', KEYS[3], ARGV[2]) == 0 then
  return {'rejected', 'unknown_option'}
end
local vote = ARGV[2]
if p[4] == '1' then
  local reason
  local joined = tonumber(ARGV[4] or '')
  if not joined or joined > tonumber(p[5]) - tonumber(p[6]) then
    -- a node that sent no join time (its jury rules off) cannot show presence
    reason = 'late_join'
  elseif ARGV[5] ~= '' and p[7] ~= '' and tonumber(ARGV[5]) > tonumber(p[7]) then
    reason = 'new_account'
  elseif ARGV[7] == '1' then
    reason = 'conflict'
  elseif p[8] == '1' and ARGV[6] ~= '1' then
    reason = 'unverified'
  elseif p[9] ~= '1'
      and tonumber(string.sub(redis.sha1hex(p[10] .. ':' .. ARGV[1]), 1, 8), 16) >= tonumber(p[9]) * 4294967296 then
    reason = 'not_selected'
  end
  if reason then
    -- each ineligible voter counts once, however often they try
    if redis.call('HSETNX', KEYS[5], ARGV[1], reason) == 1 then
      redis.call('HINCRBY', KEYS[6], reason, 1)
    end
    return {'rejected', reason}
  end
  -- the cast time in ms as text straight from TIME's strings: formatting the number costs more
  local castAtMs = t[1] .. string.sub(string.sub('00000' .. t[2], -6), 1, 3)
  vote = ARGV[2] .. ' ' .. castAtMs .. ' ' .. ARGV[8] .. ' ' .. ARGV[9]
end
if redis.call('HSETNX', KEYS[2], ARGV[1], vote) == 0 then
  -- Written again, unchanged, so the answer is itself a write: a WAIT after it then covers the earlier ballot
  -- too, which may not have reached a replica yet (its voter was told 'unavailable' and is retrying).
  local earlier = redis.call('HGET', KEYS[2], ARGV[1])
  redis.call('HSET', KEYS[2], ARGV[1], earlier)
  return {'duplicate', earlier}
end
redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
redis.call('HINCRBY', KEYS[4], t[1] .. ':' .. ARGV[2], 1)
return {'accepted', ''}
