#!/usr/bin/env bash
# `npm run simulate [-- options]`: plays a programme against the running stack (start it with `npm start`).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HC_ROOT"
bash scripts/install.sh >&2
node_modules/.bin/nx run @hc/simulator:build --outputStyle=static >&2
# kafkajs 2.2.4 schedules a negative timeout on Node 24 (tulios/kafkajs#1751): harmless, so not shown.
exec node --disable-warning=TimeoutNegativeWarning tools/simulator/dist/main.js "$@"
