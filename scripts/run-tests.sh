#!/usr/bin/env bash
# Runs the test suite in groups, one test process per group: the engine makes its process a child subreaper and
# the runtime's tests start many peers, so each group gets a process of its own. A group that runs no test, fails
# or passes its time limit fails the whole run.
set -uo pipefail
cd "$(dirname "$0")/.."
LIMIT=${TEST_GROUP_TIMEOUT:-900}
groups=(
    "VarlinkIDLTests|VarlinkGeneratorTests|GeneratedStubsTests"
    "VarlinkTests"
    "EngineTests"
    "PodlinkTests"
)
total=0
failed_groups=0
log=$(mktemp)
for group in "${groups[@]}"; do
    echo "=== $group"
    start=$(date +%s)
    timeout --kill-after=10 "$LIMIT" swift test --skip-build --filter "$group" >"$log" 2>&1
    status=$?
    sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E "✘|recorded an issue|Test run with" | tail -40
    count=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -oE "Test run with [0-9]+ test" | grep -oE "[0-9]+" | tail -1)
    count=${count:-0}
    echo "--- $group: $count tests, exit $status, $(($(date +%s) - start)) s"
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
        echo "--- $group did not finish within $LIMIT s; the end of its output:"
        tail -30 "$log"
    fi
    if [ "$status" -ne 0 ] || [ "$count" -eq 0 ]; then
        failed_groups=$((failed_groups + 1))
        [ "$count" -eq 0 ] && echo "--- $group ran no test"
    fi
    total=$((total + count))
done
rm -f "$log"
echo
if [ "$failed_groups" -eq 0 ]; then
    echo "$total passed, 0 failed"
else
    echo "test groups failed: $failed_groups of ${#groups[@]} ($total tests ran)"
    exit 1
fi
