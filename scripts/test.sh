#!/usr/bin/env bash
# `npm test [unit|int|e2e|all|faults]`: installs what is missing, starts the infrastructure the chosen
# tests need, then runs jest with Node 24. Extra arguments go to jest.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HC_ROOT"
which="${1:-all}"
shift || true
bash scripts/install.sh
case "$which" in
  unit) projects=(--selectProjects unit) ;;
  int) projects=(--selectProjects int) ;;
  e2e) projects=(--selectProjects e2e) ;;
  all) projects=(--selectProjects unit int e2e) ;;
  # One scenario at a time: they stop and restart the suite's own broker (started by its jest global setup).
  faults) projects=(--selectProjects faults --runInBand) ;;
  *) echo "usage: scripts/test.sh [unit|int|e2e|all|faults] [jest args]" >&2; exit 2 ;;
esac
if [ "$which" != "unit" ]; then
  bash scripts/infra-up.sh
  # Integration tests start real processes (relays, services) from the built output.
  node_modules/.bin/nx run-many -t build --outputStyle=static >&2
fi
export NODE_OPTIONS="--experimental-vm-modules --no-warnings=ExperimentalWarning ${NODE_OPTIONS:-}"
if [ "$which" = "faults" ]; then
  exec node node_modules/jest/bin/jest.js "$@" "${projects[@]}"
fi
exec node node_modules/jest/bin/jest.js "${projects[@]}" --maxWorkers=2 "$@"
