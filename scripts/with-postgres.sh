#!/usr/bin/env bash
# Runs a command with a PostgreSQL server of its own: Debian's server binaries, a cluster in a
# temporary folder, on a free port of 127.0.0.1, trusted local connections, stopped and removed
# afterwards. The command sees GREENLIGHT_TEST_DATABASE=postgres://postgres@127.0.0.1:PORT/postgres
# (the service's tests then run on PostgreSQL as well as SQLite). Without a server (apt-get install
# postgresql) the command runs without it and the PostgreSQL tests say they skipped.
#   scripts/with-postgres.sh swift test
set -uo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "with-postgres: no PostgreSQL server found (apt-get install postgresql); PostgreSQL tests will skip" >&2
  exec "$@"
fi
dir=$(mktemp -d /tmp/greenlight-pg.XXXXXX)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_owner=()
if [ "$(id -u)" = 0 ]; then  # the server refuses to run as root
  chown postgres "$dir"
  as_owner=(runuser -u postgres --)
fi
stop() {
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
if ! "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync >"$dir/initdb.log" 2>&1 \
   || ! "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=300" start >/dev/null; then
  echo "with-postgres: could not start PostgreSQL ($(tail -3 "$dir"/*.log 2>/dev/null | tr '\n' ' ')); PostgreSQL tests will skip" >&2
  "$@"
  exit $?
fi
export GREENLIGHT_TEST_DATABASE="postgres://postgres@127.0.0.1:$port/postgres"
echo "with-postgres: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port for this run" >&2
"$@"
