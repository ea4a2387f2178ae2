#!/usr/bin/env bash
# Exit -> state stored, through a release podlinkd that nothing else calls (Benchmarks/exit_latency.py).
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-30}
. Benchmarks/service.sh
python3 -c 'import sys, varlink
with varlink.Client(address=sys.argv[1]) as c, c.open("io.podlink", namespaced=True) as p:
    p.LoadImage("busybox", sys.argv[2])' "unix:$work/sock" "$work/image"
python3 Benchmarks/exit_latency.py "unix:$work/sock" "$COUNT"
