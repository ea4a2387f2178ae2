#!/usr/bin/env bash
# The lifecycle of `true` on the default bridge network with a published port, whole commands:
# `podlink run --rm -p 127.0.0.1::80 busybox true` against Podman's same on netavark, in one run (farm-bench pairs
# them run by run). Both set up and tear down a namespace, a veth pair and the port's firewall rules each time.
# RUNS: pairs (10).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10}
. Benchmarks/service.sh
conf="$work/containers.conf"
cat >"$conf" <<'CONF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
[network]
network_backend = "netavark"
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "none"
CONF
export CONTAINERS_CONF="$conf"
podman_=(podman --root "$work/podman/root" --runroot "$work/podman/run" --storage-driver overlay)
bench_cleanup() { "${podman_[@]}" system reset -f >/dev/null 2>&1 || true; }
podlink=("$bin/podlink" --url "unix:$work/sock")
"${podlink[@]}" load -i "$work/image" busybox >/dev/null
(cd "$work/image" && tar -cf "$work/image.tar" .)
"${podman_[@]}" load -q -i "$work/image.tar" >/dev/null
image=$("${podman_[@]}" images -q | head -1)
# Both once, to check that the port is published at all.
"${podlink[@]}" run --rm -p 127.0.0.1::80 busybox true
"${podman_[@]}" run --rm -p 127.0.0.1::80 "$image" true
echo "== run --rm -p 127.0.0.1::80 busybox true, on a bridge network: podlink vs podman, $RUNS pairs"
farm-bench -n "$RUNS" --vs "${podman_[*]} run --rm -p 127.0.0.1::80 $image true" -- \
    "${podlink[@]}" run --rm -p 127.0.0.1::80 busybox true
