#!/usr/bin/env bash
# Starts (or finds) the throwaway PostgreSQL server the tests use, installing PostgreSQL when it is missing.
# Prints the connection URL on its last line. Idempotent: a running server is reused.
set -euo pipefail

port=${CHORUS_PG_PORT:-55432}
dir=${CHORUS_PG_DIR:-/tmp/chorus-postgres}
url="postgres://postgres@127.0.0.1:$port/postgres"

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ]; then
  echo "start-postgres: PostgreSQL is not installed; installing it" >&2
  if [ "$(id -u)" != 0 ]; then echo "start-postgres: installing needs root" >&2; exit 1; fi
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else su postgres -s /bin/bash -c "$(printf '%q ' "$@")"; fi
}

ready() { "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 5; }

if [ -f "$dir/data/postmaster.pid" ] && as_postgres "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
  if ready; then
    echo "$url"
    exit 0
  fi
  # A server that is there but does not answer is restarted rather than trusted.
  as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate stop >&2 || true
fi

mkdir -p "$dir"
chown postgres "$dir" 2>/dev/null || true
if [ ! -f "$dir/data/PG_VERSION" ]; then
  as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
fi
# fsync stays on: the tests prove durability, so the server must not lie about it.
# pg_stat_statements is loaded but tracks nothing: the benchmark's --stats turns it on for its own database only.
as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=none" start >&2 \
  || { cat "$dir/server.log" >&2; exit 1; }
ready || { echo "start-postgres: the server started but does not answer on port $port" >&2; cat "$dir/server.log" >&2; exit 1; }
echo "$url"
