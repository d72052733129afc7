# Shared by the benchmark scripts: build the jar if needed and start LiveJury on embedded servers.
# After start_livejury, $LIVEJURY_URL is the node's base URL and $LIVEJURY_LOG its log; it is stopped
# when the script exits.

ensure_jar() {
  [ -f target/livejury.jar ] || mvn -B -q -DskipTests package
}

start_livejury() {
  ensure_jar
  LIVEJURY_LOG=$(mktemp)
  local log=$LIVEJURY_LOG
  LIVEJURY_HTTP_PORT=${LIVEJURY_HTTP_PORT:-0} java -jar target/livejury.jar >"$log" 2>&1 &
  LIVEJURY_PID=$!
  trap 'kill "$LIVEJURY_PID" 2>/dev/null; wait "$LIVEJURY_PID" 2>/dev/null || true' EXIT
  for _ in $(seq 1 120); do
    LIVEJURY_URL=$(grep -o 'http://[^ ]*' "$log" | head -n 1 || true)
    [ -n "$LIVEJURY_URL" ] && { echo "LiveJury started at $LIVEJURY_URL"; return 0; }
    kill -0 "$LIVEJURY_PID" 2>/dev/null || { cat "$log"; return 1; }
    sleep 0.5
  done
  echo "LiveJury did not start"; cat "$log"; return 1
}
