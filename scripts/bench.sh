#!/usr/bin/env bash
# `npm run bench`: builds, starts the infrastructure, runs the benchmarks (BENCH_SCALE scales the workload).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HC_ROOT"
bash scripts/install.sh
node_modules/.bin/nx run-many -t build --outputStyle=static >&2
bash scripts/infra-up.sh >&2
exec node libs/benchmarks/dist/main.js "$@"
