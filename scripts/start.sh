#!/usr/bin/env bash
# npm start. With DATABASE_URL, REDIS_URL and KAFKA_BROKERS all unset: standalone mode, the whole
# system in one Node.js process with no server to install (embedded PostgreSQL, in-process bus,
# in-memory stores; ADR 0009). With all three set: distributed mode (scripts/run.sh, also
# `npm run start:distributed`). Arguments go to standalone mode: `npm start -- --fresh`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

set_vars=(); unset_vars=()
for var in DATABASE_URL REDIS_URL KAFKA_BROKERS; do
  if [ -n "${!var:-}" ]; then set_vars+=("$var"); else unset_vars+=("$var"); fi
done
if [ ${#unset_vars[@]} -eq 0 ]; then
  exec bash scripts/run.sh
fi
if [ ${#set_vars[@]} -gt 0 ]; then
  echo "[start] ${set_vars[*]} set but ${unset_vars[*]} not: set all three for distributed mode, or none for standalone mode" >&2
  exit 2
fi

bash scripts/ensure-deps.sh
echo "[start] standalone mode: building…"
npm run -s build
exec node dist/apps/standalone/src/main.js "$@"
