#!/bin/sh
# The node options of each long-running app: the one place that every way of starting the apps
# reads (ADR 0048): the image's entry point (docker compose and the Kubernetes manifests),
# scripts/run.sh and the benchmark (bench/src/run-bench.ts). Prints the options of the app the
# first argument names, nothing for any other.
#
# --max-old-space-size: without it node sizes the old space from the host's memory (4 GB on a
# 24 GB host) and V8 lets garbage pile up to several times the live heap before it compacts: the
# dispatchers peaked at 250-400 MB RSS with a live heap of 46-55 MB that did not grow with the
# audience (docs/benchmarks.md, "what a dispatcher's memory holds"). A cap keeps old space near
# the live heap. Each cap stays well under the app's memory limit in deploy/kubernetes
# (deploy/kubernetes/manifests.spec.ts checks it). 512 for the dispatchers: their peaks were the
# same at 256 (163 MB) and 512 (159-170 MB), and 256 cost them ~25 % more CPU per delivery in one
# run against none at 512 (docs/benchmarks.md, "the dispatchers' heap capped from one place").
# The tracker's live heap is not measured (its RSS reached 370 MB at 1 000 000 members with
# node's default); intake peaked at 136 MB.
#
# --max-semi-space-size=32 (the tracker): its status callbacks' requests, batches and events live
# for a batch's round trips (tens of ms), long enough to survive node's default young generation
# (16 MB semi-spaces, grown from 1 MB) and be copied and promoted; GC was 14 % of its CPU profile.
# Larger semi-spaces let them die young: the tracker's CPU per callback fell ~11 % with the same
# code (callback-path, 2026-12-07 10:00, docs/benchmarks.md). Up to 64 MB more new space, inside
# the container's room (deploy/kubernetes/manifests.spec.ts).
case "${1:-}" in
  dispatcher-sms | dispatcher-email | dispatcher-voice) echo "--max-old-space-size=512" ;;
  intake) echo "--max-old-space-size=256" ;;
  tracker) echo "--max-old-space-size=512 --max-semi-space-size=32" ;;
  *) ;;
esac
