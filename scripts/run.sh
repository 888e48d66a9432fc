#!/usr/bin/env bash
# Runs the whole system on this machine: PostgreSQL, Redis and Kafka on 127.0.0.1 (started or
# installed as needed), the provider simulator, intake and the three dispatchers, with demo
# members. Ctrl-C stops the apps and the Kafka broker this script started.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/ensure-deps.sh
bash deploy/local/infra.sh up

echo "[run] building…"
npm run -s build

logs="$root/.local/logs"; mkdir -p "$logs"
pids=()
stop_all() {
  echo; echo "[run] stopping apps…"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash deploy/local/kafka.sh stop || true
}
trap stop_all EXIT INT TERM

node dist/libs/persistence/src/cli/migrate.js
node dist/libs/persistence/src/cli/seed-demo.js --members="${DEMO_MEMBERS:-300}"

# Each app with its node options (deploy/node-options.sh, ADR 0048), as in the image.
start_app() {
  local name=$1 entry=$2
  # shellcheck disable=SC2046 # the options are separate words
  node $(sh deploy/node-options.sh "$name") "$entry" >"$logs/$name.log" 2>&1 &
  pids+=($!)
  echo "[run] $name started (pid $!, log .local/logs/$name.log)"
}
tracker_url="${TRACKER_PUBLIC_URL:-http://127.0.0.1:${TRACKER_PORT:-3104}}"
SIM_TWILIO_INBOUND_SMS_URL="$tracker_url/webhooks/twilio/inbound-sms" \
SIM_SENDGRID_EVENT_WEBHOOK_URL="$tracker_url/webhooks/sendgrid/events" \
  start_app provider-sim dist/apps/provider-sim/src/main.js
start_app tracker dist/apps/tracker/src/main.js
start_app intake dist/apps/intake/src/main.js
start_app dispatcher-sms dist/apps/dispatcher-sms/src/main.js
start_app dispatcher-email dist/apps/dispatcher-email/src/main.js
start_app dispatcher-voice dist/apps/dispatcher-voice/src/main.js

port=${INTAKE_PORT:-3000}
wait_ready() {
  local name=$1 url=$2
  for _ in $(seq 1 120); do
    if curl -fs "$url" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "[run] $name did not become ready ($url); last lines of .local/logs/$name.log:" >&2
  tail -n 20 "$logs/$name.log" >&2
  exit 1
}
wait_ready provider-sim "http://127.0.0.1:${SIM_PORT:-4010}/__sim/messages"
wait_ready intake "http://127.0.0.1:$port/health/ready"
wait_ready tracker "http://127.0.0.1:${TRACKER_PORT:-3104}/health/ready"
wait_ready dispatcher-sms "http://127.0.0.1:${DISPATCHER_SMS_PORT:-3101}/health/ready"
wait_ready dispatcher-email "http://127.0.0.1:${DISPATCHER_EMAIL_PORT:-3102}/health/ready"
wait_ready dispatcher-voice "http://127.0.0.1:${DISPATCHER_VOICE_PORT:-3103}/health/ready"

cat <<MSG

[run] BIN Alert is up.
  intake API      http://127.0.0.1:$port   (GET /v1/bins, GET /v1/categories, POST /v1/alerts)
  API docs        http://127.0.0.1:$port/docs
  demo accounts   operator, supervisor, board-herdersem, admin (password: bin-alert-demo)
  simulator       http://127.0.0.1:${SIM_PORT:-4010}/__sim/messages

Send an urgent missing-person alert to two BINs, as an operator of zone Aalst:
  TOKEN=\$(curl -s -X POST http://127.0.0.1:$port/v1/auth/token -H 'content-type: application/json' \\
    -d '{"username": "operator", "password": "bin-alert-demo"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).accessToken')
  curl -s -X POST http://127.0.0.1:$port/v1/alerts -H "authorization: Bearer \$TOKEN" -H 'content-type: application/json' -d '{
    "category": "missing_person", "urgency": "urgent", "bins": ["herdersem", "moorsel"],
    "redistributionAllowed": true,
    "texts": { "nl": { "title": "Vermiste jongen", "body": "Lucas (8) draagt een rode jas. Bel 101." },
               "fr": { "title": "Garçon disparu", "body": "Lucas (8 ans) porte une veste rouge. Appelez le 101." } } }'
Then watch it:   curl -s -H "authorization: Bearer \$TOKEN" http://127.0.0.1:$port/v1/alerts/<id>
And see phones:  curl -s 'http://127.0.0.1:${SIM_PORT:-4010}/__sim/messages?channel=sms'

Ctrl-C stops everything this command started.
MSG
wait
