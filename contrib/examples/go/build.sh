#!/bin/sh
# Builds the Go example offline: generates the io.podlink stubs with varlink-go-interface-generator into a temporary
# GOPATH (they are not committed) and builds against the varlink Go package in /usr/share/gocode.
#
#   contrib/examples/go/build.sh [OUTPUT]    (default: ./podlink-example)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
output=${1:-$PWD/podlink-example}
case $output in /*) ;; *) output=$PWD/$output ;; esac

gopath=$(mktemp -d)
trap 'rm -rf "$gopath"' EXIT
mkdir -p "$gopath/src/iopodlink" "$gopath/src/podlink-example"
cp "$root/interfaces/io.podlink.varlink" "$gopath/src/iopodlink/"
(cd "$gopath/src/iopodlink" && varlink-go-interface-generator io.podlink.varlink)
cp "$here/main.go" "$gopath/src/podlink-example/"
cd "$gopath/src/podlink-example"
GOPATH="$gopath:/usr/share/gocode" GO111MODULE=off GOPROXY=off GOFLAGS= GOCACHE="$gopath/cache" \
    go build -o "$output" .
echo "built $output"
