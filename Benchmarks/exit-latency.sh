#!/usr/bin/env bash
# Exit -> state stored, through a release podlinkd that nothing else calls (Benchmarks/exit_latency.py).
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-30}
work=$(mktemp -d /dev/shm/podlink-bench-XXXXXX)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    umount -R "$work/storage" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
swift build -c release --product podlinkd >/dev/null
bin=$(swift build -c release --show-bin-path)
scripts/make-test-image.sh "$work/image" >/dev/null
"$bin/podlinkd" --address "unix:$work/sock" --timeout 0 --config /nonexistent --registry "" \
    --storage-root "$work/storage" --run-root "$work/run" 2>"$work/log" &
pid=$!
for _ in $(seq 100); do [ -S "$work/sock" ] && break; sleep 0.05; done
python3 -c 'import sys, varlink
with varlink.Client(address=sys.argv[1]) as c, c.open("io.podlink", namespaced=True) as p:
    p.LoadImage("busybox", sys.argv[2])' "unix:$work/sock" "$work/image"
python3 Benchmarks/exit_latency.py "unix:$work/sock" "$COUNT"
