#!/usr/bin/env bash
# Brings up, on 127.0.0.1 only, the real services BIN Alert's tests need, on a
# Debian 12 machine without Docker (see docker-compose.yml for Docker users):
#   PostgreSQL 15  127.0.0.1:5432  user postgres (trust), databases bin_alert, bin_alert_test
#   Redis 7        127.0.0.1:6379
#   Kafka 4.1.1    127.0.0.1:9092  (deploy/local/kafka.sh, KRaft single node)
# A service that already answers on its port is used as it is and never stopped.
#
# Usage: deploy/local/infra.sh up|down|status
#   up      install what is missing (apt-get, Maven Central), start what is not running, wait until ready
#   down    stop only what these scripts started (markers in .local/started-by-us/)
#   status  one line per service
#
# Environment (optional): PG_PORT (5432), REDIS_PORT (6379), PG_READY_TIMEOUT (60),
# REDIS_READY_TIMEOUT (20), KAFKA_READY_TIMEOUT (90), PGPASSWORD for a server without trust auth.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
LOCAL="$ROOT/.local"
STARTED="$LOCAL/started-by-us"
INSTALLED="$LOCAL/installed-by-us"
KAFKA_SH="$SCRIPT_DIR/kafka.sh"

HOST=127.0.0.1
PG_PORT="${PG_PORT:-5432}"
PG_USER=postgres
PG_DATABASES=(bin_alert bin_alert_test)
PG_READY_TIMEOUT="${PG_READY_TIMEOUT:-60}"
REDIS_PORT="${REDIS_PORT:-6379}"
REDIS_DIR="$LOCAL/redis"
REDIS_PIDFILE="$REDIS_DIR/redis.pid"
REDIS_READY_TIMEOUT="${REDIS_READY_TIMEOUT:-20}"

say() { printf '[infra] %s\n' "$*"; }
err() { printf '[infra] ERROR: %s\n' "$*" >&2; }
die() { err "$*"; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }'; }
usage() { sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" >/dev/null 2>&1; }

SUDO=()
if (( EUID != 0 )); then
  if command -v sudo >/dev/null 2>&1; then SUDO=(sudo); fi
fi
as_root() { "${SUDO[@]}" "$@"; }

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install $* by hand"
  if (( APT_UPDATED == 0 )); then
    say "apt: apt-get update"
    as_root apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  say "apt: installing $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

mark() { mkdir -p "$STARTED"; printf '%s\n' "${2:-}" >"$STARTED/$1"; }

# ---------------------------------------------------------------- Java, Maven

ensure_java_maven() {
  local missing=()
  command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
  command -v mvn >/dev/null 2>&1 || missing+=(maven)
  if (( ${#missing[@]} )); then
    say "java/maven: missing, installing"
    apt_install "${missing[@]}"
  fi
  local v; v="$(java -version 2>&1 | awk -F'"' '/version/ { print $2; exit }')"
  say "java/maven: java $v, $(mvn -v 2>/dev/null | head -n1 | sed 's/\x1b\[[0-9;]*m//g')"
}

# ---------------------------------------------------------------- PostgreSQL

pg_answers() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$HOST" -p "$PG_PORT" -t 2
  else
    port_open "$PG_PORT"
  fi
}

psql_pg() { psql -X -q -w -h "$HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -v ON_ERROR_STOP=1 "$@"; }

wait_pg() {
  local deadline=$(( $(date +%s) + PG_READY_TIMEOUT ))
  until pg_answers; do
    (( $(date +%s) < deadline )) || return 1
    sleep 0.5
  done
}

# "<version> <name>" of the cluster configured for PG_PORT (empty if none).
pg_cluster() {
  command -v pg_lsclusters >/dev/null 2>&1 || return 0
  pg_lsclusters -h 2>/dev/null | awk -v p="$PG_PORT" '$3 == p { print $1, $2; exit }'
}

# Only for a cluster that this script installed or created: listen on
# 127.0.0.1 and trust local and loopback connections.
pg_configure_ours() {
  local ver="$1" name="$2" etc="/etc/postgresql/$1/$2"
  [[ -d "$etc" ]] || die "postgres: $etc not found"
  as_root mkdir -p "$etc/conf.d"
  printf "# Written by BIN Alert's deploy/local/infra.sh (cluster installed by it).\nlisten_addresses = '%s'\nport = %s\n" \
    "$HOST" "$PG_PORT" | as_root tee "$etc/conf.d/90-bin-alert-local.conf" >/dev/null
  if ! as_root grep -q 'bin-alert-local' "$etc/pg_hba.conf"; then
    say "postgres: trust auth for local and 127.0.0.1 connections in $etc/pg_hba.conf"
    local tmp; tmp="$(mktemp)"
    {
      echo "# bin-alert-local: trust for local development (added by deploy/local/infra.sh)"
      echo "local   all all              trust"
      echo "host    all all 127.0.0.1/32 trust"
      echo "host    all all ::1/128      trust"
      as_root cat "$etc/pg_hba.conf"
    } >"$tmp"
    as_root cp "$tmp" "$etc/pg_hba.conf"
    rm -f "$tmp"
  fi
}

pg_running() { as_root pg_ctlcluster "$1" "$2" status >/dev/null 2>&1; }

pg_up() {
  local t0 ver name c; t0="$(now)"
  if pg_answers; then
    say "postgres: using the server already on $HOST:$PG_PORT"
  else
    local installed=0
    if ! command -v pg_ctlcluster >/dev/null 2>&1 || [[ ! -d /usr/lib/postgresql ]]; then
      say "postgres: not installed, installing PostgreSQL from apt"
      apt_install postgresql postgresql-client
      installed=1
    fi
    c="$(pg_cluster)"
    if [[ -z "$c" ]]; then
      if [[ -n "$(pg_lsclusters -h 2>/dev/null)" ]] && (( installed == 0 )); then
        pg_lsclusters >&2
        die "postgres: no cluster is configured for port $PG_PORT (see above); start one on $HOST:$PG_PORT or set PG_PORT"
      fi
      ver="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf "%f\n" | sort -n | tail -n1)"
      name=main
      [[ -d "/etc/postgresql/$ver/main" ]] && name=bin_alert
      say "postgres: creating cluster $ver/$name on port $PG_PORT"
      as_root pg_createcluster "$ver" "$name" --port "$PG_PORT" >/dev/null
      installed=1
      c="$ver $name"
    fi
    read -r ver name <<<"$c"
    if (( installed )); then mkdir -p "$INSTALLED"; echo "$ver $name" >"$INSTALLED/postgres"; fi
    # Listen address and auth are changed only on a cluster that infra.sh installed or created.
    if [[ -f "$INSTALLED/postgres" && "$(cat "$INSTALLED/postgres")" == "$ver $name" ]]; then
      pg_configure_ours "$ver" "$name"
      if pg_running "$ver" "$name"; then
        say "postgres: restarting $ver/$name to apply its configuration"
        as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" restart
        mark postgres "$ver $name"
      fi
    fi
    if ! pg_running "$ver" "$name"; then
      say "postgres: starting cluster $ver/$name"
      as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start
      mark postgres "$ver $name"
    fi
    wait_pg || die "postgres: cluster $ver/$name does not answer on $HOST:$PG_PORT after ${PG_READY_TIMEOUT} s (see /var/log/postgresql/postgresql-$ver-$name.log; its listen_addresses/port may differ)"
  fi
  command -v psql >/dev/null 2>&1 || apt_install postgresql-client
  local version
  version="$(psql_pg -tAc 'SHOW server_version' 2>&1)" \
    || die "postgres: cannot connect as '$PG_USER' to $HOST:$PG_PORT: $version (trust auth or PGPASSWORD needed)"
  local db
  for db in "${PG_DATABASES[@]}"; do
    if [[ -z "$(psql_pg -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]]; then
      psql_pg -c "CREATE DATABASE \"$db\"" >/dev/null
      say "postgres: created database $db"
    fi
  done
  say "postgres: ready on $HOST:$PG_PORT (PostgreSQL ${version%% *}, databases ${PG_DATABASES[*]}) in $(elapsed "$t0") s"
}

pg_down() {
  if [[ -f "$STARTED/postgres" ]]; then
    local ver name; read -r ver name <"$STARTED/postgres"
    if pg_running "$ver" "$name"; then
      say "postgres: stopping cluster $ver/$name (started by infra.sh)"
      as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" stop
    fi
    rm -f "$STARTED/postgres"
  else
    say "postgres: not started by infra.sh, left running"
  fi
}

# ---------------------------------------------------------------- Redis

redis_ping() {
  local reply
  reply="$(timeout 3 bash -c "exec 3<>/dev/tcp/$HOST/$REDIS_PORT && printf 'PING\r\n' >&3 && IFS= read -r line <&3 && printf '%s' \"\$line\"" 2>/dev/null)" || return 1
  [[ "$reply" == "+PONG"* ]]
}

# Pid from our Redis pidfile when that redis-server is alive; empty otherwise.
redis_our_pid() {
  [[ -f "$REDIS_PIDFILE" ]] || return 0
  local pid; pid="$(tr -dc '0-9' <"$REDIS_PIDFILE")"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && grep -q '^redis-server' "/proc/$pid/cmdline" 2>/dev/null; then
    echo "$pid"
  fi
}

redis_up() {
  local t0; t0="$(now)"
  if redis_ping; then
    if [[ -n "$(redis_our_pid)" ]]; then
      say "redis: already running on $HOST:$REDIS_PORT (pid $(redis_our_pid), started by infra.sh)"
    else
      say "redis: using the server already on $HOST:$REDIS_PORT"
    fi
    return 0
  fi
  if port_open "$REDIS_PORT"; then
    die "redis: something listens on $HOST:$REDIS_PORT but does not answer PING with PONG (password? not Redis?)"
  fi
  if ! command -v redis-server >/dev/null 2>&1; then
    say "redis: not installed, installing redis-server from apt"
    apt_install redis-server
    # Debian's package may have started its own service on 6379 already.
    if redis_ping; then say "redis: using the server the package started on $HOST:$REDIS_PORT"; return 0; fi
  fi
  mkdir -p "$REDIS_DIR"
  rm -f "$REDIS_PIDFILE"
  say "redis: starting redis-server on $HOST:$REDIS_PORT"
  redis-server --daemonize yes --bind "$HOST" --port "$REDIS_PORT" --save "" --appendonly no \
    --dir "$REDIS_DIR" --pidfile "$REDIS_PIDFILE" --logfile "$REDIS_DIR/redis.log"
  mark redis "$REDIS_PORT"
  local deadline=$(( $(date +%s) + REDIS_READY_TIMEOUT ))
  until redis_ping; do
    if (( $(date +%s) >= deadline )); then
      tail -n 20 "$REDIS_DIR/redis.log" >&2 2>/dev/null || true
      die "redis: no PONG from $HOST:$REDIS_PORT after ${REDIS_READY_TIMEOUT} s"
    fi
    sleep 0.2
  done
  say "redis: ready on $HOST:$REDIS_PORT (pid $(redis_our_pid)) in $(elapsed "$t0") s"
}

redis_down() {
  local pid; pid="$(redis_our_pid)"
  if [[ -z "$pid" ]]; then
    say "redis: not started by infra.sh, left running"
    rm -f "$STARTED/redis"
    return 0
  fi
  say "redis: stopping pid $pid (started by infra.sh)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$(( $(date +%s) + 15 ))
  while kill -0 "$pid" 2>/dev/null; do
    if (( $(date +%s) >= deadline )); then kill -KILL "$pid" 2>/dev/null || true; break; fi
    sleep 0.2
  done
  rm -f "$REDIS_PIDFILE" "$STARTED/redis"
}

# ---------------------------------------------------------------- Kafka

kafka_up() {
  export KAFKA_LOG_PREFIX="[infra] kafka:"
  "$KAFKA_SH" fetch
  "$KAFKA_SH" start
  if [[ -f "$LOCAL/kafka/kafka.pid" ]]; then mark kafka "$(cat "$LOCAL/kafka/kafka.pid")"; fi
}

kafka_down() {
  KAFKA_LOG_PREFIX="[infra] kafka:" "$KAFKA_SH" stop
  rm -f "$STARTED/kafka"
}

# ---------------------------------------------------------------- commands

cmd_up() {
  local t0; t0="$(now)"
  mkdir -p "$LOCAL"
  ensure_java_maven
  pg_up
  redis_up
  kafka_up
  say "up: all services ready in $(elapsed "$t0") s"
}

cmd_down() {
  kafka_down
  redis_down
  pg_down
}

cmd_status() {
  if pg_answers; then say "postgres: answering on $HOST:$PG_PORT$([[ -f "$STARTED/postgres" ]] && echo ' (started by infra.sh)')"
  else say "postgres: not answering on $HOST:$PG_PORT"; fi
  if redis_ping; then say "redis: answering on $HOST:$REDIS_PORT$([[ -n "$(redis_our_pid)" ]] && echo ' (started by infra.sh)')"
  else say "redis: not answering on $HOST:$REDIS_PORT"; fi
  KAFKA_LOG_PREFIX="[infra] kafka:" "$KAFKA_SH" status || true
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
