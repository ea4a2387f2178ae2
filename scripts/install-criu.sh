#!/usr/bin/env bash
# Installs CRIU from Debian trixie (4.1.1) next to the system, for checkpoint/restore (`runc --criu WRAPPER`).
# Why: bookworm's CRIU 3.17 cannot parse this kernel's split [vvar_vclock] vDSO mapping. Trixie's CRIU needs a newer
# glibc, so it runs through trixie's own loader with its own libraries first; nothing of the system is changed (apt
# works on a private state in a temporary directory, and the sources are the system's own with the suite renamed).
# Result: the tree in PREFIX/criu-4 and the wrapper PREFIX/criu (PREFIX: $PODLINK_CRIU_PREFIX or /usr/local/lib/podlink;
# the suite: $PODLINK_CRIU_SUITE or trixie).
set -euo pipefail

prefix=${PODLINK_CRIU_PREFIX:-/usr/local/lib/podlink}
tree=$prefix/criu-4
wrapper=$prefix/criu
# trixie's 4.1.1 cannot dump inet sockets on kernels >= 6.16 (SO_PASSCRED); forky (testing) has 4.2.1, which can
suite=${PODLINK_CRIU_SUITE:-trixie}

if grep -qs "from Debian $suite " "$wrapper" && "$wrapper" check >/dev/null 2>&1; then
    echo "criu: $wrapper already works ($("$wrapper" --version | sed -n 's/^Version: //p'))"
    exit 0
fi
[[ $(dpkg --print-architecture) == amd64 ]] || { echo "criu: only amd64 is supported" >&2; exit 1; }
. /etc/os-release # VERSION_CODENAME: the suite name to replace in the system's sources

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{lists/partial,archives/partial,parts,prefs,debs}
chmod 755 "$work" && chown _apt "$work/debs" 2>/dev/null || true # apt downloads as _apt
: >"$work/status"

# The system's own sources, only the entries of its release's suites (and -updates, -security...), renamed:
# no mirror is named here, and other vendors' repositories are left out.
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] || continue
    awk -v from="$VERSION_CODENAME" -v to="$suite" '$1 == "deb" {
        i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }   # skip [options], then the URI
        i++; if ($i == from || index($i, from "-") == 1) { $i = to substr($i, length(from) + 1); print } }' "$f"
done >"$work/parts/$suite.list"
for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    awk -v from="$VERSION_CODENAME" -v to="$suite" -v RS= '{
        n = split($0, line, "\n"); out = ""; keep = 0
        for (k = 1; k <= n; k++) {
            l = line[k]; if (l ~ /^#/) continue
            if (tolower(l) ~ /^enabled:[ \t]*no/) { keep = 0; break }
            if (tolower(l) ~ /^types:/) l = "Types: deb"
            if (tolower(l) ~ /^suites:/) {
                m = split(substr(l, 8), s, /[ \t]+/); l = "Suites:"
                for (j = 1; j <= m; j++) if (s[j] == from || index(s[j], from "-") == 1) { l = l " " to substr(s[j], length(from) + 1); keep = 1 }
            }
            out = out l "\n"
        }
        if (keep) print out }' "$f"
done >"$work/parts/$suite.sources"

apt=(-q -o Dir::State="$work" -o Dir::State::Lists="$work/lists" -o Dir::State::status="$work/status"
    -o Dir::Cache="$work" -o Dir::Cache::Archives="$work/archives" -o Dir::Etc::SourceList=/dev/null
    -o Dir::Etc::SourceParts="$work/parts" -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts="$work/prefs")
apt-get "${apt[@]}" update >/dev/null

# criu plus every package in its dependency closure that the system lacks at a fitting version (the loader falls back
# to the system's libraries for the rest): libc6, libcompel1, libgnutls30t64, libnftables1, libprotobuf-c1...
installed() { # name [op version]
    local v
    v=$(dpkg-query -W -f='${db:Status-Abbrev}${Version}' "$1" 2>/dev/null) && [[ $v == "ii "* ]] || return 1
    [[ -z ${2:-} ]] || dpkg --compare-versions "${v#ii }" "$2" "$3"
}
picked=() level=(criu) # breadth first: one apt-cache call a level (each one reads the whole index)
while ((${#level[@]})); do
    picked+=("${level[@]}") next=()
    while read -r group; do
        IFS='|' read -ra alts <<<"$group"
        first="" ok=""
        for alt in "${alts[@]}"; do
            read -r name op version <<<"$(sed 's/:any//; s/[()]//g' <<<"$alt")"
            first=${first:-$name}
            if installed "$name" $op $version; then ok=1; break; fi
        done
        [[ -n $ok || " ${picked[*]} ${next[*]} " == *" $first "* ]] || next+=("$first")
    done < <(apt-cache "${apt[@]}" show --no-all-versions "${level[@]}" | sed -n 's/^\(Pre-\)\?Depends: //p' |
        tr ',' '\n' | grep .)
    level=("${next[@]}")
done
(cd "$work/debs" && apt-get "${apt[@]}" download "${picked[@]}" >/dev/null)

mkdir -p "$prefix"
rm -rf "$tree.new"
for deb in "$work"/debs/*.deb; do dpkg -x "$deb" "$tree.new"; done
libs="$tree/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu"
# Library path as an argument of the loader, not LD_LIBRARY_PATH: the tools criu runs (ip, iptables) keep the system's.
cat >"$wrapper.new" <<EOF
#!/bin/sh
# CRIU from Debian $suite through its own loader (made by scripts/install-criu.sh)
exec "$tree/usr/lib64/ld-linux-x86-64.so.2" --argv0 criu --library-path "$libs" "$tree/usr/sbin/criu" "\$@"
EOF
chmod 755 "$wrapper.new"
rm -rf "$tree" && mv "$tree.new" "$tree" && mv "$wrapper.new" "$wrapper"

out=$("$wrapper" check 2>&1) || { echo "$out" >&2; echo "criu: $wrapper check failed" >&2; exit 1; }
echo "criu: installed $("$wrapper" --version | sed -n 's/^Version: //p') from $suite (${picked[*]}) as $wrapper"
