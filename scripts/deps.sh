#!/bin/sh
# deps.sh: installs the Debian packages the build, the tests and the benchmarks
# need. As root it runs apt-get for what is missing; otherwise it prints the
# exact command, and fails if the build itself lacks something. Quiet and
# quick when everything is there.
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
#   curl wrk python3      tests/http/: curl for each feature, wrk for load, python3 for hostile
#                         and pipelining clients and a thousand keep-alive connections
#   nginx                 bench/http.sh: nginx (one worker) is the HTTP peer of the static website;
#                         tests/http/client.sh: a real server for http-fetch (with python3's http.server)
#   chromium fonts-dejavu-core  tests/http/browser.sh: headless Chromium loads the static website
#                         and saves a screenshot (the font so that its text is drawn)
PKGS="gcc make libc6-dev libbearssl-dev zlib1g-dev graphviz clang libfuzzer-14-dev hyperfine binutils tar dosfstools mtools netcat-openbsd iproute2 iputils-arping tcpdump time iputils-ping dnsmasq-base curl wrk python3 nginx chromium fonts-dejavu-core"
# What `make` and `make run` cannot do without (the first of PKGS).
BUILD_PKGS="gcc make libc6-dev libbearssl-dev zlib1g-dev"

missing=""
for p in $PKGS; do
    st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$st" = "installed" ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing Debian packages:$missing" >&2
    echo "deps: install them with: sudo apt-get install -y$missing" >&2
    # Without root, only what building and running needs is a must (make,
    # make run); the tests and benchmarks skip what they lack, and say so.
    for p in $missing; do
        case " $BUILD_PKGS " in *" $p "*) exit 1 ;; esac
    done
    echo "deps: going on without them: only tests and benchmarks need them" >&2
    exit 0
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || apt-get update
# shellcheck disable=SC2086
apt-get install -y -qq $missing >/dev/null || apt-get install -y $missing
