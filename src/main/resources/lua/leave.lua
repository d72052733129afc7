-- The last viewer socket of a user in a room on one node closed: records when, by Redis's clock, which join.lua
-- judges the rejoin grace by, unless the user joined on another node since (that node records their leave
-- when their last socket there closes). When the user had already left elsewhere, the later leave counts.
-- KEYS[1] where each user was last seen in the room (see join.lua)
-- ARGV[1] user id, ARGV[2] this node's id, ARGV[3] how long the room remembers its joins, ms
-- Returns 1 when recorded, 0 when the user is on another node
local last = redis.call('HGET', KEYS[1], ARGV[1])
if last and last ~= ARGV[2] and not string.find(last, ' ', 1, true) then
  return 0
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ' ' .. now)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
