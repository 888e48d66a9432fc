#!/usr/bin/env bash
# The benchmark (not a test): seeds N members into its own database (bin_alert_bench), brings up
# the real stack (PostgreSQL, Redis, Kafka, provider simulator, intake, dispatchers, tracker),
# sends a large normal alert and an urgent one, measures, then measures the bare-SDK ceiling.
# Writes bench/results/latest.json and latest.svg. Options: npm run bench -- --help
# Stops the Kafka broker only if this run started it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# shellcheck source=scripts/local-infra.sh
source scripts/local-infra.sh
bring_up_local_infra

echo "[bench] building…"
if ! npm run -s build; then
  echo "[bench] the build failed (see above): the benchmark runs the apps from dist, fix the build first" >&2
  exit 1
fi
node dist/bench/src/run-bench.js "$@"
