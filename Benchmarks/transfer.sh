#!/usr/bin/env bash
# Bytes in and out, whole commands, in one run:
# - a pull of a ~50 MB image (one 50 MB layer of random bytes, gzip'd) from Debian's docker-registry on 127.0.0.1,
#   `podlink pull` against `podman pull` and against `skopeo copy` to an OCI layout (the transport Podlink runs);
#   every run starts with the image removed, so each fetches all of it;
# - `cp` of a 100 MB file into a running container and out of it, `podlink cp` against `podman cp`.
# RUNS: pairs (5).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
. Benchmarks/service.sh
. Benchmarks/podman.sh
podlink=("$bin/podlink" --url "unix:$work/sock")
"${podlink[@]}" load -i "$work/image" busybox >/dev/null

# The registry, on a free port.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/registry"
cat >"$work/registry/config.yml" <<YAML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $work/registry/data
http:
  addr: 127.0.0.1:$port
YAML
docker-registry serve "$work/registry/config.yml" >"$work/registry/log" 2>&1 &
registry_pid=$!
bench_cleanup() {
    podman_cleanup
    kill "$registry_pid" 2>/dev/null || true
}
for _ in $(seq 100); do
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/v2/')" 2>/dev/null && break
    sleep 0.05
done

# The ~50 MB image: busybox and 50 MB of random bytes, imported and pushed.
mkdir -p "$work/big/rootfs"
layer=$(cd "$work/image" && python3 -c '
import json
index = json.load(open("index.json"))
manifest = json.load(open("blobs/sha256/" + index["manifests"][0]["digest"].split(":")[1]))
print("blobs/sha256/" + manifest["layers"][0]["digest"].split(":")[1])')
tar -C "$work/big/rootfs" -xf "$work/image/$layer"
head -c $((50 << 20)) /dev/urandom >"$work/big/rootfs/random.bin"
tar -C "$work/big/rootfs" -cf "$work/big/rootfs.tar" .
"${podlink[@]}" import "$work/big/rootfs.tar" "127.0.0.1:$port/bench/big:1" >/dev/null 2>&1
"${podlink[@]}" push --tls-verify=false -q "127.0.0.1:$port/bench/big:1" >/dev/null
"${podlink[@]}" rmi -f "127.0.0.1:$port/bench/big:1" >/dev/null
ref="127.0.0.1:$port/bench/big:1"
echo "== pull of a $(du -sm "$work/registry/data" | cut -f1) MB registry's image ($ref): podlink vs podman, $RUNS pairs"
farm-bench -n "$RUNS" --timeout 900 \
    --vs "sh -c '${podman_[*]} rmi -f $ref >/dev/null 2>&1; exec ${podman_[*]} pull -q --tls-verify=false $ref'" -- \
    sh -c "${podlink[*]} rmi -f $ref >/dev/null 2>&1; exec ${podlink[*]} pull -q --tls-verify=false $ref"
echo "== the same pull: podlink vs skopeo copy into an OCI layout, $RUNS pairs"
farm-bench -n "$RUNS" --timeout 900 \
    --vs "sh -c 'rm -rf $work/skopeo; exec skopeo copy -q --src-tls-verify=false docker://$ref oci:$work/skopeo:big'" -- \
    sh -c "${podlink[*]} rmi -f $ref >/dev/null 2>&1; exec ${podlink[*]} pull -q --tls-verify=false $ref"

# cp: 100 MB in and out of a running container.
head -c $((100 << 20)) /dev/urandom >"$work/file.bin"
"${podlink[@]}" run -d --name box busybox sleep 100000 >/dev/null
"${podman_[@]}" run -d --name box "$image" sleep 100000 >/dev/null
echo "== cp of 100 MB into a running container: podlink vs podman, $RUNS pairs"
farm-bench -n "$RUNS" --timeout 900 --vs "${podman_[*]} cp $work/file.bin box:/tmp/file.bin" -- \
    "${podlink[@]}" cp "$work/file.bin" box:/tmp/file.bin
echo "== cp of 100 MB out of a running container: podlink vs podman, $RUNS pairs"
farm-bench -n "$RUNS" --timeout 900 --vs "${podman_[*]} cp box:/tmp/file.bin $work/out-podman.bin" -- \
    "${podlink[@]}" cp box:/tmp/file.bin "$work/out-podlink.bin"
cmp "$work/file.bin" "$work/out-podlink.bin" && echo "podlink's copy out is byte-for-byte the file copied in"
