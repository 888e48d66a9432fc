#!/bin/sh
# The image's entry point: the first argument names the app; anything else is run as given
# (`node dist/...`, or a shell for debugging). The Kubernetes manifests pass the app's name too.
# exec, so that the app is PID 1 and receives SIGTERM itself (its drain, ADR 0017).
# Each app starts with its node options from deploy/node-options.sh (ADR 0048).
set -eu
# /app in the image; the repository's root when a test runs this script from the sources.
cd "$(dirname "$0")/../.."
command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
  intake | dispatcher-sms | dispatcher-email | dispatcher-voice | tracker | provider-sim)
    # shellcheck disable=SC2046 # the options are separate words
    exec node $(sh deploy/node-options.sh "$command") "dist/apps/$command/src/main.js" "$@" ;;
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
