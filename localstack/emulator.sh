#!/usr/bin/env bash
# Starts, stops and checks the local AWS emulator on 127.0.0.1:4566.
# EMULATOR=ministack (default) runs MiniStack from the repo's virtualenv;
# EMULATOR=localstack runs real LocalStack with docker compose (needs Docker
# and LOCALSTACK_AUTH_TOKEN in the environment).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
state="$root/.local/emulator"
pidfile="$state/ministack.pid"
logfile="$state/ministack.log"
endpoint="http://127.0.0.1:4566"
emulator=${EMULATOR:-ministack}

healthy() {
  case "$emulator" in
    ministack) curl -fsS -m 2 "$endpoint/_ministack/health" >/dev/null 2>&1 ;;
    localstack) curl -fsS -m 2 "$endpoint/_localstack/health" >/dev/null 2>&1 ;;
  esac
}

wait_healthy() {
  for _ in $(seq 1 120); do
    healthy && return 0
    sleep 0.5
  done
  echo "emulator: $emulator did not become healthy on $endpoint" >&2
  [ -f "$logfile" ] && tail -n 40 "$logfile" >&2
  return 1
}

start() {
  if healthy; then echo "emulator: $emulator already up on $endpoint"; return 0; fi
  mkdir -p "$state/tmp" "$state/data"
  case "$emulator" in
    ministack)
      # Lambdas run as child processes and inherit this environment, so the SDK
      # inside them talks to the emulator instead of real AWS.
      env AWS_ENDPOINT_URL="$endpoint" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
        AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 \
        BIND_HOST=127.0.0.1 GATEWAY_PORT=4566 IOT_MTLS_ENABLED=0 SFTP_ENABLED=0 \
        STATE_DIR="$state/data" S3_DATA_DIR="$state/data/s3" TMPDIR="$state/tmp" \
        LOG_LEVEL="${EMULATOR_LOG_LEVEL:-WARNING}" \
        setsid "$here/.venv/bin/python" -m hypercorn ministack.app:app \
          --bind 127.0.0.1:4566 --keep-alive 75 </dev/null >"$logfile" 2>&1 &
      echo $! >"$pidfile"
      ;;
    localstack)
      : "${LOCALSTACK_AUTH_TOKEN:?set LOCALSTACK_AUTH_TOKEN to run real LocalStack}"
      docker compose -f "$here/docker-compose.yml" up -d
      ;;
    *) echo "emulator: EMULATOR must be ministack or localstack, not '$emulator'" >&2; exit 2 ;;
  esac
  wait_healthy
  echo "emulator: $emulator up on $endpoint"
}

stop() {
  case "$emulator" in
    ministack)
      [ -f "$pidfile" ] || { echo "emulator: not running (no pid file)"; return 0; }
      pid=$(cat "$pidfile")
      if kill -0 "$pid" 2>/dev/null; then
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
        if kill -0 "$pid" 2>/dev/null; then
          kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        fi
      fi
      rm -f "$pidfile"
      echo "emulator: stopped"
      ;;
    localstack) docker compose -f "$here/docker-compose.yml" down ;;
  esac
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if healthy; then echo up; else echo down; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
