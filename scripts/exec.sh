#!/usr/bin/env bash
# Runs a command with the project's Node 24 and environment defaults, e.g. `scripts/exec.sh nx run-many -t build`.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HC_ROOT"
export PATH="$HC_ROOT/node_modules/.bin:$PATH"
exec "$@"
