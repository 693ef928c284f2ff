#!/usr/bin/env bash
# `npm run simulate [-- options]`: plays a programme against the running stack (start it with `npm start`).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HC_ROOT"
bash scripts/install.sh >&2
node_modules/.bin/nx run @hc/simulator:build --outputStyle=static >&2
exec node tools/simulator/dist/main.js "$@"
