#!/usr/bin/env bash
# `npm start`: installs, builds, starts Kafka, the databases, the three services and the gateway,
# waits until all are ready and prints where they are. A second call reports what is already up.
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$HC_ROOT/scripts/stack.sh"
cd "$HC_ROOT"
bash scripts/install.sh
node_modules/.bin/nx run-many -t build --outputStyle=static >&2
bash scripts/infra-up.sh
mkdir -p "$HC_RUN_DIR"

for entry in "${HC_PROCESSES[@]}"; do
  IFS=: read -r name main port <<<"$entry"
  pid_file="$HC_RUN_DIR/$name.pid"
  log_file="$HC_RUN_DIR/$name.log"
  if hc_pid_alive "$pid_file"; then
    echo "$name already running (pid $(cat "$pid_file"), port $port)"
    continue
  fi
  if [ ! -f "$main" ]; then
    echo "$name is not built yet ($main missing): skipped" >&2
    continue
  fi
  nohup node "$main" >>"$log_file" 2>&1 &
  echo $! >"$pid_file"
  echo "$name starting (pid $!, port $port, log $log_file)"
  # Subgraphs must answer before the gateway starts checking them.
  deadline=$((SECONDS + ${HC_START_TIMEOUT:-120}))
  until hc_ready "$port"; do
    if ! hc_pid_alive "$pid_file"; then
      echo "$name exited during start-up; last lines of $log_file:" >&2
      tail -n 40 "$log_file" >&2
      exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      echo "$name not ready after ${HC_START_TIMEOUT:-120} s; see $log_file" >&2
      exit 1
    fi
    sleep 0.5
  done
done

token="$(node gateway/dist/token.js --roles admin,coordinator,analyst,leader,participant --sub dev-admin 2>/dev/null || true)"
cat <<TXT

Hospitality Circles is up.
  GraphQL gateway:  http://127.0.0.1:${GATEWAY_PORT:-4000}/graphql
  Development token (all roles, sub dev-admin):
    ${token:-<build the gateway to print one>}
  More tokens:      npm run --silent token -- --roles analyst --sub emp-1
  Logs:             $HC_RUN_DIR/{circles,ideas,metrics,gateway}.log, .infra/kafka/logs/server.log
  Stop everything:  npm run stop
TXT
