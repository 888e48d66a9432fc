#!/usr/bin/env bash
# A replicated Apache Kafka on loopback: three KRaft nodes, each a combined broker + controller
# (a controller quorum of three), run from the same Maven Central jars as deploy/local/kafka.sh
# (.local/kafka/lib). No Docker. Node i listens on 127.0.0.1:(KAFKA_CLUSTER_PORT + i - 1) for
# clients and (KAFKA_CLUSTER_PORT + 100 + i - 1) for the quorum: 19092-19094 and 19192-19194.
# Topics made by the apps on it should use KAFKA_REPLICATION_FACTOR=3 KAFKA_MIN_INSYNC_REPLICAS=2.
#
# Usage: deploy/local/kafka-cluster.sh <command>
#   start            format each node's storage once, start every node not running, wait until all answer;
#                    when that fails, stop the nodes it launched
#   stop             SIGTERM every node, SIGKILL after KAFKA_STOP_TIMEOUT
#   status           one line per node (exit 0 when all answer, 3 otherwise)
#   reset            stop, then delete the cluster's data and logs
#   bootstrap        print the client bootstrap list (KAFKA_BROKERS)
#   kill-broker N    SIGKILL node N (a crash: no controlled shutdown)
#   stop-broker N    SIGTERM node N and wait for it to exit (a controlled shutdown)
#   start-broker N   start node N again and wait until it answers
#
# Environment (all optional):
#   KAFKA_CLUSTER_NODES  nodes (default 3; 1 gives a single broker of its own, with replication 1)
#   KAFKA_CLUSTER_PORT   client port of node 1 (default 19092)
#   KAFKA_CLUSTER_DIR    data, logs and pids (default .local/kafka-cluster)
#   KAFKA_CLUSTER_HEAP   heap per node (default "-Xms128m -Xmx384m": three nodes on a small machine)
#   KAFKA_READY_TIMEOUT  seconds to wait in start / start-broker (default 120)
#   KAFKA_STOP_TIMEOUT   seconds to wait after SIGTERM (default 30)
#   JAVA_HOME            as for kafka.sh
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
LOG4J_CONF="$SCRIPT_DIR/kafka/log4j2.properties"
# The jars are kafka.sh's: it fetches them, this script only uses them.
LIB="$ROOT/.local/kafka/lib"

NODES="${KAFKA_CLUSTER_NODES:-3}"
BASE_PORT="${KAFKA_CLUSTER_PORT:-19092}"
CDIR="${KAFKA_CLUSTER_DIR:-$ROOT/.local/kafka-cluster}"
HEAP_OPTS="${KAFKA_CLUSTER_HEAP:--Xms128m -Xmx384m}"
READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-120}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
HOST=127.0.0.1
PREFIX="[kafka-cluster]"

[[ "$NODES" =~ ^[1-9]$ ]] || { echo "$PREFIX KAFKA_CLUSTER_NODES must be 1-9" >&2; exit 2; }
[[ "$BASE_PORT" =~ ^[0-9]+$ ]] || { echo "$PREFIX KAFKA_CLUSTER_PORT must be a port" >&2; exit 2; }
[[ "$CDIR" = /* ]] || CDIR="$ROOT/$CDIR"

JAVA="java"
if [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; fi
TOOL_JVM_OPTS=(-Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true)

say() { printf '%s %s\n' "$PREFIX" "$*"; }
die() { printf '%s ERROR: %s\n' "$PREFIX" "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }'; }
usage() { sed -n '2,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

client_port() { echo $(( BASE_PORT + $1 - 1 )); }
controller_port() { echo $(( BASE_PORT + 100 + $1 - 1 )); }
node_dir() { echo "$CDIR/node$1"; }
props_of() { echo "$(node_dir "$1")/server.properties"; }
pidfile_of() { echo "$(node_dir "$1")/kafka.pid"; }
log_of() { echo "$(node_dir "$1")/logs/broker.log"; }
min() { (( $1 < $2 )) && echo "$1" || echo "$2"; }

bootstrap() {
  local i out=()
  for (( i = 1; i <= NODES; i++ )); do out+=("$HOST:$(client_port "$i")"); done
  local IFS=,; echo "${out[*]}"
}

voters() {
  local i out=()
  for (( i = 1; i <= NODES; i++ )); do out+=("$i@$HOST:$(controller_port "$i")"); done
  local IFS=,; echo "${out[*]}"
}

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" >/dev/null 2>&1; }

log4j_opts() { printf '%s\n' "-Dlog4j2.configurationFile=$LOG4J_CONF" "-Dkafka.logs.dir=$(node_dir "$1")/logs"; }

# True when node $1 answers a metadata request by itself.
node_answers() {
  local opts; mapfile -t opts < <(log4j_opts "$1")
  timeout 30 "$JAVA" "${TOOL_JVM_OPTS[@]}" "${opts[@]}" -cp "$LIB/*" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "$HOST:$(client_port "$1")" --list \
    --command-config <(printf 'request.timeout.ms=5000\ndefault.api.timeout.ms=8000\n') \
    >/dev/null 2>&1
}

# Pid of node $1 when that JVM is alive and runs this node's properties; empty otherwise.
pid_of() {
  local f; f="$(pidfile_of "$1")"
  [[ -f "$f" ]] || return 0
  local pid; pid="$(tr -dc '0-9' <"$f")"
  [[ -n "$pid" ]] || return 0
  if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "kafka.Kafka $(props_of "$1")"; then
    echo "$pid"
  fi
}

node_arg() {
  local n="${1:-}"
  [[ "$n" =~ ^[0-9]+$ ]] && (( n >= 1 && n <= NODES )) || die "expected a node number from 1 to $NODES, got '$n'"
  echo "$n"
}

render_config() {
  local i="$1" d; d="$(node_dir "$i")"
  local rf; rf="$(min 3 "$NODES")"
  local isr; isr="$(min 2 "$NODES")"
  mkdir -p "$d/data" "$d/logs"
  cat >"$(props_of "$i").tmp" <<EOF
# Written by deploy/local/kafka-cluster.sh: node $i of $NODES, loopback only.
process.roles=broker,controller
node.id=$i
controller.quorum.voters=$(voters)
listeners=PLAINTEXT://$HOST:$(client_port "$i"),CONTROLLER://$HOST:$(controller_port "$i")
advertised.listeners=PLAINTEXT://$HOST:$(client_port "$i")
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$d/data

num.partitions=1
default.replication.factor=$rf
min.insync.replicas=$isr
offsets.topic.replication.factor=$rf
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$isr
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=$rf
share.coordinator.state.topic.min.isr=$isr
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
# A replica that lost data must never become leader: writes acknowledged by acks=all stay.
unclean.leader.election.enable=false

num.network.threads=2
num.io.threads=2
num.recovery.threads.per.data.dir=1
log.retention.hours=24
log.segment.bytes=104857600
EOF
  mv "$(props_of "$i").tmp" "$(props_of "$i")"
}

ensure_jars() {
  if ! compgen -G "$LIB/kafka_2.13-*.jar" >/dev/null; then
    say "no Kafka jars in ${LIB#"$ROOT"/}: fetching them with deploy/local/kafka.sh fetch"
    KAFKA_LOG_PREFIX="$PREFIX" bash "$SCRIPT_DIR/kafka.sh" fetch
  fi
}

format_node() {
  local i="$1" d; d="$(node_dir "$i")"
  [[ -f "$d/data/meta.properties" ]] && return 0
  local opts; mapfile -t opts < <(log4j_opts "$i")
  local cid; cid="$(cat "$CDIR/cluster.id")"
  "$JAVA" "${TOOL_JVM_OPTS[@]}" "${opts[@]}" -cp "$LIB/*" kafka.tools.StorageTool format \
    -t "$cid" -c "$(props_of "$i")" --ignore-formatted >>"$d/logs/format.log" 2>&1 \
    || { tail -n 20 "$d/logs/format.log" >&2; die "storage format of node $i failed"; }
}

cluster_id() {
  mkdir -p "$CDIR"
  [[ -s "$CDIR/cluster.id" ]] && return 0
  local opts; mapfile -t opts < <(log4j_opts 1)
  "$JAVA" "${TOOL_JVM_OPTS[@]}" "${opts[@]}" -cp "$LIB/*" kafka.tools.StorageTool random-uuid \
    | tr -d '[:space:]' >"$CDIR/cluster.id.tmp"
  mv "$CDIR/cluster.id.tmp" "$CDIR/cluster.id"
}

launch_node() {
  local i="$1" pid
  pid="$(pid_of "$i")"
  if [[ -n "$pid" ]]; then say "node $i already running (pid $pid)"; return 0; fi
  for p in "$(client_port "$i")" "$(controller_port "$i")"; do
    if port_open "$p"; then die "port $HOST:$p (node $i) is taken by another process"; fi
  done
  render_config "$i"
  format_node "$i"
  local log; log="$(log_of "$i")"
  if [[ -f "$log" ]]; then mv -f "$log" "$log.1"; fi
  local opts; mapfile -t opts < <(log4j_opts "$i")
  # shellcheck disable=SC2016,SC2086
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$(pidfile_of "$i")" \
    "$JAVA" $HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExplicitGCInvokesConcurrent \
    -Djava.awt.headless=true -Dkafka.local.banner.level=INFO "${opts[@]}" \
    -cp "$LIB/*" kafka.Kafka "$(props_of "$i")" </dev/null >>"$log" 2>&1 9>&- &
  local _
  for _ in $(seq 1 50); do [[ -s "$(pidfile_of "$i")" ]] && break; sleep 0.1; done
  LAUNCHED+=("$i")
  say "started node $i (pid $(tr -dc '0-9' <"$(pidfile_of "$i")"), $HOST:$(client_port "$i"), log ${log#"$ROOT"/})"
}

wait_node() {
  local i="$1" t0="$2" deadline; deadline=$(( $(date +%s) + READY_TIMEOUT ))
  while :; do
    local pid; pid="$(pid_of "$i")"
    if [[ -z "$pid" ]]; then
      tail -n 30 "$(log_of "$i")" >&2 || true
      die "node $i exited during start-up"
    fi
    if port_open "$(client_port "$i")" && node_answers "$i"; then
      say "node $i ready on $HOST:$(client_port "$i") in $(elapsed "$t0") s (pid $pid)"
      return 0
    fi
    if (( $(date +%s) >= deadline )); then
      tail -n 30 "$(log_of "$i")" >&2 || true
      die "node $i not ready after ${READY_TIMEOUT} s"
    fi
    sleep 0.5
  done
}

stop_node() {
  local i="$1" signal="${2:-TERM}" pid t0; t0="$(now)"
  pid="$(pid_of "$i")"
  if [[ -z "$pid" ]]; then say "node $i not running"; rm -f "$(pidfile_of "$i")"; return 0; fi
  kill -"$signal" "$pid" 2>/dev/null || true
  local deadline=$(( $(date +%s) + STOP_TIMEOUT ))
  while kill -0 "$pid" 2>/dev/null; do
    if (( $(date +%s) >= deadline )); then
      say "node $i (pid $pid) still alive after ${STOP_TIMEOUT} s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    sleep 0.1
  done
  rm -f "$(pidfile_of "$i")"
  say "node $i (pid $pid) stopped with SIG$signal in $(elapsed "$t0") s"
}

with_lock() {
  mkdir -p "$CDIR"
  exec 9>"$CDIR/.lock"
  flock -w 180 9 || die "another kafka-cluster.sh holds $CDIR/.lock"
}

# The nodes this invocation launched (not those it found running).
LAUNCHED=()

# On a start that fails half-way (a port taken, a node that exits or never answers): the nodes it
# launched would otherwise keep their ports, data directories and memory until stopped by hand,
# and the caller, told the start failed, does not know they run.
stop_launched_on_failure() {
  local status=$? i pid
  (( status != 0 )) || return 0
  (( ${#LAUNCHED[@]} )) || exit "$status"
  say "start failed: stopping the node(s) it launched (${LAUNCHED[*]})"
  for i in "${LAUNCHED[@]}"; do
    pid="$(pid_of "$i")"
    if [[ -n "$pid" ]]; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  for i in "${LAUNCHED[@]}"; do stop_node "$i" || true; done
  exit "$status"
}

cmd_start() {
  with_lock
  ensure_jars
  cluster_id
  local t0 i; t0="$(now)"
  trap stop_launched_on_failure EXIT
  # Every node first, then the waits: a quorum of three elects no leader until two are up.
  for (( i = 1; i <= NODES; i++ )); do launch_node "$i"; done
  for (( i = 1; i <= NODES; i++ )); do wait_node "$i" "$t0"; done
  trap - EXIT
  say "cluster of $NODES ready on $(bootstrap) in $(elapsed "$t0") s (data in ${CDIR#"$ROOT"/})"
}

cmd_stop() {
  with_lock
  local i
  # Stopped together: a node that waits for a controlled shutdown needs the quorum to answer.
  for (( i = 1; i <= NODES; i++ )); do
    local pid; pid="$(pid_of "$i")"
    if [[ -n "$pid" ]]; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  for (( i = 1; i <= NODES; i++ )); do stop_node "$i"; done
}

cmd_status() {
  local i ok=0
  for (( i = 1; i <= NODES; i++ )); do
    local pid; pid="$(pid_of "$i")"
    if [[ -n "$pid" ]] && node_answers "$i"; then say "node $i: running and answering on $HOST:$(client_port "$i") (pid $pid)"
    elif [[ -n "$pid" ]]; then say "node $i: running (pid $pid) but not answering"; ok=3
    else say "node $i: not running"; ok=3; fi
  done
  return "$ok"
}

cmd_reset() {
  cmd_stop
  say "deleting ${CDIR#"$ROOT"/}"
  rm -rf "$CDIR"
}

main() {
  local cmd="${1:-}"; shift || true
  case "$cmd" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    reset) cmd_reset ;;
    bootstrap) bootstrap ;;
    kill-broker) with_lock; stop_node "$(node_arg "${1:-}")" KILL ;;
    stop-broker) with_lock; stop_node "$(node_arg "${1:-}")" TERM ;;
    start-broker) with_lock; ensure_jars; local n t0; n="$(node_arg "${1:-}")"; t0="$(now)"; trap stop_launched_on_failure EXIT; launch_node "$n"; wait_node "$n" "$t0"; trap - EXIT ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
