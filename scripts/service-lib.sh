# Sourced by the service's scripts (test-service-api.sh, bench-service.sh): a temporary folder
# ($work, removed on exit with the server) and a `greenlight serve` started in it on a free port.
#   start_serve BINARY ARGS...   sets $pid, $port and $base; the server's log is $work/serve.log
work=$(mktemp -d)
pid=""
cleanup() { [ -z "$pid" ] || kill "$pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/root"

start_serve() {
  local bin=$1
  shift
  "$bin" serve "$@" --port 0 2>"$work/serve.log" &
  pid=$!
  port=""
  for _ in $(seq 100); do
    port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$work/serve.log" | grep -o '[0-9]*$' || true)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$work/serve.log" >&2; echo "$(basename "$0"): the server did not start" >&2; exit 1; }
  base="http://127.0.0.1:$port"
}
