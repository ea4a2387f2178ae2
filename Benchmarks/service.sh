# Sourced by the benchmarks: a release podlinkd that nothing else calls, serving unix:$work/sock with storage of its
# own under /dev/shm, and the test image at $work/image. Sets work, bin and pid; `stop_service` ends it all (it
# runs on exit; a benchmark that made more adds its own steps to `bench_cleanup`).
work=$(mktemp -d /dev/shm/podlink-bench-XXXXXX)
pid=
bench_cleanup() { :; }
stop_service() {
    bench_cleanup
    if [ -n "$pid" ]; then
        "$bin/podlink" --url "unix:$work/sock" rm -f -a >/dev/null 2>&1 || true
        # Not always this shell's child (a benchmark may have started it again), so waited for by its pid.
        kill "$pid" 2>/dev/null && tail -s 0.1 --pid="$pid" -f /dev/null
    fi
    for mount in $(awk -v root="$work" 'index($5, root) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
        umount -l "$mount" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap stop_service EXIT
swift build -c release --product podlinkd >/dev/null
swift build -c release --product podlink >/dev/null
bin=$(swift build -c release --show-bin-path)
scripts/make-test-image.sh "$work/image" >/dev/null
"$bin/podlinkd" --address "unix:$work/sock" --timeout 0 --config /nonexistent --registry "" \
    --storage-root "$work/storage" --run-root "$work/run" 2>"$work/log" &
pid=$!
for _ in $(seq 100); do [ -S "$work/sock" ] && break; sleep 0.05; done
