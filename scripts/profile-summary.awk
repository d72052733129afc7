# Summarises async-profiler collapsed stacks taken with "threads": CPU share per thread group, then the
# event loops' samples by kind of work (first matching frame wins, in the order listed).
BEGIN {
  n = split("handshake=SocketGate|ballot: parse and send to Redis=SocketSession.onText|Redis replies, and the acks written from them=RedisStandaloneConnection.handle|Redis writes=RedisStandaloneConnection.doSend|room frames (prompts, tallies, verdicts)=LocalRoom.lambda|tally polling=TallyVerticle|room hub=RoomHubVerticle|HTTP API=io/vertx/ext/web|Postgres=pgclient|socket reads and WebSocket decoding=epollInReady|waiting for events=epoll_wait", kinds, "|")
}
{
  samples = $NF
  stack = $0
  sub(/ [0-9]+$/, "", stack)
  thread = substr(stack, 2, index(stack, "]") - 2)
  group = thread
  sub(/ tid=.*/, "", group)
  sub(/(-thread)?[-#]?[0-9]+$/, "", group)
  sub(/ CompilerThre.*/, " compiler", group)
  total += samples
  byGroup[group] += samples
  if (thread ~ /eventloop/) {
    loops += samples
    kind = "other"
    for (i = 1; i <= n; i++) {
      split(kinds[i], kv, "=")
      if (index(stack, kv[2]) > 0) { kind = kv[1]; break }
    }
    byKind[kind] += samples
  }
}
END {
  printf "%d samples (1 ms of CPU each)\n\nCPU by thread group\n", total
  for (g in byGroup) if (byGroup[g] / total >= 0.005) printf "%6.1f%%  %s\n", 100 * byGroup[g] / total, g | "sort -rn"
  close("sort -rn")
  printf "\nEvent loops (%d samples) by kind of work\n", loops
  for (k in byKind) printf "%6.1f%%  %s\n", 100 * byKind[k] / loops, k | "sort -rn"
  close("sort -rn")
}
