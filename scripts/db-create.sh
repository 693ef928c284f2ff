#!/usr/bin/env bash
# Creates one database per service on the PostgreSQL server of DATABASE_URL (idempotent).
set -euo pipefail
source "$(dirname "$0")/env.sh"
databases="${HC_DATABASES:-hc_circles hc_ideas hc_metrics}"
for db in $databases; do
  exists="$(psql "$DATABASE_URL" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")"
  if [ "$exists" != "1" ]; then
    psql "$DATABASE_URL" -qc "CREATE DATABASE \"$db\" ENCODING 'UTF8' TEMPLATE template0" >/dev/null
    echo "Created database $db"
  fi
done
