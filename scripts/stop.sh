#!/usr/bin/env bash
# `npm run stop`: stops what `npm start` started (PostgreSQL and Redis are the machine's own).
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$HC_ROOT/scripts/stack.sh"
for (( i=${#HC_PROCESSES[@]}-1; i>=0; i-- )); do
  IFS=: read -r name _main _port <<<"${HC_PROCESSES[$i]}"
  pid_file="$HC_RUN_DIR/$name.pid"
  if hc_pid_alive "$pid_file"; then
    pid="$(cat "$pid_file")"
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    echo "$name stopped"
  fi
  rm -f "$pid_file"
done
bash "$HC_ROOT/scripts/kafka-stop.sh"
