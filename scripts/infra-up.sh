#!/usr/bin/env bash
# Starts what the services and tests need on this machine: Kafka (from the official jars) and
# the per-service databases on the local PostgreSQL; checks that Redis answers.
set -euo pipefail
source "$(dirname "$0")/env.sh"
bash "$HC_ROOT/scripts/install.sh"
bash "$HC_ROOT/scripts/kafka-start.sh"
bash "$HC_ROOT/scripts/db-create.sh"
node -e '
const net = require("node:net");
const url = new URL(process.env.REDIS_URL);
const socket = net.connect(Number(url.port || 6379), url.hostname);
socket.setTimeout(3000);
socket.on("connect", () => socket.write("PING\r\n"));
socket.on("data", (d) => { if (!String(d).includes("PONG")) { console.error("Redis at " + process.env.REDIS_URL + " did not answer PING: " + d); process.exit(1); } socket.end(); });
socket.on("error", (e) => { console.error("Redis is not reachable at " + process.env.REDIS_URL + ": " + e.message + ". Start the local redis-server (see README)."); process.exit(1); });
socket.on("timeout", () => { console.error("Redis at " + process.env.REDIS_URL + " timed out"); process.exit(1); });
'
cat <<TXT
Infrastructure ready:
  DATABASE_URL=$DATABASE_URL
  KAFKA_BROKERS=$KAFKA_BROKERS
  REDIS_URL=$REDIS_URL
TXT
