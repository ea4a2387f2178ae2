#!/usr/bin/env bash
# Installs what Podlink needs to build, run and test on Debian 12, skipping what is already there.
set -euo pipefail

APT_PACKAGES=(
    # building
    libsqlite3-dev libsystemd-dev libarchive-dev pkg-config
    # the container runtime, and containers-common's default seccomp profile (/usr/share/containers/seccomp.json)
    runc conmon busybox-static golang-github-containers-common
    # varlink peers and socket activation for tests
    python3-pip varlink-go golang-go golang-github-varlink-go-dev systemd
    # image conversion and registries: skopeo is also the engine's registry transport; a local registry for tests
    # (docker-registry) with htpasswd (apache2-utils) for its password auth
    skopeo umoci docker-registry apache2-utils
    # a real terminal for the interactive tests
    tmux
    # networks: netavark (bridge, firewall rules, published ports) and aardvark-dns (names), as Podman 4 uses them
    netavark aardvark-dns iptables iproute2
    # a peer the benchmarks measure against
    podman
)
PIP_PACKAGES=("varlink==31.0.0")

missing=()
for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! python3 -c 'import varlink' 2>/dev/null; then
    echo "installing: ${PIP_PACKAGES[*]}"
    python3 -m pip install --quiet --disable-pip-version-check "${PIP_PACKAGES[@]}" ||
        python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "${PIP_PACKAGES[@]}"
fi

# CRIU for checkpoint/restore: bookworm's 3.17 fails on this kernel, so a trixie build beside the system
"$(dirname "$0")/install-criu.sh"
