#!/bin/sh
# The image's entry point: the first argument names the app; anything else is run as given
# (`node dist/...`, as the Kubernetes manifests do, or a shell for debugging).
# exec, so that the app is PID 1 and receives SIGTERM itself (its drain, ADR 0017).
set -eu
cd /app
command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
  intake | dispatcher-sms | dispatcher-email | dispatcher-voice | tracker | provider-sim)
    exec node "dist/apps/$command/src/main.js" "$@" ;;
  migrate | seed-demo | bootstrap-admin)
    exec node "dist/libs/persistence/src/cli/$command.js" "$@" ;;
  token)
    exec node dist/libs/platform/src/cli/issue-access-token.js "$@" ;;
  "" | help | --help)
    echo "usage: <image> intake | dispatcher-sms | dispatcher-email | dispatcher-voice | tracker | provider-sim" >&2
    echo "               | migrate | seed-demo [--members=N] | bootstrap-admin --username NAME | token ROLE [options]" >&2
    echo "       <image> <any command>, e.g. node dist/apps/intake/src/main.js" >&2
    [ -n "$command" ] && exit 0
    exit 2 ;;
  *)
    exec "$command" "$@" ;;
esac
