#!/usr/bin/env bash
# `npm start`: installs, builds, starts the infrastructure and reports where everything is.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HC_ROOT"
bash scripts/install.sh
node_modules/.bin/nx run-many -t build --outputStyle=static >&2
bash scripts/infra-up.sh
cat <<TXT

Hospitality Circles infrastructure is up.
  Kafka:      $KAFKA_BROKERS   (logs: .infra/kafka/logs/)
  PostgreSQL: $DATABASE_URL    (databases hc_circles, hc_ideas, hc_metrics)
  Redis:      $REDIS_URL
Stop with: npm run stop
TXT
