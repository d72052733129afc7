-- Appends a room event to the room's capped stream and publishes it to every node, in one step, so a node
-- whose subscriber connection was down meanwhile finds the event in the stream by the id it carries.
-- KEYS[1] the room's event stream; KEYS[2] (optional) a mark that holds the event back while set
-- ARGV[1] the room's channel, ARGV[2] the event as JSON (an object), ARGV[3] stream length kept (approx.),
-- ARGV[4] stream expiry ms, refreshed on every append, ARGV[5] 'always' | 'heard' (a notice retried until a
-- node hears it: when no node listens it is neither stored nor published, its retry will be),
-- ARGV[6] seconds the mark holds, once the event reached a node,
-- ARGV[7] 'sharded' on a Redis Cluster: ARGV[1] is a shard channel of the stream's slot (SPUBLISH, heard by the
-- nodes subscribed on this shard); anything else: a plain channel (PUBLISH)
-- Returns {stream id, receivers}; {'', 0} when 'heard' found no listener; {'', -1} when the mark held it back
if KEYS[2] and redis.call('EXISTS', KEYS[2]) == 1 then
  return {'', -1}
end
local sharded = ARGV[7] == 'sharded'
if ARGV[5] == 'heard' and redis.call('PUBSUB', sharded and 'SHARDNUMSUB' or 'NUMSUB', ARGV[1])[2] == 0 then
  return {'', 0}
end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], '*', 'e', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
local receivers = redis.call(sharded and 'SPUBLISH' or 'PUBLISH', ARGV[1],
  '{"id":"' .. id .. '",' .. string.sub(ARGV[2], 2))
if KEYS[2] and receivers > 0 then
  redis.call('SET', KEYS[2], '1', 'EX', ARGV[6])
end
return {id, receivers}
