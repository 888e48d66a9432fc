#!/usr/bin/env bash
# npm run test:containers — BIN Alert in containers, end to end, on this machine (ADR 0018):
#   1. installs what is missing: Debian's docker.io, compose v2 (Debian trixie's docker-compose
#      package), mmdebstrap, curl
#   2. starts dockerd when none runs (no bridge network, no iptables), and stops it at the end
#   3. builds the base images from a Debian mirror and the npm registry (deploy/docker/base-images.sh:
#      no Docker Hub), then the app image and the PostgreSQL, Redis and Kafka images (docker-compose.yml)
#   4. `docker compose up -d --wait`: everything healthy; demo members seeded
#   5. an urgent alert over HTTP, as the demo operator: every SMS it planned reaches a simulated phone,
#      once
#   6. dispatcher-sms scaled to 2: once both are in the SMS senders' consumer group, a second alert's
#      SMS are sent by both instances (their /metrics), every one of them received once
#   7. takes the stack down, also when a step fails (and shows its state and logs first)
# Every container uses the host's network and listens on 127.0.0.1, on the stack's own ports
# (docker-compose.yml), beside the servers deploy/local runs. Run as root on Debian 12. Each step
# prints the time it took; a summary ends the run.
#
# Environment (optional): the stack's BIN_* ports (docker-compose.yml), KEEP_STACK=1 to leave the
# stack running after a successful run (dockerd too), DEMO_MEMBERS (300).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

PROJECT=bin-alert-containers-test
COMPOSE_VERSION=2.26.1-4
INTAKE="http://127.0.0.1:${BIN_INTAKE_PORT:-23000}"
SIM="http://127.0.0.1:${BIN_SIM_PORT:-24010}"
KAFKA_PORT="${BIN_KAFKA_PORT:-29092}"
DEMO_MEMBERS="${DEMO_MEMBERS:-300}"
work="$root/.local/test-containers"
mkdir -p "$work"

say() { printf '[test:containers] %s\n' "$*"; }
# The reason is printed again as the run's last line: CI shows a log's tail, after the stack's logs.
failure=""
die() { failure="$*"; printf '[test:containers] FAILED: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }'; }
compose() { docker compose -p "$PROJECT" "$@"; }
# A field of the JSON on stdin: json 'd.accessToken' (d is the parsed document).
json() {
  node -e 'const d = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const v = new Function("d", `return (${process.argv[1]});`)(d);
    process.stdout.write(typeof v === "string" ? v : JSON.stringify(v));' "$1"
}

run_started="$(now)"
summary=()
current=""
step_started=""
step() {
  current="$1"; step_started="$(now)"
  say "── $current"
}
step_done() {
  local took; took="$(elapsed "$step_started")"
  summary+=("$(printf '%7s s  %s' "$took" "$current")")
  say "   done in $took s"
  current=""
}

dockerd_pid=""
stack_up=0
finish() {
  local rc=$?
  set +e
  if (( rc != 0 )); then
    say "FAILED${current:+ during: $current} (exit $rc)"
    if (( stack_up )); then
      compose ps -a
      for service in $(compose config --services 2>/dev/null); do
        echo "---- last log lines of $service"
        compose logs --no-color --tail 25 "$service" 2>&1
      done
    fi
  fi
  if (( stack_up )) && [[ "${KEEP_STACK:-0}" != 1 || $rc != 0 ]]; then
    local t0; t0="$(now)"
    compose down --remove-orphans --volumes --timeout 45 >/dev/null 2>&1
    summary+=("$(printf '%7s s  %s' "$(elapsed "$t0")" "compose down")")
    say "stack taken down"
  fi
  if [[ -n "$dockerd_pid" ]] && [[ "${KEEP_STACK:-0}" != 1 || $rc != 0 ]]; then
    kill -TERM "$dockerd_pid" 2>/dev/null
    for _ in $(seq 1 60); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$dockerd_pid" 2>/dev/null && kill -KILL "$dockerd_pid" 2>/dev/null
    say "stopped the dockerd this run started (pid $dockerd_pid)"
  fi
  echo
  say "time per step:"
  printf '  %s\n' "${summary[@]}"
  say "total $(elapsed "$run_started") s — $([[ $rc == 0 ]] && echo PASSED || echo "FAILED${current:+ during: $current}${failure:+: $failure}")"
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------
step "install missing tools (docker.io, compose v2, mmdebstrap, curl)"
SUDO=()
if (( EUID != 0 )); then
  command -v sudo >/dev/null 2>&1 || die "run as root (apt-get, dockerd and mmdebstrap need it)"
  SUDO=(sudo)
fi
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if (( ${#missing[@]} > 0 )); then
  say "apt-get install ${missing[*]}"
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! docker compose version 2>/dev/null | grep -Eq 'version v?2\.'; then
  # Bookworm's docker-compose is the old Python 1.29; trixie's is compose v2, a static binary that
  # depends on libc6 only. Fetched with apt in a scratch state, so the system's sources stay as they are.
  say "docker-compose $COMPOSE_VERSION from Debian trixie"
  apt_dir="$(mktemp -d)"
  mirror="$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
  [[ -n "$mirror" ]] || mirror="$(awk '$1 == "deb" && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)"
  [[ -n "$mirror" ]] || mirror=http://deb.debian.org/debian
  echo "deb $mirror trixie main" >"$apt_dir/sources.list"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
  apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/none"
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o "Dir::State::Status=$apt_dir/status" -o APT::Sandbox::User=root)
  touch "$apt_dir/status"
  "${SUDO[@]}" apt-get "${apt_opts[@]}" update -qq
  (cd "$apt_dir" && "${SUDO[@]}" apt-get "${apt_opts[@]}" download -qq "docker-compose=$COMPOSE_VERSION")
  "${SUDO[@]}" dpkg -i "$apt_dir"/docker-compose_*.deb >/dev/null
  rm -rf "$apt_dir"
fi
command -v node >/dev/null 2>&1 || die "node is needed for reading the API's answers (npm runs this script: it is there)"
say "$(docker --version); $(docker compose version); mmdebstrap $(mmdebstrap --version | awk '{ print $2 }')"
step_done

# ---------------------------------------------------------------------------------------------
step "Docker engine"
if docker info >/dev/null 2>&1; then
  say "dockerd already runs: using it, and leaving it running"
else
  # No bridge network and no iptables rules: every container uses the host's network (loopback).
  "${SUDO[@]}" dockerd --bridge=none --iptables=false >"$work/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 1 120); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { tail -n 20 "$work/dockerd.log" >&2; die "dockerd did not start (log: $work/dockerd.log)"; }
  say "started dockerd (pid $dockerd_pid, log .local/test-containers/dockerd.log)"
fi
step_done

# ---------------------------------------------------------------------------------------------
step "base images (Debian mirror + npm registry, no Docker Hub)"
eval "$(bash deploy/docker/base-images.sh env)"
export DEBIAN_IMAGE NODE_IMAGE
bash deploy/docker/base-images.sh build
step_done

step "images: bin-alert, PostgreSQL, Redis, Kafka (docker compose build)"
compose build --quiet
docker image ls --format '   {{.Repository}}:{{.Tag}}  {{.Size}}' | grep -E 'bin-alert|local/' || true
step_done

# ---------------------------------------------------------------------------------------------
step "docker compose up -d --wait"
compose down --remove-orphans --volumes --timeout 45 >/dev/null 2>&1 || true
stack_up=1
compose up -d --wait --wait-timeout 300 || die "the stack did not become healthy"
compose ps --format '   {{.Service}}: {{.Status}}' -a
step_done

step "demo members ($DEMO_MEMBERS) and accounts"
compose run --rm -T migrate seed-demo --members="$DEMO_MEMBERS" | tr '\r' '\n' | tail -n 2
step_done

# ---------------------------------------------------------------------------------------------
FINAL='["delivered","undelivered","bounced","no_answer","busy","failed","suppressed"]'
token="$(curl -fsS -X POST "$INTAKE/v1/auth/token" -H 'content-type: application/json' \
  -d '{"username": "operator", "password": "bin-alert-demo"}' | json 'd.accessToken')"
[[ -n "$token" ]] || die "no access token for the demo operator"

# Posts an urgent missing-person alert to the BINs given (a JSON array) with $1 in its title; prints its id.
post_alert() {
  local title="$1" bins="$2"
  curl -fsS -X POST "$INTAKE/v1/alerts" -H "authorization: Bearer $token" -H 'content-type: application/json' -d "{
    \"category\": \"missing_person\", \"urgency\": \"urgent\", \"bins\": $bins, \"redistributionAllowed\": true,
    \"texts\": { \"nl\": { \"title\": \"$title\", \"body\": \"Lucas (8) draagt een rode jas. Bel 101.\" },
                 \"fr\": { \"title\": \"$title\", \"body\": \"Lucas (8 ans) porte une veste rouge. Appelez le 101.\" } } }" \
    | json 'd.id'
}

# Waits until every SMS of the alert has a final status (callbacks included); prints its SMS counts.
wait_settled() {
  local id="$1" alert
  for _ in $(seq 1 180); do
    alert="$(curl -fsS -H "authorization: Bearer $token" "$INTAKE/v1/alerts/$id")"
    if [[ "$(json "(() => { const s = d.deliveries && d.deliveries.sms; return Boolean(s && s.total > 0
          && Object.keys(s.byStatus).every((k) => $FINAL.includes(k))); })()" <<<"$alert")" == true ]]; then
      json 'd.deliveries.sms' <<<"$alert"
      return 0
    fi
    sleep 1
  done
  die "the SMS of alert $id did not settle within 180 s: $(json 'd.deliveries' <<<"$alert")"
}

# Checks that the simulated phones received each SMS the alert sent, once, and that it sent some.
check_phones() {
  local title="$1" sms="$2" expected counts received recipients
  expected="$(json 'd.total - (d.byStatus.suppressed || 0) - (d.byStatus.failed || 0)' <<<"$sms")"
  counts="$(curl -fsS "$SIM/__sim/messages?channel=sms" \
    | json "(() => { const m = d.messages.filter((x) => (x.body || '').includes('$title'));
        return m.length + ' ' + new Set(m.map((x) => x.to)).size; })()")"
  received="${counts% *}" recipients="${counts#* }"
  say "SMS planned $(json 'd.total' <<<"$sms"), sent $expected, on simulated phones $received (to $recipients numbers); statuses $(json 'd.byStatus' <<<"$sms")"
  (( expected > 0 )) || die "the alert sent no SMS"
  (( received == expected && recipients == received )) || die "the phones received $received SMS on $recipients numbers, $expected sent"
}

step "urgent alert over HTTP reaches the simulated phones"
title1="Vermiste jongen (containers $$)"
alert1="$(post_alert "$title1" '["herdersem", "moorsel"]')"
say "alert $alert1 issued"
sms1="$(wait_settled "$alert1")"
check_phones "$title1" "$sms1"
step_done

# ---------------------------------------------------------------------------------------------
# The SMS sent so far by one dispatcher container, from its /metrics (its port is in its log).
sent_by() {
  local url
  local line
  line="$(docker logs "$1" 2>&1 | grep '"listening"' | tail -n 1)"
  # /metrics is on the ops port when OPS_PORT is set, else on the app's own.
  url="$(grep -o '"opsUrl":"http[^"]*"' <<<"$line" | cut -d'"' -f4)"
  [[ -n "$url" ]] || url="$(grep -o '"url":"http[^"]*"' <<<"$line" | cut -d'"' -f4)"
  [[ -n "$url" ]] || die "no 'listening' line in the log of container $1"
  curl -fsS "$url/metrics" | awk '/^bin_delivery_outcomes_total\{/ && /channel="sms"/ && /outcome="accepted"/ { n += $NF } END { print n + 0 }'
}
# Members of the SMS senders' consumer group that own partitions of the urgent jobs topic.
sender_members() {
  compose exec -T kafka sh /opt/kafka/bin/kafka-tool.sh org.apache.kafka.tools.consumer.group.ConsumerGroupCommand \
    --bootstrap-server "127.0.0.1:$KAFKA_PORT" --describe --group sender-sms-urgent --members 2>/dev/null \
    | awk '$1 == "sender-sms-urgent" && $NF + 0 > 0' | wc -l
}

step "scale dispatcher-sms to 2"
compose up -d --wait --wait-timeout 180 --scale dispatcher-sms=2 || die "the second dispatcher-sms did not become healthy"
mapfile -t sms_dispatchers < <(compose ps -q dispatcher-sms)
(( ${#sms_dispatchers[@]} == 2 )) || die "expected 2 dispatcher-sms containers, found ${#sms_dispatchers[@]}"
for _ in $(seq 1 60); do
  members="$(sender_members)"
  (( members == 2 )) && break
  sleep 2
done
(( members == 2 )) || die "the SMS senders' group has $members members with partitions, not 2"
say "both instances own partitions of bin.jobs.sms.urgent.v1"
step_done

step "a second alert is sent by both SMS dispatchers"
declare -A before
for c in "${sms_dispatchers[@]}"; do before[$c]="$(sent_by "$c")"; done
bins="$(curl -fsS "$INTAKE/v1/bins" | json 'JSON.stringify(d.bins.filter((b) => b.policeZone === "aalst").map((b) => b.id))')"
[[ "$bins" != "[]" ]] || die "no BINs of zone aalst in GET /v1/bins"
title2="Vermist meisje (containers $$)"
alert2="$(post_alert "$title2" "$bins")"
say "alert $alert2 issued to $(json 'd.length' <<<"$bins") BINs"
sms2="$(wait_settled "$alert2")"
check_phones "$title2" "$sms2"
# A sender counts a job's SMS once the whole job is written, which can be after the provider's
# callbacks made every delivery final: the counters may trail the statuses for a moment.
expected2="$(json 'd.total - (d.byStatus.suppressed || 0) - (d.byStatus.failed || 0)' <<<"$sms2")"
declare -A sent
for _ in $(seq 1 30); do
  total=0
  for c in "${sms_dispatchers[@]}"; do
    sent[$c]=$(( $(sent_by "$c") - ${before[$c]} ))
    total=$(( total + ${sent[$c]} ))
  done
  (( total >= expected2 )) && break
  sleep 1
done
for c in "${sms_dispatchers[@]}"; do
  say "container ${c:0:12} sent ${sent[$c]} of them"
  (( ${sent[$c]} > 0 )) || die "dispatcher-sms container ${c:0:12} sent none of the second alert's SMS"
done
(( total == expected2 )) || die "the two dispatchers sent $total SMS between them, $expected2 reached the phones"
step_done
