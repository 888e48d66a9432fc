#!/usr/bin/env bash
# Local Apache Kafka broker (KRaft, one combined broker+controller node) on
# 127.0.0.1:9092, run straight from jars fetched from Maven Central. No Docker.
#
# Usage: deploy/local/kafka.sh <command>
#   fetch      download the broker jars into .local/kafka/lib (skipped when present)
#   start      format storage once, start the broker in the background, wait until ready
#   stop       SIGTERM the broker from .local/kafka/kafka.pid, SIGKILL after 30 s
#   status     print whether the broker runs / answers (exit 0 if it answers, 3 if not)
#   reset      stop, then delete the broker's data and logs (keeps the jars)
#   run-class  <main class> [args...]  run a Kafka CLI class with the broker's classpath, e.g.
#              run-class org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:9092 --list
#
# Environment (all optional):
#   KAFKA_READY_TIMEOUT   seconds to wait for the broker in `start` (default 90)
#   KAFKA_STOP_TIMEOUT    seconds to wait after SIGTERM in `stop` (default 30)
#   KAFKA_HEAP_OPTS       broker heap (default "-Xms256m -Xmx512m")
#   KAFKA_LOG_PREFIX      prefix of progress lines (default "[kafka]")
#   JAVA_HOME             use $JAVA_HOME/bin/java instead of java from PATH (needs Java 17+)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
CONF_DIR="$SCRIPT_DIR/kafka"
POM="$CONF_DIR/pom.xml"
LOG4J_CONF="$CONF_DIR/log4j2.properties"
TEMPLATE="$CONF_DIR/server.properties.template"

KDIR="$ROOT/.local/kafka"
LIB="$KDIR/lib"
DATA="$KDIR/data"
LOGS="$KDIR/logs"
BROKER_LOG="$LOGS/broker.log"
PIDFILE="$KDIR/kafka.pid"
SERVER_PROPS="$KDIR/server.properties"
CLUSTER_ID_FILE="$KDIR/cluster.id"
FETCH_STAMP="$LIB/.fetched"
LOCKFILE="$KDIR/.lock"

HOST=127.0.0.1
PORT=9092
CONTROLLER_PORT=9093
BOOTSTRAP="$HOST:$PORT"
DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"

READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-90}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
PREFIX="${KAFKA_LOG_PREFIX:-[kafka]}"

JAVA="java"
if [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; fi
# Small, quick-starting JVM for the CLI tools (metadata probe, run-class).
TOOL_JVM_OPTS=(-Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true)

say() { printf '%s %s\n' "$PREFIX" "$*"; }
err() { printf '%s ERROR: %s\n' "$PREFIX" "$*" >&2; }
die() { err "$*"; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }'; }

usage() { sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

require_java() {
  command -v "$JAVA" >/dev/null 2>&1 || die "java not found (install openjdk-17-jre-headless, or run deploy/local/infra.sh up)"
  local v major
  v="$("$JAVA" -version 2>&1 | awk -F'"' '/version/ { print $2; exit }')"
  major="${v%%.*}"
  [[ "$major" == "1" ]] && major="$(cut -d. -f2 <<<"$v")"
  if [[ ! "$major" =~ ^[0-9]+$ ]] || (( major < 17 )); then
    die "Kafka 4.x needs Java 17+, found '$v' ($JAVA); set JAVA_HOME to a Java 17 JDK/JRE"
  fi
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" >/dev/null 2>&1; }

log4j_opts() { printf '%s\n' "-Dlog4j2.configurationFile=$LOG4J_CONF" "-Dkafka.logs.dir=$LOGS"; }

# True when the broker answers a metadata request (lists topics).
broker_answers() {
  local opts; mapfile -t opts < <(log4j_opts)
  timeout 30 "$JAVA" "${TOOL_JVM_OPTS[@]}" "${opts[@]}" -cp "$LIB/*" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --list \
    --command-config <(printf 'request.timeout.ms=5000\ndefault.api.timeout.ms=8000\n') \
    >/dev/null 2>&1
}

# Pid from our pidfile when that process is alive and is our broker; empty otherwise.
our_pid() {
  [[ -f "$PIDFILE" ]] || return 0
  local pid; pid="$(tr -dc '0-9' <"$PIDFILE")"
  [[ -n "$pid" ]] || return 0
  if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "kafka.Kafka $SERVER_PROPS"; then
    echo "$pid"
  fi
}

rss_of() { awk '/^VmRSS:/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || true; }

jar_count() { find "$LIB" -maxdepth 1 -name '*.jar' | wc -l; }

jars_present() { [[ -f "$FETCH_STAMP" ]] && compgen -G "$LIB/kafka_2.13-*.jar" >/dev/null; }

pom_hash() { sha256sum "$POM" | cut -d' ' -f1; }

cmd_fetch() {
  if jars_present && [[ "$(cat "$FETCH_STAMP")" == "$(pom_hash)" ]]; then
    say "jars already in ${LIB#"$ROOT"/} ($(jar_count) jars), skipping fetch"
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found (apt-get install maven, or run deploy/local/infra.sh up)"
  require_java
  say "fetching jars from Maven Central..."
  local t0 tmp; t0="$(now)"
  mkdir -p "$KDIR"
  tmp="$(mktemp -d "$KDIR/lib.tmp.XXXXXX")"
  if ! mvn -B -q -f "$POM" "$DEP_PLUGIN:copy-dependencies" \
      -DincludeScope=runtime -DoutputDirectory="$tmp" >"$KDIR/fetch.log" 2>&1; then
    tail -n 40 "$KDIR/fetch.log" >&2 || true
    rm -rf "$tmp"
    die "maven fetch failed (full output: ${KDIR#"$ROOT"/}/fetch.log)"
  fi
  # The SLF4J API and its Log4j2 binding must match, or the broker logs nothing.
  if compgen -G "$tmp/slf4j-api-1.*.jar" >/dev/null && ! compgen -G "$tmp/log4j-slf4j-impl-*.jar" >/dev/null; then
    rm -rf "$tmp"; die "slf4j-api 1.x without log4j-slf4j-impl in the fetched jars: fix $POM"
  fi
  pom_hash >"$tmp/.fetched"
  rm -rf "$LIB"
  mv "$tmp" "$LIB"
  say "fetched $(jar_count) jars ($(du -sh "$LIB" | cut -f1)) in $(elapsed "$t0") s"
}

render_config() {
  mkdir -p "$DATA" "$LOGS"
  sed "s#@LOG_DIRS@#$DATA#g" "$TEMPLATE" >"$SERVER_PROPS.tmp"
  mv "$SERVER_PROPS.tmp" "$SERVER_PROPS"
}

format_storage() {
  [[ -f "$DATA/meta.properties" ]] && return 0
  local opts; mapfile -t opts < <(log4j_opts)
  if [[ ! -s "$CLUSTER_ID_FILE" ]]; then
    "$JAVA" "${TOOL_JVM_OPTS[@]}" "${opts[@]}" -cp "$LIB/*" kafka.tools.StorageTool random-uuid \
      | tr -d '[:space:]' >"$CLUSTER_ID_FILE.tmp"
    mv "$CLUSTER_ID_FILE.tmp" "$CLUSTER_ID_FILE"
  fi
  local cid; cid="$(cat "$CLUSTER_ID_FILE")"
  [[ "$cid" =~ ^[A-Za-z0-9_-]{22}$ ]] || die "bad cluster id '$cid' in $CLUSTER_ID_FILE (delete it and retry)"
  say "formatting storage in ${DATA#"$ROOT"/} (cluster id $cid)"
  "$JAVA" "${TOOL_JVM_OPTS[@]}" "${opts[@]}" -cp "$LIB/*" kafka.tools.StorageTool format \
    --standalone -t "$cid" -c "$SERVER_PROPS" --ignore-formatted >>"$LOGS/format.log" 2>&1 \
    || { tail -n 20 "$LOGS/format.log" >&2; die "storage format failed (see ${LOGS#"$ROOT"/}/format.log)"; }
}

show_log_tail() {
  if [[ -f "$BROKER_LOG" ]]; then
    err "last lines of ${BROKER_LOG#"$ROOT"/}:"
    tail -n 30 "$BROKER_LOG" | sed 's/^/    /' >&2
  fi
}

# Wait until the broker (pid $1) accepts TCP on 9092 and answers metadata.
wait_ready() {
  local pid="$1" t0="$2" deadline
  deadline=$(( $(date +%s) + READY_TIMEOUT ))
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PIDFILE"
      show_log_tail
      die "broker (pid $pid) exited during startup"
    fi
    if port_open "$PORT" && broker_answers; then
      say "ready on $BOOTSTRAP in $(elapsed "$t0") s (pid $pid, RSS $(rss_of "$pid"))"
      return 0
    fi
    if (( $(date +%s) >= deadline )); then
      show_log_tail
      err "broker (pid $pid) not ready on $BOOTSTRAP after ${READY_TIMEOUT} s; stopping it"
      stop_pid "$pid" >/dev/null 2>&1 || true
      rm -f "$PIDFILE"
      exit 1
    fi
    sleep 0.5
  done
}

cmd_start() {
  mkdir -p "$KDIR"
  exec 9>"$LOCKFILE"
  flock -w 120 9 || die "another kafka.sh holds $LOCKFILE"

  local pid t0; t0="$(now)"
  pid="$(our_pid)"
  if [[ -n "$pid" ]]; then
    if port_open "$PORT" && broker_answers; then
      say "already running on $BOOTSTRAP (pid $pid, RSS $(rss_of "$pid"))"
      return 0
    fi
    say "broker pid $pid is running but not answering yet; waiting"
    wait_ready "$pid" "$t0"
    return 0
  fi
  if [[ -f "$PIDFILE" ]]; then say "removing stale pidfile"; rm -f "$PIDFILE"; fi

  if port_open "$PORT"; then
    local who
    who="$(ss -ltnpH "sport = :$PORT" 2>/dev/null | sed -n 's/.*users:(("\([^"]*\)",pid=\([0-9]*\).*/\1, pid \2/p' | head -n1 || true)"
    say "something else already listens on $BOOTSTRAP${who:+ ($who)}; using it as the broker, not starting another"
    if jars_present && ! broker_answers; then
      err "... but it does not answer Kafka metadata requests"
    fi
    return 0
  fi
  if port_open "$CONTROLLER_PORT"; then
    die "port $HOST:$CONTROLLER_PORT (KRaft controller) is taken by another process"
  fi

  jars_present || cmd_fetch
  require_java
  render_config
  format_storage

  if [[ -f "$BROKER_LOG" ]]; then mv -f "$BROKER_LOG" "$BROKER_LOG.1"; fi
  local opts; mapfile -t opts < <(log4j_opts)
  # The pid written is the JVM's own: bash writes $$ and then execs java.
  # HEAP_OPTS is deliberately unquoted (a list of JVM flags).
  # shellcheck disable=SC2016,SC2086
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PIDFILE" \
    "$JAVA" $HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true -Dkafka.local.banner.level=INFO "${opts[@]}" \
    -cp "$LIB/*" kafka.Kafka "$SERVER_PROPS" \
    </dev/null >>"$BROKER_LOG" 2>&1 9>&- &
  local _
  for _ in $(seq 1 50); do [[ -s "$PIDFILE" ]] && break; sleep 0.1; done
  pid="$(tr -dc '0-9' <"$PIDFILE" 2>/dev/null || true)"
  [[ -n "$pid" ]] || die "could not start the broker (no pid written)"
  say "started broker pid $pid (log: ${BROKER_LOG#"$ROOT"/}), waiting for $BOOTSTRAP (timeout ${READY_TIMEOUT} s)"
  wait_ready "$pid" "$t0"
}

# SIGTERM, wait up to STOP_TIMEOUT, then SIGKILL.
stop_pid() {
  local pid="$1" t0 deadline; t0="$(now)"
  kill -TERM "$pid" 2>/dev/null || return 0
  deadline=$(( $(date +%s) + STOP_TIMEOUT ))
  while kill -0 "$pid" 2>/dev/null; do
    if (( $(date +%s) >= deadline )); then
      err "broker pid $pid still alive after ${STOP_TIMEOUT} s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  say "stopped broker pid $pid in $(elapsed "$t0") s"
}

cmd_stop() {
  mkdir -p "$KDIR"
  exec 9>"$LOCKFILE"
  flock -w 120 9 || die "another kafka.sh holds $LOCKFILE"
  local pid; pid="$(our_pid)"
  if [[ -z "$pid" ]]; then
    if [[ -f "$PIDFILE" ]]; then say "not running (removing stale pidfile)"; rm -f "$PIDFILE"
    else say "not running (no pidfile)"; fi
    port_open "$PORT" && say "note: something not started by this script listens on $BOOTSTRAP; left alone"
    return 0
  fi
  stop_pid "$pid"
  rm -f "$PIDFILE"
}

cmd_status() {
  local pid; pid="$(our_pid)"
  if [[ -n "$pid" ]]; then
    if jars_present && broker_answers; then
      say "running and answering on $BOOTSTRAP (pid $pid, RSS $(rss_of "$pid"))"; return 0
    fi
    say "running (pid $pid, RSS $(rss_of "$pid")) but not answering on $BOOTSTRAP"; return 3
  fi
  if port_open "$PORT"; then
    say "not started by this script, but something listens on $BOOTSTRAP"; return 0
  fi
  say "not running"; return 3
}

cmd_reset() {
  cmd_stop
  say "deleting ${DATA#"$ROOT"/}, ${LOGS#"$ROOT"/} and the cluster id"
  rm -rf "$DATA" "$LOGS" "$CLUSTER_ID_FILE" "$SERVER_PROPS"
}

cmd_run_class() {
  (( $# >= 1 )) || die "usage: $0 run-class <main class> [args...]"
  jars_present || die "no jars in $LIB: run '$0 fetch' first"
  require_java
  local opts; mapfile -t opts < <(log4j_opts)
  exec "$JAVA" "${TOOL_JVM_OPTS[@]}" "${opts[@]}" -cp "$LIB/*" "$@"
}

main() {
  local cmd="${1:-}"; shift || true
  case "$cmd" in
    fetch) cmd_fetch ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    reset) cmd_reset ;;
    run-class) cmd_run_class "$@" ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
