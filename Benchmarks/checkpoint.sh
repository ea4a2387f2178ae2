#!/usr/bin/env bash
# Checkpoint then restore of a running counter, whole commands: `podlink container checkpoint && restore` against
# `podman container checkpoint && restore` of a container of the same image, in one run (farm-bench pairs them run
# by run). Both use the CRIU scripts/install-criu.sh installs (Podman finds it first on PATH). RUNS: pairs (10).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10}
criu=/usr/local/lib/podlink/criu
[ -x "$criu" ] || { echo "no CRIU at $criu: run scripts/install-criu.sh" >&2; exit 1; }
. Benchmarks/service.sh
mkdir -p "$work/path"
ln -s "$criu" "$work/path/criu"
export PATH="$work/path:$PATH"
podman_=(podman --root "$work/podman/root" --runroot "$work/podman/run" --storage-driver overlay
    --cgroup-manager cgroupfs --events-backend none)
bench_cleanup() {
    "${podman_[@]}" rm -f -t 0 bench >/dev/null 2>&1 || true
    "${podman_[@]}" system reset -f >/dev/null 2>&1 || true
}
counter='i=0; while :; do i=$((i+1)); echo $i >/tmp/c; sleep 0.1; done'
podlink=("$bin/podlink" --url "unix:$work/sock")
"${podlink[@]}" load -i "$work/image" busybox >/dev/null
id=$("${podlink[@]}" run -d busybox:latest sh -c "$counter")
(cd "$work/image" && tar -cf "$work/image.tar" .)
"${podman_[@]}" load -q -i "$work/image.tar" >/dev/null
"${podman_[@]}" run -d --name bench --network none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 \
    "$("${podman_[@]}" images -q | head -1)" sh -c "$counter" >/dev/null

cycle_podlink="${podlink[*]} container checkpoint $id >/dev/null && ${podlink[*]} container restore $id >/dev/null"
cycle_podman="${podman_[*]} container checkpoint bench >/dev/null && ${podman_[*]} container restore bench >/dev/null"
echo "== checkpoint + restore of a running counter: podlink vs podman, $RUNS pairs"
farm-bench -n "$RUNS" --vs "sh -c '$cycle_podman'" -- sh -c "$cycle_podlink"
echo "counters after the run: podlink $("${podlink[@]}" exec "$id" cat /tmp/c), podman $("${podman_[@]}" exec bench cat /tmp/c)"
