# Sourced by the scripts that need the real servers (test.sh, bench.sh): installs the npm
# packages, starts PostgreSQL, Redis and Kafka on 127.0.0.1, and stops at exit the Kafka broker
# if this run started it (by its pid) — never one somebody else is using.
bring_up_local_infra() {
  take_shared_servers_lock
  bash scripts/ensure-deps.sh
  local kafka_was_running=no
  if bash deploy/local/kafka.sh status >/dev/null 2>&1; then kafka_was_running=yes; fi
  bash deploy/local/infra.sh up
  if [ "$kafka_was_running" = no ]; then
    trap 'bash deploy/local/kafka.sh stop || true' EXIT
  fi
}

# The test run empties the shared topics, consumer groups and Redis keys that a benchmark (or
# another test run, from another checkout) is using: one such run at a time on a machine.
take_shared_servers_lock() {
  local lock="${BIN_ALERT_SERVERS_LOCK:-/tmp/bin-alert-shared-servers.lock}"
  exec 9>"$lock"
  if ! flock -n 9; then
    echo "[infra] another test or benchmark run is using the local servers; waiting for it to end ($lock)"
    flock 9
  fi
}
