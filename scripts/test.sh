#!/usr/bin/env bash
# Every test, on a fresh machine: installs dependencies, starts PostgreSQL, Redis and Kafka on
# 127.0.0.1 (installing them from Debian/Maven Central where missing), runs the unit tests, then
# the integration and end-to-end tests against those real servers, and stops what it started.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# shellcheck source=scripts/local-infra.sh
source scripts/local-infra.sh
bring_up_local_infra

# The browser tests drive Debian's Chromium (never a downloaded browser); the Twilio client's
# CA-bundle and proxy specs make their throwaway certificate with openssl.
missing=()
if [ -z "${CHROMIUM_PATH:-}" ] && [ ! -x /usr/bin/chromium ]; then missing+=(chromium); fi
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if (( ${#missing[@]} > 0 )); then
  echo "[test] installing ${missing[*]} from Debian for the tests"
  SUDO=(); if (( EUID != 0 )) && command -v sudo >/dev/null 2>&1; then SUDO=(sudo); fi
  "${SUDO[@]}" apt-get update -qq && "${SUDO[@]}" apt-get install -y -qq "${missing[@]}"
fi

echo "[test] type check of everything tsc sees, tests and benchmark included (unused locals and parameters are errors)"
npm run -s typecheck
echo "[test] lint (Biome's recommended rules and the promise rules, ADR 0035; warnings fail too)"
npm run -s lint
echo "[test] formatting (npm run format rewrites what this refuses)"
npm run -s format:check
echo "[test] unit tests"
npx jest --selectProjects unit --maxWorkers=2 "$@"
echo "[test] building the apps (the kill-a-dispatcher test runs them as processes)"
npm run -s build
echo "[test] integration and end-to-end tests (real PostgreSQL, Redis, Kafka)"
# --forceExit: a failed test may leave a client of a real server open; the run must still end.
npx jest --selectProjects integration e2e --runInBand --forceExit "$@"
echo "[test] standalone mode (one process, no servers)"
npx jest --selectProjects standalone --runInBand --forceExit "$@"
