#!/usr/bin/env bash
# Stops the Kafka broker the project started; PostgreSQL and Redis are the machine's and keep running.
set -euo pipefail
bash "$(dirname "$0")/kafka-stop.sh" "$@"
