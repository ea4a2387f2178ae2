#!/usr/bin/env bash
# Builds the fuzz targets in Fuzz/ with libFuzzer (coverage-guided; Fuzz/toolset.json adds -sanitize=fuzzer to the
# targets only, not to the build's own tools) and runs each for SECONDS (default 15), seeded with the project's
# interfaces, a few messages and a few small archives. Any crash fails the run and leaves its input under the printed directory.
#   scripts/fuzz.sh            the short run make test does
#   scripts/fuzz.sh 3600       an hour per target
#   FUZZ_TARGETS=fuzz-idl scripts/fuzz.sh 600   one target
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-${FUZZ_SECONDS:-15}}
work=$(mktemp -d /dev/shm/podlink-fuzz-XXXXXX)
# The build goes under the run's own directory unless PODLINK_FUZZ_BUILD keeps one between runs.
build=${PODLINK_FUZZ_BUILD:-$work/build}
# SwiftPM's lock files for a scratch path are kept in /tmp, named after the path.
trap 'status=$?; rm -f "/tmp/${build//\//_}"*.lock
if [ $status -eq 0 ]; then rm -rf "$work"; else rm -rf "$work/build"; fi; exit $status' EXIT

swift build --package-path Fuzz --scratch-path "$build" --toolset Fuzz/toolset.json >"$work/build.log" 2>&1 || {
    tail -30 "$work/build.log"
    exit 1
}
bin="$build/debug"

mkdir -p "$work/fuzz-idl" "$work/fuzz-call" "$work/fuzz-json"
cp interfaces/*.varlink Sources/Varlink/org.varlink.service.varlink "$work/fuzz-idl/"
calls=(
    '{"method":"org.varlink.service.GetInterfaceDescription","parameters":{"interface":"io.podlink"}}'
    '{"method":"org.example.ping.Ping","parameters":{"ping":"p"},"more":true,"org.example.x":[1,{"a":null}]}'
    '{"parameters":{"vendor":"v","product":"p","version":"1","url":"u","interfaces":["a"]},"continues":true}'
    '{"error":"org.varlink.service.InvalidParameter","parameters":{"parameter":"x"}}'
)
for index in "${!calls[@]}"; do printf '%s' "${calls[$index]}" >"$work/fuzz-call/seed$index"; done
printf '%s' '{"a":[1,-2.5e3,"\u00e9\ud83d\ude00",true,false,null,{}],"b":{"c":"\"\\/\b\f\n\r\t"}}' >"$work/fuzz-json/seed0"

# Archives: a file, a directory, links of both kinds and whiteouts, plain and gzipped (one 512-byte block per
# record, so that they stay small).
mkdir -p "$work/fuzz-archive" "$work/tree/etc/sub"
echo hello >"$work/tree/etc/file"
ln -s file "$work/tree/etc/link"
ln "$work/tree/etc/file" "$work/tree/etc/hard"
touch "$work/tree/etc/.wh.gone" "$work/tree/etc/sub/.wh..wh..opq"
tar -C "$work/tree" -b 1 -cf "$work/fuzz-archive/seed0" etc
tar -C "$work/tree" -b 1 -czf "$work/fuzz-archive/seed1" etc/file etc/link
tar -C "$work/tree" -b 1 --format=gnu -cf "$work/fuzz-archive/seed2" etc/hard etc/sub
rm -rf "$work/tree"
# And a hostile one: a link out of the directory and writes through it, up the tree and to an absolute path.
python3 - "$work/fuzz-archive/seed3" <<'PY'
import io, sys, tarfile
out = io.BytesIO()
with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as tar:
    for name, kind, link, data in [("up", tarfile.SYMTYPE, "..", b""), ("up/host", tarfile.REGTYPE, "", b"evil"),
                                   ("../host", tarfile.REGTYPE, "", b"evil"), ("/host", tarfile.REGTYPE, "", b"evil"),
                                   ("hard", tarfile.LNKTYPE, "../host", b"")]:
        info = tarfile.TarInfo(name)
        info.type, info.linkname, info.size = kind, link, len(data)
        tar.addfile(info, io.BytesIO(data))
    end = tar.offset
open(sys.argv[1], "wb").write(out.getvalue()[:end + 1024])
PY

failed=0
# libFuzzer's own crash handler writes the input that crashed; Swift's backtracer would end the process first.
export SWIFT_BACKTRACE=enable=no
for target in ${FUZZ_TARGETS:-fuzz-idl fuzz-call fuzz-json fuzz-archive}; do
    mkdir -p "$work/$target-crashes"
    if "$bin/$target" -max_total_time="$seconds" -max_len="$([ "$target" = fuzz-archive ] && echo 16384 || echo 8192)" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$work/$target-crashes/" "$work/$target" >"$work/$target.log" 2>&1; then
        echo "$target: $(grep -E '^Done [0-9]+ runs' "$work/$target.log" | sed 's/^Done //'), no crash"
    else
        echo "$target: FAILED, its input and log are in $work"
        tail -20 "$work/$target.log"
        failed=1
    fi
done
exit $failed
