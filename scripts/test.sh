#!/usr/bin/env bash
# Runs every Chorus test. Installs and starts what the tests need when it is missing (PostgreSQL), builds once, runs each
# test project in turn, and ends with the line "tests: N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "scripts/test.sh: the .NET SDK (dotnet) is required and was not found on PATH" >&2
  exit 2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

echo "== services"
# The PostgreSQL store's tests need a real server: start (or install and start) a throwaway one.
if ! pg_url=$(bash scripts/start-postgres.sh | tail -n 1); then
  echo "scripts/test.sh: PostgreSQL could not be started; see the lines above" >&2
  echo "tests: 0 passed, 1 failed"
  exit 1
fi
export CHORUS_TEST_POSTGRES="$pg_url"
# Schedules in named time zones (Europe/Paris) read the system's time zone database.
if [ ! -d /usr/share/zoneinfo/Europe ]; then
  echo "scripts/test.sh: installing tzdata" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tzdata; } >&2 || echo "scripts/test.sh: tzdata could not be installed" >&2
fi
# The WebSocket tests run the published JavaScript client in Node.
if ! command -v node >/dev/null 2>&1; then
  echo "scripts/test.sh: installing nodejs" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs; } >&2 || echo "scripts/test.sh: nodejs could not be installed" >&2
fi
# The README walkthrough test runs the README's shell commands, which use curl, jq and openssl.
for tool in curl jq openssl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "scripts/test.sh: installing $tool" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool"; } >&2 || echo "scripts/test.sh: $tool could not be installed" >&2
  fi
done
# The Redis events tests run a real redis-server as a child process.
if ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/bin/redis-server ]; then
  echo "scripts/test.sh: installing redis-server" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; } >&2 || echo "scripts/test.sh: redis-server could not be installed" >&2
fi
# The RabbitMQ trigger tests start real brokers (Debian's rabbitmq-server) as child processes on their own ports.
if [ ! -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then
  echo "scripts/test.sh: installing rabbitmq-server" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server; } >&2 || echo "scripts/test.sh: rabbitmq-server could not be installed" >&2
fi
# The mysql step's tests start real MariaDB servers (Debian's mariadb-server) as child processes in temp folders.
if [ ! -x /usr/sbin/mariadbd ] && [ ! -x /usr/sbin/mysqld ]; then
  echo "scripts/test.sh: installing mariadb-server" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server; } >&2 || echo "scripts/test.sh: mariadb-server could not be installed" >&2
fi

# The dashboard test scrapes a running server with Debian's Prometheus and runs every panel's query.
if [ ! -x /usr/bin/prometheus ]; then
  echo "scripts/test.sh: installing prometheus" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus; } >&2 || echo "scripts/test.sh: prometheus could not be installed" >&2
fi

# The email tests send to a real SMTP server: aiosmtpd, run by Debian's python (/usr/bin/python3).
if ! /usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1; then
  echo "scripts/test.sh: installing python3-aiosmtpd" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd; } >&2 || echo "scripts/test.sh: python3-aiosmtpd could not be installed" >&2
fi

# The web UI's browser tests drive Debian's Chromium.
if [ ! -x /usr/bin/chromium ]; then
  echo "scripts/test.sh: installing chromium" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >&2 || echo "scripts/test.sh: chromium could not be installed" >&2
fi

# The container tests build the Dockerfile and run its images with a real Docker daemon (installing docker.io and
# starting dockerd when missing); without one they fail, they do not skip.
bash scripts/start-docker.sh >&2 || echo "scripts/test.sh: Docker could not be started; the container tests will fail" >&2

# The web UI's bundle is committed, so a clone with only the .NET SDK serves it. Where Node is present, rebuild it
# from web/ and count a failure when the result differs from the committed bundle (or cannot be built).
bundle=src/Chorus.Server/WebUi/Bundle
bundle_passed=0 bundle_failed=0
if command -v npm >/dev/null 2>&1; then
  echo "== web UI bundle"
  if (cd web && npm ci --no-audit --no-fund && npm run build) && [ -z "$(git status --porcelain -- "$bundle")" ]; then
    bundle_passed=1
  else
    bundle_failed=1
    echo "scripts/test.sh: the web UI bundle in $bundle is not what web/ builds; run 'cd web && npm ci && npm run build' and commit it" >&2
    git status --short -- "$bundle" >&2
  fi
fi

results=.artifacts/test-results
rm -rf "$results"
mkdir -p "$results"

echo "== build"
if ! dotnet build Chorus.slnx -c Debug -nologo -clp:ErrorsOnly; then
  echo "scripts/test.sh: the build failed" >&2
  echo "tests: 0 passed, 1 failed"
  exit 1
fi

# The packages `dotnet pack` makes (README, metadata, symbols) and the chorus tool installed from them count as one test.
echo "== packages"
packages_passed=0 packages_failed=0
if bash scripts/test_packages.sh; then packages_passed=1; else packages_failed=1; fi

passed=$((bundle_passed + packages_passed)) failed=$((bundle_failed + packages_failed)) skipped=0 status=$((bundle_failed + packages_failed))
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  echo "== $name"
  dotnet test "$project" --no-build -c Debug -nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results"
  code=$?
  trx="$results/$name.trx"
  if [ -f "$trx" ]; then
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
    get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
    p=$(get passed); f=$(get failed); e=$(get error); t=$(get total); x=$(get executed)
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0} + ${e:-0}))
    skipped=$((skipped + ${t:-0} - ${x:-0}))
  fi
  if [ $code -ne 0 ]; then
    status=1
    # A test host that crashed leaves no failure in the counts: count it, so CI cannot go green.
    if [ ! -f "$trx" ] || [ "${f:-0}" = "0" ]; then failed=$((failed + 1)); echo "scripts/test.sh: $name exited with $code" >&2; fi
  fi
done

if [ $skipped -gt 0 ]; then
  echo "tests: $passed passed, $failed failed, $skipped skipped"
else
  echo "tests: $passed passed, $failed failed"
fi
[ $failed -eq 0 ] && [ $status -eq 0 ]
