# Sourced by start.sh and stop.sh: the processes of the local stack, their ports and logs.
HC_RUN_DIR="$HC_ROOT/.infra/run"
# name:entrypoint:port (the order is the start order; the gateway needs the subgraphs up)
HC_PROCESSES=(
  "circles:services/circles/dist/main.js:${CIRCLES_PORT:-4001}"
  "ideas:services/ideas/dist/main.js:${IDEAS_PORT:-4002}"
  "metrics:services/metrics/dist/main.js:${METRICS_PORT:-4003}"
  "gateway:gateway/dist/main.js:${GATEWAY_PORT:-4000}"
)

# The gateway finds the subgraphs on the ports they were given, unless told otherwise.
export CIRCLES_URL="${CIRCLES_URL:-http://127.0.0.1:${CIRCLES_PORT:-4001}/graphql}"
export IDEAS_URL="${IDEAS_URL:-http://127.0.0.1:${IDEAS_PORT:-4002}/graphql}"
export METRICS_URL="${METRICS_URL:-http://127.0.0.1:${METRICS_PORT:-4003}/graphql}"

hc_pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

hc_ready() { curl -fsS -m 2 "http://127.0.0.1:$1/health/ready" >/dev/null 2>&1; }
