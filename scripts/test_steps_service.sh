#!/usr/bin/env bash
# Exercises a running steps service with curl: health, the catalog, each demo step, an unknown step and a bad
# config. Prints every answer; exits non-zero at the first unexpected status.
# Usage: scripts/test_steps_service.sh [BASE_URL]   (default http://localhost:8001; start the service with
#        dotnet run --project src/Chorus.StepsService)
set -uo pipefail

base="${1:-${STEPS_SVC_URL:-http://localhost:8001}}"
base="${base%/}"

if ! command -v curl >/dev/null 2>&1; then
  echo "test_steps_service.sh: curl is required and was not found on PATH (apt-get install curl)" >&2
  exit 2
fi

failures=0

# call NAME EXPECTED_STATUS METHOD PATH [BODY]
call() {
  local name="$1" expected="$2" method="$3" path="$4" body="${5:-}"
  local out status
  out=$(mktemp)
  if [ -n "$body" ]; then
    status=$(curl -sS -o "$out" -w '%{http_code}' -X "$method" -H 'Content-Type: application/json' \
      -H "Idempotency-Key: test-script-$$-$name" --data-binary "$body" --max-time 30 "$base$path")
  else
    status=$(curl -sS -o "$out" -w '%{http_code}' -X "$method" --max-time 30 "$base$path")
  fi
  local code=$?
  echo "== $name: $method $path -> ${status:-no answer}"
  cat "$out"; echo
  rm -f "$out"
  if [ $code -ne 0 ]; then
    echo "FAIL $name: curl could not reach $base (exit $code)" >&2
    exit 1
  fi
  if [ "$status" != "$expected" ]; then
    echo "FAIL $name: expected HTTP $expected, got $status" >&2
    failures=$((failures + 1))
  fi
}

call health 200 GET /health
call list 200 GET /steps
call fetch_user 200 POST /steps/fetch_user '{"context": {"input": {"user_id": 2}}, "config": {}}'
call validate_user 200 POST /steps/validate_user \
  '{"context": {"input": {"user_id": 2, "dynamic_properties": {"propiedadA": "admin", "propiedadB": "test_value"}}}, "config": {"required": ["propiedadA"], "allowed": {"propiedadA": ["admin", "user"]}}}'
call transform_data 200 POST /steps/transform_data \
  '{"context": {"fetch_user": {"id": 2, "name": "  grace   HOPPER ", "email": "Grace.Hopper@Example.com", "role": "admin", "score": 78}}, "config": {"delay_ms": 500}}'
call decide 200 POST /steps/decide '{"context": {"transform_data": {"score": 88}}, "config": {"threshold": 50}}'
call approve_user 200 POST /steps/approve_user '{"context": {"input": {"user_id": 2}}, "config": {}}'
call reject_user 200 POST /steps/reject_user '{"context": {"input": {"user_id": 5}}, "config": {"reason": "score below threshold"}}'
call unknown_user 404 POST /steps/fetch_user '{"context": {}, "config": {"user_id": 999}}'
call unknown_step 404 POST /steps/no_such_step '{"context": {}, "config": {}}'
call bad_config 400 POST /steps/decide '{"context": {}, "config": {"threshold": "high"}}'
call bad_json 400 POST /steps/decide '{"context": '

if [ $failures -gt 0 ]; then
  echo "test_steps_service.sh: $failures unexpected answer(s) from $base" >&2
  exit 1
fi
echo "test_steps_service.sh: every answer was as expected ($base)"
