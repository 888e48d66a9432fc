#!/usr/bin/env bash
# The chaos suite (issue 13): each scenario fans an alert out to --members members (20 000 by
# default) on the real PostgreSQL, Redis and Kafka — servers of the suite's own, on their own
# ports and data directories under .local/chaos, because it stops and restarts them — breaks one
# thing mid-fan-out, and reports duplicates, missing, recovery_ms and every delivery's final state.
# Writes test-artifacts/chaos/latest.json. Options: npm run chaos -- --help
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/ensure-deps.sh
for tool in redis-server java; do
  command -v "$tool" >/dev/null 2>&1 || { echo "[chaos] $tool not found: run deploy/local/infra.sh up (it installs PostgreSQL, Redis, Java and Maven)" >&2; exit 1; }
done
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { echo "[chaos] PostgreSQL's binaries not found under /usr/lib/postgresql: run deploy/local/infra.sh up" >&2; exit 1; }
# The Kafka jars (Maven Central), shared with deploy/local/kafka.sh.
bash deploy/local/kafka.sh fetch

echo "[chaos] building…"
if ! npm run -s build; then
  echo "[chaos] the build failed (see above): the suite runs the apps from dist" >&2
  exit 1
fi
exec node dist/bench/src/chaos/chaos-main.js "$@"
