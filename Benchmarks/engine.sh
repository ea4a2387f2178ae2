#!/usr/bin/env bash
# `make bench`: the engine's figures for Podlink, Podman's REST service and bare runc, in one run, as one table
# (Benchmarks/engine_bench.py). Release build; Podman with storage of its own (never --log-level=debug, which stalls
# here). RUNS: samples per figure (15); SCALES: stored containers for the growth figures (10,100,1000).
set -euo pipefail
cd "$(dirname "$0")/.."
. Benchmarks/service.sh
. Benchmarks/podman.sh
podman_pid=
bench_cleanup() {
    [ -n "$podman_pid" ] && kill "$podman_pid" 2>/dev/null && wait "$podman_pid" 2>/dev/null
    podman_cleanup
    runc --root "$work/bare-runc" list -q 2>/dev/null | xargs -r -n1 runc --root "$work/bare-runc" delete -f || true
    rmdir /sys/fs/cgroup/*/podlink-bench/bare /sys/fs/cgroup/*/podlink-bench 2>/dev/null || true
}
"$bin/podlink" --url "unix:$work/sock" load -i "$work/image" busybox >/dev/null
"${podman_[@]}" system service --time=0 "unix://$work/podman.sock" 2>"$work/podman.log" &
podman_pid=$!
for _ in $(seq 200); do [ -S "$work/podman.sock" ] && break; sleep 0.05; done

# Cold socket activation: systemd-socket-activate holds the socket, the first call starts podlinkd (idle exit 1 s).
activation_ms=
if command -v systemd-socket-activate >/dev/null; then
    samples=()
    for _ in 1 2 3 4 5 6; do
        # systemd-socket-activate holds the socket and becomes podlinkd at the first connection (as systemd would
        # start it); the service exits after 1 s without connections, and the activator with it.
        rm -f "$work/act.sock"
        systemd-socket-activate -l "$work/act.sock" --fdname=varlink "$bin/podlinkd" --timeout=1 \
            --config /nonexistent --storage-root "$work/act-storage" --run-root "$work/act-run" 2>/dev/null &
        activator=$!
        for _ in $(seq 100); do [ -S "$work/act.sock" ] && break; sleep 0.05; done
        samples+=("$(python3 - "$work/act.sock" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
start = time.perf_counter()
s.connect(sys.argv[1]); s.sendall(b'{"method":"io.podlink.GetVersion"}\0'); data = b""
while not data.endswith(b"\0"): data += s.recv(4096)
print(f"{(time.perf_counter() - start) * 1000:.1f}")
PY
)")
        wait "$activator" || true
    done
    # The first one also made the store: the median of the others.
    activation_ms=$(printf '%s\n' "${samples[@]:1}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    echo "cold activations (ms): ${samples[*]}"
fi

echo "== engine figures: $(nproc) cores, $(uname -r), runc $(runc --version | head -1 | awk '{print $3}'), $(podman --version)"
PODLINKD_PID=$pid ACTIVATION_MS=$activation_ms python3 Benchmarks/engine_bench.py "$work/sock" "$work/podman.sock" \
    "$work" "$image"
