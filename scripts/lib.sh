# Shared by the benchmark scripts: build the jar if needed and start LiveJury on embedded servers.
# After start_livejury, $LIVEJURY_URL is the node's base URL, $LIVEJURY_LOG its log and $LIVEJURY_PID its
# process. start_nodes N starts N nodes on one Redis and one Postgres (the first node's embedded ones) and
# sets $LIVEJURY_URLS and $LIVEJURY_PIDS (comma-separated). Nodes are stopped when the script exits.
# JVM: nodes start as the README's run command starts them, `java @deploy/jvm.options -jar`, with
# $LIVEJURY_JAVA_OPTS after the file (added or overriding options) and $LIVEJURY_JAVA as the java command (default:
# java on the PATH); $LOADTEST_JAVA_OPTS are the generator's (default ParallelGC).
# Cores: NODE_CPUS=0 LOADGEN_CPUS=1 (taskset lists) give the nodes cores of their own; the generator and
# the embedded Redis and Postgres then run on LOADGEN_CPUS, so the node's figures are its cores' alone.
# Data: each run starts on empty embedded servers in a folder of its own, removed at exit, so runs compare
# and ./data is left alone; set LIVEJURY_DATA_DIR to keep the data (scripts/demo keeps it in ./data).
# What runs as a node: $LIVEJURY_JAR (default target/livejury.jar: another build, for an A/B), or, when
# $NODE_MAIN is set, that class on the class path $NODE_CLASSPATH (scripts/bench floor: the floor server).

LIVEJURY_ALL_PIDS=()
LIVEJURY_TEMP_DATA=
LIVEJURY_KEEP_DATA=${LIVEJURY_DATA_DIR:+yes}
trap 'stop_nodes; [ -z "$LIVEJURY_TEMP_DATA" ] || rm -rf "$LIVEJURY_TEMP_DATA"' EXIT

ensure_jar() {
  # A jar older than what it is made of would run yesterday's code under today's name.
  if [ ! -f target/livejury.jar ] || [ -n "$(find pom.xml src/main webroot -newer target/livejury.jar -print -quit)" ]; then
    mvn -B -q -DskipTests package
  fi
}

# start_node <log> [env assignments...]: starts one node and waits for its URL; sets NODE_URL and NODE_PID.
# Juries: the presence rule is off (0 s) unless the caller sets LIVEJURY_JURY_PRESENCE_SECONDS, in its
# environment or as an assignment here. The viewers of a load connect only seconds before the prompt they
# vote on opens; under the default 30 s every one of their ballots would be refused as late_join. Every
# other rule keeps its default, and the generator's viewers carry claims that pass them (loadgen Tokens).
start_node() {
  local log=$1; shift
  local launch=(-jar "${LIVEJURY_JAR:-target/livejury.jar}")
  [ -z "${NODE_MAIN:-}" ] || launch=(-cp "$NODE_CLASSPATH" "$NODE_MAIN")
  env LIVEJURY_HTTP_PORT="${LIVEJURY_HTTP_PORT:-0}" LIVEJURY_JURY_PRESENCE_SECONDS="${LIVEJURY_JURY_PRESENCE_SECONDS:-0}" \
    "$@" ${NODE_CPUS:+taskset -c "$NODE_CPUS"} \
    "${LIVEJURY_JAVA:-java}" @deploy/jvm.options ${LIVEJURY_JAVA_OPTS:-} "${launch[@]}" >"$log" 2>&1 &
  NODE_PID=$!
  LIVEJURY_ALL_PIDS+=("$NODE_PID")
  for _ in $(seq 1 240); do
    NODE_URL=$(grep -o 'http://[^ ]*' "$log" | head -n 1 || true)
    [ -n "$NODE_URL" ] && { NODE_URL=${NODE_URL/localhost/127.0.0.1}; echo "LiveJury started at $NODE_URL"; return 0; }
    kill -0 "$NODE_PID" 2>/dev/null || { cat "$log"; return 1; }
    sleep 0.5
  done
  echo "LiveJury did not start"; cat "$log"; return 1
}

start_livejury() {
  ensure_jar
  if [ -z "$LIVEJURY_KEEP_DATA" ]; then
    [ -z "$LIVEJURY_TEMP_DATA" ] || rm -rf "$LIVEJURY_TEMP_DATA"
    LIVEJURY_TEMP_DATA=$(mktemp -d)
    export LIVEJURY_DATA_DIR=$LIVEJURY_TEMP_DATA
  fi
  LIVEJURY_LOG=$(mktemp)
  start_node "$LIVEJURY_LOG"
  LIVEJURY_URL=$NODE_URL
  LIVEJURY_PID=$NODE_PID
  LIVEJURY_SERVER_PIDS=$(server_pids | paste -sd, -)
  [ -z "${NODE_CPUS:-}" ] || move_servers_to "${LOADGEN_CPUS:?set LOADGEN_CPUS beside NODE_CPUS}"
}

# The process ids of the embedded Redis and Postgres the first node started, a line each (none when it was given
# servers of its own).
server_pids() {
  local port pid
  for port in $(grep -o 'Embedded \(Redis\|Postgres\) on port [0-9]*' "$LIVEJURY_LOG" | grep -o '[0-9]*$'); do
    pid=$(ss -Hltnp "sport = :$port" | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2)
    [ -n "$pid" ] || { echo "no process listens on port $port" >&2; return 1; }
    echo "$pid"
  done
}

# The embedded Redis and Postgres start as children of the first node and inherit its cores: move every
# thread of theirs (Postgres forks a process per connection, so its children too) to the given cores.
move_servers_to() {
  local cpus=$1 pid p
  for pid in $(server_pids); do
    for p in "$pid" $(pgrep -P "$pid"); do taskset -a -pc "$cpus" "$p" >/dev/null; done
  done
  echo "embedded Redis and Postgres moved to cores $cpus, nodes on cores $NODE_CPUS"
}

start_nodes() {
  local count=$1
  start_livejury
  LIVEJURY_URLS=$LIVEJURY_URL
  LIVEJURY_PIDS=$LIVEJURY_PID
  local redis pg
  redis=$(grep -o 'Embedded Redis on port [0-9]*' "$LIVEJURY_LOG" | grep -o '[0-9]*$')
  # none for a server without Postgres (the floor server)
  pg=$(grep -o 'Embedded Postgres on port [0-9]*' "$LIVEJURY_LOG" | grep -o '[0-9]*$' || true)
  for _ in $(seq 2 "$count"); do
    start_node "$(mktemp)" LIVEJURY_DEV=true LIVEJURY_REDIS_URL="redis://127.0.0.1:$redis" \
      LIVEJURY_PG_URL="postgresql://postgres:postgres@127.0.0.1:$pg/postgres"
    LIVEJURY_URLS="$LIVEJURY_URLS,$NODE_URL"
    LIVEJURY_PIDS="$LIVEJURY_PIDS,$NODE_PID"
  done
}

stop_nodes() {
  for p in "${LIVEJURY_ALL_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${LIVEJURY_ALL_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  LIVEJURY_ALL_PIDS=()
}

# run_loadtest <sockets> [LoadTest key=value args...]: one generator process per 18,000 sockets unless $PARTS says (a process
# holds at most ~19,000 descriptors here), lined up through a shared directory; the first one reports.
run_loadtest() {
  local sockets=$1; shift
  local parts=${PARTS:-$(( (sockets + 17999) / 18000 ))}
  local barrier run pids=()
  barrier=$(mktemp -d)
  run=$(date +%s%N | cut -c6-14)
  for part in $(seq 1 $((parts - 1))); do
    ${LOADGEN_CPUS:+taskset -c "$LOADGEN_CPUS"} java -Xss512k ${LOADTEST_JAVA_OPTS:--XX:+UseParallelGC} -cp target/livejury.jar io.livejury.loadgen.LoadTest "sockets=$sockets" "part=$part/$parts" \
      "run=$run" "barrier=$barrier" "$@" >"$barrier/part-$part.log" 2>&1 &
    pids+=($!)
  done
  local status=0
  ${LOADGEN_CPUS:+taskset -c "$LOADGEN_CPUS"} java -Xss512k ${LOADTEST_JAVA_OPTS:--XX:+UseParallelGC} -cp target/livejury.jar io.livejury.loadgen.LoadTest "sockets=$sockets" "part=0/$parts" \
    "run=$run" "barrier=$barrier" "$@" || status=$?
  for p in "${pids[@]}"; do wait "$p" || { echo "a generator part failed:"; tail -5 "$barrier"/part-*.log; status=1; }; done
  rm -rf "$barrier"
  return $status
}

# build_ref <ref>: <ref>'s jar, built in a temporary worktree unless a jar of that commit is already kept; sets
# REF_JAR and REF_COMMIT.
build_ref() {
  local ref=$1 tree status=0
  REF_COMMIT=$(git rev-parse --verify "$ref^{commit}")
  REF_JAR=target/ab/livejury-$REF_COMMIT.jar
  if [ -f "$REF_JAR" ]; then
    echo "=== $ref ($REF_COMMIT): reusing $REF_JAR"
    return 0
  fi
  echo "=== $ref ($REF_COMMIT): building its jar"
  tree=$(mktemp -d)
  rmdir "$tree"
  git worktree add --detach "$tree" "$REF_COMMIT" >/dev/null
  (cd "$tree" && mvn -B -q -DskipTests package) || status=$?
  if [ $status -eq 0 ]; then
    mkdir -p target/ab
    cp "$tree/target/livejury.jar" "$REF_JAR"
  fi
  git worktree remove --force "$tree"
  return $status
}

# The floor server, compiled against the jar it borrows Vert.x and the embedded Redis from, into target/floor.
build_floor() {
  if [ -f target/floor/FloorServer.class ] \
      && [ -z "$(find bench/floor target/livejury.jar -newer target/floor/FloorServer.class -print -quit)" ]; then
    return 0
  fi
  rm -rf target/floor
  mkdir -p target/floor
  # The jar leaves out Vert.x's code-generation annotations: javac warns of each, harmlessly.
  javac -nowarn -d target/floor -cp target/livejury.jar bench/floor/*.java 2>target/floor/javac.log \
    || { grep -v 'Cannot find annotation method' target/floor/javac.log; return 1; }
}
