#!/usr/bin/env bash
# The lifecycle of `true` on the default bridge network with a published port, whole commands:
# `podlink run --rm -p 127.0.0.1::80 busybox true` against Podman's same on netavark, in one run (farm-bench pairs
# them run by run). Both set up and tear down a namespace, a veth pair and the port's firewall rules each time.
# RUNS: pairs (10).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10}
. Benchmarks/service.sh
. Benchmarks/podman.sh
podlink=("$bin/podlink" --url "unix:$work/sock")
"${podlink[@]}" load -i "$work/image" busybox >/dev/null
# Both once, to check that the port is published at all.
"${podlink[@]}" run --rm -p 127.0.0.1::80 busybox true
"${podman_[@]}" run --rm -p 127.0.0.1::80 "$image" true
echo "== run --rm -p 127.0.0.1::80 busybox true, on a bridge network: podlink vs podman, $RUNS pairs"
farm-bench -n "$RUNS" --vs "${podman_[*]} run --rm -p 127.0.0.1::80 $image true" -- \
    "${podlink[@]}" run --rm -p 127.0.0.1::80 busybox true
