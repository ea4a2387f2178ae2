# Sourced by the benchmarks after service.sh: Podman with storage of its own under $work (runc, cgroupfs, no
# events, netavark for networks, the same ulimits as Podlink's containers) and the test image loaded, its id in
# $image. `podman_` is the command with its storage options; it is reset when the benchmark ends.
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
podman_cleanup() {
    "${podman_[@]}" rm -a -f -t 0 >/dev/null 2>&1 || true
    "${podman_[@]}" system reset -f >/dev/null 2>&1 || true
}
bench_cleanup() { podman_cleanup; }
(cd "$work/image" && tar -cf "$work/image.tar" .)
"${podman_[@]}" load -q -i "$work/image.tar" >/dev/null
image=$("${podman_[@]}" images -q | head -1)
