#!/usr/bin/env bash
# Installs the workspace's dependencies with Node 24, skipping the work when the lockfile is unchanged.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HC_ROOT"
stamp=".infra/npm-install.stamp"
want="$(node -v) $(sha256sum package-lock.json 2>/dev/null | cut -d' ' -f1)"
if [ -d node_modules ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "Installing dependencies (npm ci) ..." >&2
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error >&2
else
  npm install --no-audit --no-fund --loglevel=error >&2
fi
mkdir -p .infra
echo "$(node -v) $(sha256sum package-lock.json | cut -d' ' -f1)" > "$stamp"
