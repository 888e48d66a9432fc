#!/usr/bin/env bash
# The replicated-Kafka test (issue 12): starts the three-broker cluster of
# deploy/local/kafka-cluster.sh (127.0.0.1:19092-19094) unless it runs, fans an alert out while
# one broker is stopped and started again, and stops the cluster if it started it. Its database
# (bin_alert_cluster_test) and Redis keyspace (db 3) are its own; it holds the shared-servers lock
# all the same, so as not to share two cores with a benchmark or another test run. ~3 minutes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# shellcheck source=scripts/local-infra.sh
source scripts/local-infra.sh
bring_up_local_infra

npx jest -c test/cluster/jest.config.js --runInBand --forceExit "$@"
