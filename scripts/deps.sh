#!/bin/sh
# deps.sh: installs the Debian packages the build, the tests and the benchmarks
# need. As root it runs apt-get for what is missing; otherwise it prints the
# exact command and fails. Quiet and quick when everything is there.
set -eu

# What each is for:
#   gcc make libc6-dev    the host compiler for the tool, config.c and the unix target
#   zlib1g-dev            the freestanding libc is checked against Debian's static libz.a
#   libbearssl-dev        the rng device's DRBG (HMAC-DRBG over BearSSL's SHA-256)
#   graphviz              tests render `mirage describe --dot`
#   clang libfuzzer-14-dev  the libFuzzer harnesses of tests/fuzz
#   hyperfine             bench/: whole-command timing against a peer
#   binutils              size and strip, for exact image sizes
#   tar dosfstools mtools the archive and fat_ro stores are tested on images made by GNU tar,
#                         mkfs.vfat + fsck.vfat (dosfstools) and mcopy + mdir (mtools)
#   netcat-openbsd iproute2  tests/net/: nc as the kernel-side TCP/UDP peer, ss and ip
#   iputils-arping tcpdump   tests/net/ethernet_arp.sh: ARP requests from the kernel's side,
#                         and a record of what crossed the tap
#   time                  tests/e2e/kv.sh: the compiler's peak memory on a crunched 100 MiB folder
#   iputils-ping dnsmasq-base tests/net/ip_udp.sh pings the unikernel (ping -f, ping -s 4000);
#                         tests/net/dhcp.sh runs dnsmasq as the DHCP server in a namespace
PKGS="gcc make libc6-dev libbearssl-dev zlib1g-dev graphviz clang libfuzzer-14-dev hyperfine binutils tar dosfstools mtools netcat-openbsd iproute2 iputils-arping tcpdump time iputils-ping dnsmasq-base"

missing=""
for p in $PKGS; do
    st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$st" = "installed" ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing Debian packages:$missing" >&2
    echo "deps: install them with: sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || apt-get update
# shellcheck disable=SC2086
apt-get install -y -qq $missing >/dev/null || apt-get install -y $missing
