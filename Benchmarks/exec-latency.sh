#!/usr/bin/env bash
# `podlink exec CONTAINER true`, whole command, against bare `runc exec` on the same container and `podman exec` on
# a container of the same image, in one run (farm-bench pairs the commands run by run). A release podlinkd that
# nothing else calls; Podman with storage of its own. RUNS sets the number of pairs (default 20).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-20}
. Benchmarks/service.sh
podman_=(podman --root "$work/podman/root" --runroot "$work/podman/run" --storage-driver overlay
    --cgroup-manager cgroupfs --events-backend none)
bench_cleanup() {
    "${podman_[@]}" rm -f -t 0 bench >/dev/null 2>&1 || true
    "${podman_[@]}" system reset -f >/dev/null 2>&1 || true
}
podlink=("$bin/podlink" --url "unix:$work/sock")
"${podlink[@]}" load -i "$work/image" busybox >/dev/null
id=$("${podlink[@]}" run -d busybox:latest sleep 100000)
runc_=(runc --root "$work/run/runc")

echo "== podlink exec vs bare runc exec (the same container), $RUNS pairs"
farm-bench -n "$RUNS" --vs "${runc_[*]} exec $id true" -- "${podlink[@]}" exec "$id" true

if command -v podman >/dev/null; then
    # The same layout, as an oci-archive.
    (cd "$work/image" && tar -cf "$work/image.tar" .)
    "${podman_[@]}" load -q -i "$work/image.tar" >/dev/null
    "${podman_[@]}" run -d --name bench --network none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 "$("${podman_[@]}" images -q | head -1)" sleep 100000 \
        >/dev/null
    echo
    echo "== podlink exec vs podman exec (a container of the same image), $RUNS pairs"
    farm-bench -n "$RUNS" --vs "${podman_[*]} exec bench true" -- "${podlink[@]}" exec "$id" true
else
    echo "podman is not installed (scripts/install-deps.sh installs it): no podman figures"
fi
