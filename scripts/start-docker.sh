#!/usr/bin/env bash
# Starts (or finds) a Docker daemon for the container tests, installing Debian's docker.io when it is missing.
# Idempotent: a daemon that answers is reused. Exits non-zero, with the daemon's last log lines, when none can run.
set -euo pipefail

log=${CHORUS_DOCKERD_LOG:-/tmp/chorus-dockerd.log}

if ! command -v dockerd >/dev/null 2>&1; then
  echo "start-docker: dockerd is not installed; installing docker.io" >&2
  if [ "$(id -u)" != 0 ]; then echo "start-docker: installing needs root" >&2; exit 1; fi
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >&2
fi

# The client that ships with the daemon speaks its API version; another docker on PATH may be newer or older.
docker=$( [ -x /usr/bin/docker ] && echo /usr/bin/docker || command -v docker )

if "$docker" info >/dev/null 2>&1; then exit 0; fi

if [ "$(id -u)" != 0 ]; then echo "start-docker: no Docker daemon answers, and starting one needs root" >&2; exit 1; fi
# No systemd here: the daemon runs detached, its log in $log.
setsid dockerd >"$log" 2>&1 < /dev/null &
for _ in $(seq 1 60); do
  if "$docker" info >/dev/null 2>&1; then exit 0; fi
  sleep 0.5
done
echo "start-docker: dockerd did not answer within 30 s; its log ($log) ends with:" >&2
tail -n 20 "$log" >&2
exit 1
