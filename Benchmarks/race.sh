#!/usr/bin/env bash
# Load figures: 32 clients racing lifecycle calls on 8 containers for 60 s (Benchmarks/race.py), then the same with
# the service killed -9 twice during the run. Prints calls done, errors by kind, untyped errors and hangs (0 each),
# and containers or exit codes lost (0). CLIENTS, CONTAINERS, SECONDS_ change the run.
set -euo pipefail
cd "$(dirname "$0")/.."
. Benchmarks/service.sh
"$bin/podlink" --url "unix:$work/sock" load -i "$work/image" busybox >/dev/null
echo "$pid" >"$work/pid"
start_again="'$bin/podlinkd' --address 'unix:$work/sock' --timeout 0 --config /nonexistent --registry '' \
--storage-root '$work/storage' --run-root '$work/run' >/dev/null 2>>'$work/log' & echo \$! > '$work/pid'"
echo "== racing, the service left alone"
python3 Benchmarks/race.py "$work/sock" "$work/run/runc" || status=$?
echo "== racing, the service killed -9 twice"
KILLS=2 PIDFILE="$work/pid" RESTART="$start_again" python3 Benchmarks/race.py "$work/sock" "$work/run/runc" || status=$?
pid=$(cat "$work/pid")
exit "${status:-0}"
