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
# A fresh clone gets exactly the lock file (npm ci); an existing tree is updated in place, so
# running processes that use node_modules are not pulled out from under.
if [ ! -d node_modules ]; then
  echo "Installing dependencies (npm ci) ..." >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
else
  echo "Updating dependencies (npm install) ..." >&2
  npm install --no-audit --no-fund --loglevel=error >&2
fi
mkdir -p .infra
echo "$(node -v) $(sha256sum package-lock.json | cut -d' ' -f1)" > "$stamp"
