#!/usr/bin/env bash
# `npm run stop`: stops everything `npm start` started (PostgreSQL and Redis are the machine's own).
set -euo pipefail
bash "$(dirname "$0")/kafka-stop.sh"
