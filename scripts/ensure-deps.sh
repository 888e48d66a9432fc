#!/usr/bin/env bash
# Installs the exact dependency versions of package-lock.json when node_modules is missing or stale.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "[deps] Node.js 20+ and npm are needed: apt-get install -y nodejs npm (or use nvm)" >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "[deps] Node.js 20 or newer is needed (found $(node -v))" >&2
  exit 1
fi
stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "[deps] installing npm packages (npm ci)…"
  npm ci --no-audit --no-fund --loglevel=error
fi
