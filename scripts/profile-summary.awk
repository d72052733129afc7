# Summarises async-profiler collapsed stacks taken with "threads" (one sample = 1 ms of CPU): CPU per thread group,
# then the threads that serve requests (event loops, acceptor, workers) by layer — the frame each sample was taken
# in — and the event loops by kind of work (first matching frame wins, in the order listed).
#   awk [-v voterRounds=N] [-v server=livejury|floor] -f scripts/profile-summary.awk <collapsed>
# With voterRounds, every figure is also given in µs of CPU per voter-round.
BEGIN {
  n = split("handshake=SocketGate|ballot: parse and send to Redis=SocketSession.onText|Redis replies, and the acks written from them=RedisStandaloneConnection.handle|Redis writes=RedisStandaloneConnection.doSend|room frames (prompts, tallies, verdicts)=LocalRoom.lambda|tally polling=TallyVerticle|room hub=RoomHubVerticle|HTTP API=io/vertx/ext/web|Postgres=pgclient|socket reads and WebSocket decoding=epollInReady|waiting for events=epoll_wait", kinds, "|")
  # Layers by the sampled (innermost) frame's prefix, first match wins; "[k]" marks a kernel frame.
  m = split("kernel (socket calls, epoll, scheduling)=_[k]|the server's own code=io/livejury/|the server's own code=FloorServer|Netty=io/netty/|Redis client=io/vertx/redis/|Postgres client=io/vertx/pgclient/|Postgres client=io/vertx/sqlclient/|Vert.x web and OpenAPI=io/vertx/ext/|Vert.x web and OpenAPI=io/vertx/openapi/|Vert.x web and OpenAPI=io/vertx/json/schema/|Vert.x core=io/vertx/core/|Jackson=com/fasterxml/|Micrometer=io/micrometer/|JDK library=java/|JDK library=jdk/|JDK library=sun/", layers, "|")
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
  if (thread ~ /eventloop|acceptor|worker/) {
    serving += samples
    leaf = stack
    sub(/.*;/, "", leaf)
    layer = "JVM runtime and native code (interpreter, stubs, libc)"
    for (i = 1; i <= m; i++) {
      split(layers[i], kv, "=")
      if (kv[2] == "_[k]" ? substr(leaf, length(leaf) - 3) == "_[k]" : index(leaf, kv[2]) == 1) { layer = kv[1]; break }
    }
    byLayer[layer] += samples
    if (index(stack, "io/livejury/") > 0 || index(stack, "FloorServer") > 0) own += samples
  }
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
function per(samples) {
  return voterRounds > 0 ? sprintf("%8.1f µs", 1000 * samples / voterRounds) : ""
}
END {
  if (total == 0) { print "no samples"; exit 1 }
  printf "%d samples (1 ms of CPU each)%s%s\n", total, (server != "" ? " of the " server " server" : ""),
    (voterRounds > 0 ? sprintf(" over %d voter-rounds: %.1f µs of CPU per voter-round", voterRounds, 1000 * total / voterRounds) : "")
  printf "\nCPU by thread group%s\n", (voterRounds > 0 ? " (share, per voter-round)" : "")
  for (g in byGroup) if (byGroup[g] / total >= 0.005) printf "%6.1f%% %s  %s\n", 100 * byGroup[g] / total, per(byGroup[g]), g | "sort -rn"
  close("sort -rn")
  if (serving == 0) exit 0
  printf "\nEvent loops, acceptor and workers (%d samples) by the layer each sample was in\n", serving
  for (l in byLayer) printf "%6.1f%% %s  %s\n", 100 * byLayer[l] / serving, per(byLayer[l]), l | "sort -rn"
  close("sort -rn")
  printf "%6.1f%% %s  (any frame of the server's own code on the stack, whatever it called)\n", 100 * own / serving, per(own)
  printf "\nEvent loops (%d samples) by kind of work\n", loops
  for (k in byKind) printf "%6.1f%%  %s\n", 100 * byKind[k] / loops, k | "sort -rn"
  close("sort -rn")
}
