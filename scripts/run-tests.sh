#!/usr/bin/env bash
# Runs the test suite in groups, one test process per group: the engine makes its process a child subreaper and
# the runtime's tests start many peers, so each group gets a process of its own. A group that runs no test, fails
# or passes its time limit fails the whole run. Every test keeps its files under one directory of the run's own
# (PODLINK_TEST_TMP, on /dev/shm); at the end the run checks that no test left a process, a mount or a cgroup
# (or a network namespace or interface) behind, and fails if one did (after cleaning it up), then removes that directory.
set -uo pipefail
cd "$(dirname "$0")/.."
LIMIT=${TEST_GROUP_TIMEOUT:-300}
groups=(
    "VarlinkIDLTests|VarlinkGeneratorTests|GeneratedStubsTests"
    "VarlinkTests"
    "EngineTests|PodlinkServiceTests"
    # The crash-consistency tests kill services on purpose: a group of their own, after the others.
    'PodlinkTests\.(?!CrashConsistencyTests)'
    "CrashConsistencyTests"
)
base=${PODLINK_TEST_TMP:-/dev/shm}
root=$(mktemp -d "$base/podlink-tests.XXXXXX")
# Traversable: some tests call as nobody through sockets below it.
chmod 0755 "$root"
export PODLINK_TEST_TMP=$root
cgroups_before=$(ls -d /sys/fs/cgroup/*/podlink/*/ 2>/dev/null | sort)
# Network namespaces and interfaces: the tests' services name bridges plt<pid>n<k>, containers' namespaces podlink-<id>.
namespaces() { ip netns list 2>/dev/null | awk '{print $1}' | grep '^podlink-' | sort || true; }
test_links() { ip -o link show 2>/dev/null | awk -F': ' '{sub(/@.*/, "", $2); print $2}' | grep '^plt' | sort || true; }
namespaces_before=$(namespaces)

total=0
skipped=0
skips=""
failed_groups=0
log=$(mktemp)
# Ends what tests left under the run's directory: runtime containers, processes, mounts, cgroups.
clean_up() {
    for runc_root in "$root"/*/run/runc "$root"/*/run/*/runc; do
        [ -d "$runc_root" ] || continue
        for id in $(runc --root "$runc_root" list -q 2>/dev/null); do
            runc --root "$runc_root" kill -a "$id" KILL 2>/dev/null
            runc --root "$runc_root" delete -f "$id" 2>/dev/null
        done
    done
    pkill -9 -f -- "$root" 2>/dev/null
    for mount in $(awk -v root="$root" 'index($5, root) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
        umount -l "$mount" 2>/dev/null
    done
    comm -13 <(echo "$cgroups_before") <(ls -d /sys/fs/cgroup/*/podlink/*/ 2>/dev/null | sort) | grep . |
        while read -r cgroup; do rmdir "$cgroup" 2>/dev/null; done
    comm -13 <(echo "$namespaces_before") <(namespaces) | grep . |
        while read -r namespace; do ip netns delete "$namespace" 2>/dev/null; done
    for link in $(test_links); do ip link delete "$link" 2>/dev/null; done
}

run_group() {
    timeout --kill-after=10 "$LIMIT" swift test --skip-build --filter "$1" >"$log" 2>&1
    status=$?
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
        # timeout ends swift test, not the test process it started.
        pkill -9 -f "PodlinkPackageTests.xctest" 2>/dev/null
    fi
    return "$status"
}
for group in "${groups[@]}"; do
    echo "=== $group"
    start=$(date +%s)
    run_group "$group"
    status=$?
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
        # A test process that stops making progress with every task suspended has been seen (rarely) on these
        # machines; it is reported, and the group runs once more. A second hang fails the run.
        echo "--- $group did not finish within $LIMIT s; the end of its output:"
        tail -30 "$log"
        echo "--- $group hung: running it once more"
        clean_up
        run_group "$group"
        status=$?
    fi
    sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E "✘|recorded an issue|Test run with" | tail -40
    count=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -oE "Test run with [0-9]+ test" | grep -oE "[0-9]+" | tail -1)
    count=${count:-0}
    # Tests skipped for a tool this machine lacks (or that only run on request) are counted, with their reason.
    group_skips=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E "^. Test .* skipped" | sed -E 's/^. Test (.*) skipped(: )?/\1: /')
    group_skipped=$(printf '%s' "$group_skips" | grep -c . || true)
    [ -n "$group_skips" ] && skips="$skips$group_skips"$'\n'
    skipped=$((skipped + group_skipped))
    echo "--- $group: $count tests ($group_skipped skipped), exit $status, $(($(date +%s) - start)) s"
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
        echo "--- $group did not finish within $LIMIT s twice; the end of its output:"
        tail -30 "$log"
    fi
    if [ "$status" -ne 0 ] || [ "$count" -eq 0 ]; then
        failed_groups=$((failed_groups + 1))
        if [ "$count" -eq 0 ]; then
            # No summary line: the test process ended early (a crash); its last words say why.
            echo "--- $group ran no test (exit $status); the end of its output:"
            tail -40 "$log"
        fi
    fi
    total=$((total + count))
done
rm -f "$log"

# What the tests left behind: processes working under the run's directory, mounts below it, new cgroups.
leaks=0
processes=$(pgrep -f -- "$root" || true)
if [ -n "$processes" ]; then
    echo "--- left behind: processes"
    ps -o pid,args -p $(echo $processes | tr ' ' ',') | cut -c1-160
    leaks=1
fi
mounts=$(awk -v root="$root" 'index($5, root) == 1 {print $5}' /proc/self/mountinfo | sort -r)
if [ -n "$mounts" ]; then
    echo "--- left behind: mounts"
    echo "$mounts"
    leaks=1
fi
cgroups_after=$(ls -d /sys/fs/cgroup/*/podlink/*/ 2>/dev/null | sort)
cgroups=$(comm -13 <(echo "$cgroups_before") <(echo "$cgroups_after") | grep . || true)
if [ -n "$cgroups" ]; then
    echo "--- left behind: cgroups"
    echo "$cgroups"
    leaks=1
fi
left_namespaces=$(comm -13 <(echo "$namespaces_before") <(namespaces) | grep . || true)
if [ -n "$left_namespaces" ]; then
    echo "--- left behind: network namespaces"
    echo "$left_namespaces"
    leaks=1
fi
left_links=$(test_links)
if [ -n "$left_links" ]; then
    echo "--- left behind: network interfaces"
    echo "$left_links"
    leaks=1
fi
# Clean up whatever was left, so that one failed run does not spoil the next.
clean_up
rm -rf "$root"

echo
if [ "$skipped" -gt 0 ]; then
    echo "skipped:"
    printf '%s' "$skips" | sed 's/^/  /'
fi
if [ "$failed_groups" -eq 0 ] && [ "$leaks" -eq 0 ]; then
    echo "$((total - skipped)) passed, $skipped skipped, 0 failed, nothing left behind"
else
    [ "$leaks" -ne 0 ] && echo "the tests left processes, mounts, cgroups or network devices behind"
    echo "test groups failed: $failed_groups of ${#groups[@]} ($total tests ran)"
    exit 1
fi
