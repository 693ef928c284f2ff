#!/usr/bin/env bash
# Stop the local Kafka broker started by scripts/kafka-start.sh.
#
# Usage: scripts/kafka-stop.sh [--purge]
#   --purge   also delete the broker's data (topics, offsets, cluster id)
#
# SIGTERM first (clean shutdown), SIGKILL after KAFKA_STOP_TIMEOUT seconds [30].
# Idempotent: prints "Kafka not running" when there is nothing to stop.
# Honours KAFKA_HOME_DIR like kafka-start.sh [<repo>/.infra/kafka].
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

KAFKA_HOME_DIR="${KAFKA_HOME_DIR:-$REPO_ROOT/.infra/kafka}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
PID_FILE="$KAFKA_HOME_DIR/kafka.pid"
KAFKA_DATA_DIR="$KAFKA_HOME_DIR/data"
CLUSTER_ID_FILE="$KAFKA_HOME_DIR/cluster.id"

purge=0
for arg in "$@"; do
  case "$arg" in
    --purge) purge=1 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "[kafka-stop] unknown argument: $arg (usage: $0 [--purge])" >&2; exit 2 ;;
  esac
done
[[ "$KAFKA_STOP_TIMEOUT" =~ ^[0-9]+$ ]] || { echo "[kafka-stop] KAFKA_STOP_TIMEOUT must be a number" >&2; exit 2; }

is_kafka_pid() {
  local pid="$1"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'kafka\.Kafka' || return 1
  fi
  return 0
}

pid=""
[[ -f "$PID_FILE" ]] && pid="$(tr -dc '0-9' <"$PID_FILE" || true)"

if [[ -n "$pid" ]] && is_kafka_pid "$pid"; then
  echo "Stopping Kafka (pid $pid) ..."
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$(( SECONDS + KAFKA_STOP_TIMEOUT ))
  while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "Kafka (pid $pid) did not exit within ${KAFKA_STOP_TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
  rm -f "$PID_FILE"
  echo "Kafka stopped"
else
  rm -f "$PID_FILE"
  echo "Kafka not running"
fi

if (( purge )); then
  case "$KAFKA_DATA_DIR" in
    ""|"/"|"/data") echo "[kafka-stop] refusing to purge suspicious data dir '$KAFKA_DATA_DIR'" >&2; exit 1 ;;
  esac
  rm -rf -- "$KAFKA_DATA_DIR"
  rm -f -- "$CLUSTER_ID_FILE"
  echo "Kafka data purged ($KAFKA_DATA_DIR)"
fi
