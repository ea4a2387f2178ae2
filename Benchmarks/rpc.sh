#!/usr/bin/env bash
# The RPC benchmark: org.example.ping served by our server, python's and Go's varlink, under the same load, and by
# Benchmarks/reference_server.c, which answers every frame with a fixed reply (the floor; ours is shown as a share).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${SECONDS_PER_RUN:-3}
work=$(mktemp -d /dev/shm/varlink-bench-XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

swift build -c release --product varlink-bench >/dev/null
bench=$(swift build -c release --show-bin-path)/varlink-bench

# Go server: stubs generated from the same interface file, built offline against Debian's varlink-go.
mkdir -p "$work/gopath/src/orgexampleping" "$work/gopath/src/pingserver"
cp interfaces/org.example.ping.varlink "$work/gopath/src/orgexampleping/"
(cd "$work/gopath/src/orgexampleping" && varlink-go-interface-generator org.example.ping.varlink >/dev/null)
cp Benchmarks/ping_server.go "$work/gopath/src/pingserver/main.go"
(cd "$work/gopath/src/pingserver" && GOPATH="$work/gopath:/usr/share/gocode" GO111MODULE=off GOPROXY=off \
    GOCACHE="$work/gocache" go build -o "$work/go-ping-server" .)
gcc -O2 -Wall -Wextra -o "$work/reference-server" Benchmarks/reference_server.c

"$bench" serve --varlink "unix:$work/swift.sock" & pids+=($!)
python3 Benchmarks/ping_server.py "unix:$work/python.sock" interfaces/org.example.ping.varlink & pids+=($!)
"$work/go-ping-server" "unix:$work/go.sock" & pids+=($!)
"$work/reference-server" "$work/reference.sock" & pids+=($!)
for socket in swift python go reference; do
    for _ in $(seq 100); do [ -S "$work/$socket.sock" ] && break; sleep 0.05; done
done

echo "org.example.ping.Ping, ${SECONDS_PER_RUN}s per figure, $(nproc) cores, $(uname -r)"
"$bench" compare --seconds "$SECONDS_PER_RUN" podlink="unix:$work/swift.sock" go="unix:$work/go.sock" \
    python="unix:$work/python.sock" reference="unix:$work/reference.sock"
