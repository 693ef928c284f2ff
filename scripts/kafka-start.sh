#!/usr/bin/env bash
# Start a local single-node Apache Kafka (KRaft, broker+controller) without Docker.
#
# Needs: java (17+), mvn (to fetch the broker jars from Maven Central once),
# node and the repo's "kafkajs" dependency (readiness probe: scripts/kafka-ready.mjs).
#
# Idempotent: when a healthy broker started by this script is already running it
# just reports it and exits 0.
#
# Environment (all optional):
#   KAFKA_PORT             client (PLAINTEXT) port                 [9092]
#   KAFKA_CONTROLLER_PORT  KRaft controller port                   [9093]
#   KAFKA_HOME_DIR         state dir (lib/, data/, logs/, pid)     [<repo>/.infra/kafka]
#   KAFKA_HEAP_OPTS        JVM heap flags                          [-Xms256m -Xmx1g]
#   KAFKA_JVM_OPTS         extra JVM flags                         []
#   KAFKA_START_TIMEOUT    seconds to wait for readiness           [120]
#   NODE                   node binary for the readiness probe     [node]
#   JAVA_HOME              used when set, else java from PATH
# shellcheck disable=SC2016  # literal ${...} placeholders / $$ in single quotes are intended
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
DEPLOY_DIR="$REPO_ROOT/deploy/kafka"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HOME_DIR="${KAFKA_HOME_DIR:-$REPO_ROOT/.infra/kafka}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx1g}"
KAFKA_JVM_OPTS="${KAFKA_JVM_OPTS:-}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
NODE="${NODE:-node}"

mkdir -p "$KAFKA_HOME_DIR"
KAFKA_HOME_DIR="$(cd "$KAFKA_HOME_DIR" && pwd)"
LIB_DIR="$KAFKA_HOME_DIR/lib"
KAFKA_DATA_DIR="$KAFKA_HOME_DIR/data"
LOG_DIR="$KAFKA_HOME_DIR/logs"
PID_FILE="$KAFKA_HOME_DIR/kafka.pid"
CLUSTER_ID_FILE="$KAFKA_HOME_DIR/cluster.id"
PROPS_FILE="$KAFKA_HOME_DIR/server.properties"
OUT_FILE="$LOG_DIR/kafka.out"
SERVER_LOG="$LOG_DIR/server.log"
POM="$DEPLOY_DIR/pom.xml"
TEMPLATE="$DEPLOY_DIR/server.properties.template"
LOG4J_CONFIG="$DEPLOY_DIR/log4j2.yaml"
READY_SCRIPT="$SCRIPT_DIR/kafka-ready.mjs"

export KAFKA_PORT KAFKA_CONTROLLER_PORT

log() { printf '[kafka-start] %s\n' "$*"; }
die() { printf '[kafka-start] ERROR: %s\n' "$*" >&2; exit 1; }

for v in KAFKA_PORT KAFKA_CONTROLLER_PORT KAFKA_START_TIMEOUT; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a number (got '${!v}')"
done
[[ "$KAFKA_PORT" != "$KAFKA_CONTROLLER_PORT" ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ"

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  JAVA="$JAVA_HOME/bin/java"
else
  JAVA="$(command -v java || true)"
fi
[[ -n "$JAVA" ]] || die "java not found (install a JDK 17+ or set JAVA_HOME)"
command -v "$NODE" >/dev/null 2>&1 || die "node not found (needed for the readiness probe $READY_SCRIPT)"
# Fail before launching anything when the probe cannot run at all.
"$NODE" "$READY_SCRIPT" --check-deps || die "readiness probe cannot run (kafkajs missing)"

# Serialise concurrent invocations (start/start races).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$KAFKA_HOME_DIR/.start.lock"
  flock -w 300 9 || die "could not acquire $KAFKA_HOME_DIR/.start.lock"
fi

# ---------------------------------------------------------------- helpers
is_kafka_pid() {
  # true when $1 is alive and is a kafka.Kafka JVM (guards against pid reuse)
  local pid="$1"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'kafka\.Kafka' || return 1
  fi
  return 0
}

port_in_use() {
  # true when something accepts TCP connections on 127.0.0.1:$1
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

probe_once() {
  # one readiness attempt; the probe's stderr is kept in $PROBE_ERR_FILE
  local rc=0
  KAFKA_PORT="$KAFKA_PORT" KAFKA_READY_TIMEOUT_MS="${KAFKA_READY_TIMEOUT_MS:-20000}" \
    "$NODE" "$READY_SCRIPT" >"$PROBE_ERR_FILE" 2>&1 || rc=$?
  if [[ $rc -eq 2 ]]; then
    # cannot happen after the --check-deps preflight unless node_modules changed meanwhile
    cat "$PROBE_ERR_FILE" >&2
    return 1
  fi
  return $rc
}

show_logs() {
  if [[ -s "$SERVER_LOG" ]]; then
    printf -- '----- last 50 lines of %s -----\n' "$SERVER_LOG" >&2
    tail -n 50 "$SERVER_LOG" >&2
  fi
  if [[ -s "$OUT_FILE" ]]; then
    printf -- '----- last 50 lines of %s -----\n' "$OUT_FILE" >&2
    tail -n 50 "$OUT_FILE" >&2
  fi
  if [[ -s "$PROBE_ERR_FILE" ]]; then
    printf -- '----- last readiness probe output -----\n' >&2
    tail -n 20 "$PROBE_ERR_FILE" >&2
  fi
}

# wait_ready PID DEADLINE -> 0 when ready, 1 on timeout, 3 when the process died
wait_ready() {
  local pid="$1" deadline="$2"
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      return 3
    fi
    if port_in_use "$KAFKA_PORT" && probe_once; then
      return 0
    fi
    (( SECONDS < deadline )) || return 1
    sleep 1
  done
}

mkdir -p "$LOG_DIR"
PROBE_ERR_FILE="$LOG_DIR/ready-probe.out"

# ---------------------------------------------------------------- already running?
if [[ -f "$PID_FILE" ]]; then
  old_pid="$(tr -dc '0-9' <"$PID_FILE" || true)"
  if [[ -n "$old_pid" ]] && is_kafka_pid "$old_pid"; then
    # It may still be starting (e.g. a previous start timed out or is in progress).
    if wait_ready "$old_pid" $(( SECONDS + KAFKA_START_TIMEOUT )); then
      echo "Kafka already running on 127.0.0.1:$KAFKA_PORT (pid $old_pid)"
      exit 0
    fi
    show_logs
    die "a Kafka process (pid $old_pid, from $PID_FILE) is running but not healthy; run scripts/kafka-stop.sh first"
  fi
  log "removing stale pid file ($PID_FILE, pid '${old_pid:-?}' is not a running Kafka)"
  rm -f "$PID_FILE"
fi

if port_in_use "$KAFKA_PORT"; then
  if probe_once; then
    echo "Kafka already running on 127.0.0.1:$KAFKA_PORT (not started by this script: no pid file in $KAFKA_HOME_DIR)"
    exit 0
  fi
  die "port 127.0.0.1:$KAFKA_PORT is already in use by something that is not a healthy Kafka broker (probe: $(tail -n 1 "$PROBE_ERR_FILE" 2>/dev/null)). Free it or set KAFKA_PORT."
fi
if port_in_use "$KAFKA_CONTROLLER_PORT"; then
  die "controller port 127.0.0.1:$KAFKA_CONTROLLER_PORT is already in use. Free it or set KAFKA_CONTROLLER_PORT."
fi

# ---------------------------------------------------------------- jars
pom_sum="$(sha256sum <"$POM" | cut -d' ' -f1)"
marker="$LIB_DIR/.pom.sha256"
if [[ ! -f "$marker" || "$(cat "$marker")" != "$pom_sum" ]] || ! compgen -G "$LIB_DIR/kafka_2.13-*.jar" >/dev/null; then
  command -v mvn >/dev/null 2>&1 || die "mvn not found (needed once to download the Kafka jars)"
  log "fetching Kafka jars with Maven into $LIB_DIR ..."
  tmp_lib="$KAFKA_HOME_DIR/lib.tmp.$$"
  rm -rf "$tmp_lib"
  if ! mvn -q -B -f "$POM" dependency:copy-dependencies \
      -DoutputDirectory="$tmp_lib" -DincludeScope=runtime >"$LOG_DIR/maven.out" 2>&1; then
    tail -n 40 "$LOG_DIR/maven.out" >&2
    rm -rf "$tmp_lib"
    die "maven could not fetch the Kafka jars (full output: $LOG_DIR/maven.out)"
  fi
  echo "$pom_sum" >"$tmp_lib/.pom.sha256"
  rm -rf "$LIB_DIR"
  mv "$tmp_lib" "$LIB_DIR"
fi
CLASSPATH_ARG="$LIB_DIR/*"

# ---------------------------------------------------------------- config
mkdir -p "$KAFKA_DATA_DIR"
props="$(<"$TEMPLATE")"
# Quoted replacements: no '&' / backslash surprises (bash 5.2 patsub_replacement).
props=${props//'${KAFKA_PORT}'/"$KAFKA_PORT"}
props=${props//'${KAFKA_CONTROLLER_PORT}'/"$KAFKA_CONTROLLER_PORT"}
props=${props//'${KAFKA_DATA_DIR}'/"$KAFKA_DATA_DIR"}
if grep -q '\${' <<<"$props"; then
  die "unsubstituted placeholder in $TEMPLATE: $(grep -o '\${[A-Za-z_]*}' <<<"$props" | sort -u | tr '\n' ' ')"
fi
printf '%s\n' "$props" >"$PROPS_FILE.tmp"
mv "$PROPS_FILE.tmp" "$PROPS_FILE"

# ---------------------------------------------------------------- format storage (once)
if [[ ! -f "$KAFKA_DATA_DIR/meta.properties" ]]; then
  if [[ ! -s "$CLUSTER_ID_FILE" ]]; then
    "$JAVA" -cp "$CLASSPATH_ARG" kafka.tools.StorageTool random-uuid 2>"$LOG_DIR/storage-tool.out" \
      | tail -n 1 | tr -d '[:space:]' >"$CLUSTER_ID_FILE.tmp"
    [[ -s "$CLUSTER_ID_FILE.tmp" ]] || { cat "$LOG_DIR/storage-tool.out" >&2; die "could not generate a cluster id"; }
    mv "$CLUSTER_ID_FILE.tmp" "$CLUSTER_ID_FILE"
  fi
  cluster_id="$(tr -d '[:space:]' <"$CLUSTER_ID_FILE")"
  log "formatting $KAFKA_DATA_DIR (cluster id $cluster_id)"
  if ! "$JAVA" -Dlog4j2.configurationFile="$LOG4J_CONFIG" -Dkafka.logs.dir="$LOG_DIR" \
      -cp "$CLASSPATH_ARG" kafka.tools.StorageTool format \
      -t "$cluster_id" -c "$PROPS_FILE" >"$LOG_DIR/storage-tool.out" 2>&1; then
    cat "$LOG_DIR/storage-tool.out" >&2
    die "kafka storage format failed"
  fi
fi

# ---------------------------------------------------------------- launch
log "starting Kafka on 127.0.0.1:$KAFKA_PORT (controller 127.0.0.1:$KAFKA_CONTROLLER_PORT, data $KAFKA_DATA_DIR)"
# shellcheck disable=SC2206 # word splitting of the opts is intended
jvm_args=(
  -server $KAFKA_HEAP_OPTS
  -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
  -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true
  -Dlog4j2.configurationFile="$LOG4J_CONFIG"
  -Dkafka.logs.dir="$LOG_DIR"
  $KAFKA_JVM_OPTS
  -cp "$CLASSPATH_ARG"
  kafka.Kafka "$PROPS_FILE"
)
rm -f "$PID_FILE"
{
  echo "===== $(date -u '+%Y-%m-%dT%H:%M:%SZ') starting kafka.Kafka ====="
} >>"$OUT_FILE"
# The child writes its own pid, then execs the JVM, so the pid file holds the JVM's
# pid whether or not setsid had to fork. setsid detaches it from our session so it
# survives the calling terminal/CI step.
launcher=(nohup)
command -v setsid >/dev/null 2>&1 && launcher=(setsid nohup)
"${launcher[@]}" bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" "$JAVA" "${jvm_args[@]}" \
  >>"$OUT_FILE" 2>&1 </dev/null 9>&- &

for _ in $(seq 1 50); do
  [[ -s "$PID_FILE" ]] && break
  sleep 0.1
done
[[ -s "$PID_FILE" ]] || die "Kafka process did not start (see $OUT_FILE)"
pid="$(tr -dc '0-9' <"$PID_FILE")"

# ---------------------------------------------------------------- wait for readiness
rc=0
wait_ready "$pid" $(( SECONDS + KAFKA_START_TIMEOUT )) || rc=$?
if [[ $rc -ne 0 ]]; then
  show_logs
  if [[ $rc -eq 3 ]]; then
    rm -f "$PID_FILE"
    die "Kafka exited during startup (logs: $LOG_DIR)"
  fi
  # do not leave a half-started broker behind
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PID_FILE"
  die "Kafka did not become ready within ${KAFKA_START_TIMEOUT}s (stopped it; logs: $LOG_DIR)"
fi

echo "Kafka ready on 127.0.0.1:$KAFKA_PORT (logs: $LOG_DIR)"
