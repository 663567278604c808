#!/bin/sh
# tcp.sh: our TCP (the direct stack: tests/net/tcpkit with --net=direct) against the Linux kernel's
# on a tap in a namespace: echo, 100 MiB both ways checked by SHA-256, a thousand connections at once,
# ten thousand in a row, a SYN flood while clients are still served, and 100 MiB over a wire that
# loses, reorders, duplicates and corrupts 5% of frames each way (tc netem where the kernel has it,
# else tests/net/lib/impair.c between the tap and the kernel); then echo and connections on spt and
# hvt under their tenders.
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
. "$ROOT/tests/net/lib/netns.sh"
nn_init tcp
nn_need nc mirage sha256sum cc timeout
TMP=$(mktemp -d)
nn_at_exit "rm -rf '$TMP'"

ok() { echo "ok - tcp/$1"; }
skip() { echo "skip - tcp/$1: $2"; }
fail() {
    echo "not ok - tcp/$1: $2"
    for f in ${3:-}; do
        [ -f "$f" ] && tail -n 15 "$f" | sed 's/^/    | /'
    done
}

if [ ! -d "$ROOT/lib/tcp" ] || ! grep -q 'generic_stackv4v6' "$ROOT/include/mirage.h"; then
    nn_skip "no direct stack in this tree yet (generic_stackv4v6, lib/tcp)"
fi

# ---- build: tcpkit on the direct stack, and the kernel-side tools ----
K=$TMP/tcpkit
mkdir -p "$K"
cp "$ROOT/tests/net/tcpkit/unikernel.c" "$K/"
cp "$ROOT/tests/net/tcpkit/config.c" "$K/"
if ! (cd "$K" && mirage configure -t unix --net=direct && make) >"$TMP/build.log" 2>&1 ||
    [ ! -x "$K/dist/tcpkit" ]; then
    fail "tcpkit --net=direct: configure and make" "failed" "$TMP/build.log"
    exit 1
fi
for t in tcpload synflood impair; do
    if ! cc -O2 -Wall -Werror -o "$TMP/$t" "$ROOT/tests/net/lib/$t.c" 2>"$TMP/cc-$t.log"; then
        fail "cc tests/net/lib/$t.c" "failed" "$TMP/cc-$t.log"
        exit 1
    fi
done
ok "tcpkit --net=direct and the tools build"

# start_uk NS LOG [VAR=VALUE...]: tcpkit in NS on $NN_TAP (with the environment given), echo
# 7, sink 9, source 19, the kernel as its gateway (so that SYN-ACKs to spoofed addresses go
# somewhere); UK its pid.
start_uk() {
    _ns=$1
    _log=$2
    shift 2
    nn_bg "$_ns" "$_log" env "$@" "$K/dist/tcpkit" --interface="$NN_TAP" --ipv4="$NN_UK_IP/$NN_PREFIX" \
        --ipv4-gateway="$NN_KERNEL_IP" --arp-probe=false --echo-port=7 --sink-port=9 \
        --source-port=19 -l '*:info'
    UK=$NN_PID
    nn_wait_line "$_log" '\[tcpkit\] ready' 20 "$UK"
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

nn_setup
NS=$NN_NS
if ! start_uk "$NS" "$TMP/uk.log"; then
    fail "tcpkit starts on the tap" "no 'ready' line" "$TMP/uk.log"
    exit 1
fi
ok "tcpkit starts on the tap"

got=$(printf 'hello tcp\n' | nn_exec "$NS" timeout 10 nc -N "$NN_UK_IP" 7)
if [ "$got" = "hello tcp" ]; then ok "nc echo"; else fail "nc echo" "got '$got'" "$TMP/uk.log"; fi

# ---- 100 MiB both ways at once, through the echo ----
head -c 104857600 /dev/urandom >"$TMP/big"
want=$(sha256sum <"$TMP/big" | cut -d' ' -f1)
echo_big() { # NS IP LIMIT OUT: 100 MiB through the echo at IP from NS; MB/s both ways in RATE
    s=$(date +%s%N)
    nn_exec "$1" timeout "$3" nc -N "$2" 7 <"$TMP/big" >"$4"
    e=$(date +%s%N)
    RATE=$((104857600 * 2 / ((e - s) / 1000 + 1)))
    [ "$(sha256sum <"$4" | cut -d' ' -f1)" = "$want" ]
}
if echo_big "$NS" "$NN_UK_IP" 120 "$TMP/big.out"; then
    ok "100 MiB both ways, SHA-256 equal ($RATE MB/s counting both directions)"
else
    fail "100 MiB both ways, SHA-256 equal" "$(stat -c %s "$TMP/big.out") bytes back" "$TMP/uk.log"
fi
rm -f "$TMP/big.out"

# ---- the sink counts 100 MiB; the source sends 100 MiB ----
got=$(nn_exec "$NS" timeout 60 nc -N "$NN_UK_IP" 9 <"$TMP/big")
if [ "$got" = "104857600" ]; then ok "100 MiB into the sink, counted"; else
    fail "100 MiB into the sink, counted" "got '$got'" "$TMP/uk.log"; fi
n=$(printf '104857600\n' | nn_exec "$NS" timeout 60 nc "$NN_UK_IP" 19 | wc -c)
if [ "$n" = "104857600" ]; then ok "100 MiB out of the source"; else
    fail "100 MiB out of the source" "got $n bytes" "$TMP/uk.log"; fi

# ---- many connections ----
out=$(nn_exec "$NS" timeout 120 "$TMP/tcpload" conc "$NN_UK_IP" 7 1000 2>&1)
case $out in ok*) ok "1000 connections at once ($out)" ;;
*) fail "1000 connections at once" "$out" "$TMP/uk.log" ;; esac
out=$(nn_exec "$NS" timeout 300 "$TMP/tcpload" seq "$NN_UK_IP" 7 10000 2>&1)
case $out in ok*) ok "10000 connections one after the other ($out)" ;;
*) fail "10000 connections one after the other" "$out" "$TMP/uk.log" ;; esac

# ---- a SYN flood: clients are still served, memory stays bounded ----
rss0=$(rss_kib "$UK")
nn_bg "$NS" "$TMP/flood.log" "$TMP/synflood" "$NN_UK_IP" 7 12 40000 10.200
FLOOD=$NN_PID
sleep 2
served=0
for i in 1 2 3 4 5; do
    got=$(printf 'during the flood\n' | nn_exec "$NS" timeout 10 nc -N "$NN_UK_IP" 7)
    [ "$got" = "during the flood" ] && served=$((served + 1))
done
out=$(nn_exec "$NS" timeout 60 "$TMP/tcpload" seq "$NN_UK_IP" 7 200 2>&1)
wait "$FLOOD" 2>/dev/null
rss1=$(rss_kib "$UK")
sent=$(sed -n 's/^sent //p' "$TMP/flood.log")
case $out in ok*) seq_ok=1 ;; *) seq_ok=0 ;; esac
if [ "$served" -eq 5 ] && [ "$seq_ok" -eq 1 ] && [ "${sent:-0}" -gt 100000 ] &&
    grep -q 'port 7: SYN backlog full.*SYN cookies' "$TMP/uk.log"; then
    ok "SYN flood of $sent SYNs: SYN cookies on; 5 of 5 echoes and 200 connections served"
else
    fail "SYN flood: clients still served" "flood sent ${sent:-?}, echoes $served/5, seq: $out" \
        "$TMP/uk.log $TMP/flood.log"
fi
if [ "$rss1" -gt 0 ] && [ $((rss1 - rss0)) -lt 65536 ]; then
    ok "memory after the flood: $rss0 KiB -> $rss1 KiB"
else
    fail "memory after the flood" "$rss0 KiB -> $rss1 KiB"
fi
got=$(printf 'after\n' | nn_exec "$NS" timeout 10 nc -N "$NN_UK_IP" 7)
if [ "$got" = "after" ]; then ok "echo after the flood"; else
    fail "echo after the flood" "got '$got'" "$TMP/uk.log"; fi
nn_stop "$UK"

# ---- a bad wire: 5% loss, reordering, duplication and corruption ----
if nn_exec "$NS" tc qdisc add dev "$NN_TAP" root netem loss 5% delay 1ms reorder 5% \
    duplicate 5% corrupt 5% 2>"$TMP/netem.log"; then
    if start_uk "$NS" "$TMP/uk-netem.log" && echo_big "$NS" "$NN_UK_IP" 600 "$TMP/n.out"; then
        ok "tc netem (kernel to unikernel): 100 MiB both ways, SHA-256 equal"
    else
        fail "tc netem: 100 MiB both ways" "$(stat -c %s "$TMP/n.out" 2>/dev/null) bytes back" \
            "$TMP/uk-netem.log"
    fi
    rm -f "$TMP/n.out"
    nn_stop "$UK"
else
    skip "tc netem" "this kernel has no sch_netem ($(head -n 1 "$TMP/netem.log")); impair.c stands in"
fi

# The unikernel alone in one namespace on tap0; the kernel in another on tapk; impair between.
bad_wire() {
    nn_ns
    NSU=$NN_NS
    ip netns exec "$NSU" ip tuntap add dev "$NN_TAP" mode tap && ip -n "$NSU" link set "$NN_TAP" up
    nn_ns
    NSK=$NN_NS
    nn_tap "$NSK" tapk "$NN_KERNEL_IP/$NN_PREFIX"
    nn_bg "$NSU" "$TMP/impair.log" "$TMP/impair" "$NN_TAP" "$NSK" tapk 5 5 5 5 2000
    IMP=$NN_PID
    if ! nn_wait_line "$TMP/impair.log" ready 10 "$IMP"; then
        fail "impair.c between tap and kernel" "did not start" "$TMP/impair.log"
        return
    fi
    # No virtio-net header there: impair.c's packet socket would see large segments and partial
    # checksums; the unikernel's network device then cuts and sums them itself.
    if ! start_uk "$NSU" "$TMP/uk-bad.log" MIRAGE_NET_VNET=0; then
        fail "tcpkit behind the bad wire" "no 'ready' line" "$TMP/uk-bad.log"
        return
    fi
    # TCP is on trial here, not ARP: the kernel gives a neighbour three requests and then fails
    # the connect (EHOSTUNREACH), which this wire does to about 1 connect in 100 (seen). The
    # unikernel's address is known to the kernel beforehand; ours still resolves over the wire.
    mac=$(sed -n 's/.*\[netif\] .*MAC \([0-9a-f:]*\),.*/\1/p' "$TMP/uk-bad.log" | head -n 1)
    ip -n "$NSK" neigh replace "$NN_UK_IP" lladdr "$mac" dev tapk nud permanent
    if echo_big "$NSK" "$NN_UK_IP" 900 "$TMP/b.out"; then
        ok "5% loss, reordering, duplication, corruption each way: 100 MiB both ways, SHA-256 equal ($RATE MB/s)"
    else
        fail "bad wire: 100 MiB both ways" "$(stat -c %s "$TMP/b.out" 2>/dev/null) bytes back" \
            "$TMP/uk-bad.log"
    fi
    rm -f "$TMP/b.out"
    out=$(nn_exec "$NSK" timeout 300 "$TMP/tcpload" seq "$NN_UK_IP" 7 100 2>&1)
    case $out in ok*) ok "bad wire: 100 connections one after the other ($out)" ;;
    *) fail "bad wire: 100 connections one after the other" "$out" "$TMP/uk-bad.log" ;; esac
    nn_stop "$IMP"
    nn_stop "$UK"
}
bad_wire

# ---- the same TCP on the freestanding targets, under their tenders ----
for T in spt hvt; do
    nn_target_ok "$T" || continue
    KT=$TMP/tcpkit-$T
    mkdir -p "$KT"
    cp "$K/unikernel.c" "$K/config.c" "$KT/"
    if ! (cd "$KT" && mirage configure -t "$T" && make) >"$TMP/build-$T.log" 2>&1; then
        fail "$T: tcpkit configure and make" "failed" "$TMP/build-$T.log"
        continue
    fi
    nn_setup
    # A thousand connections at once are a thousand fibers of 64 KiB stacks: more than the
    # tenders' default 32 MiB (Solo5 gives 512 MiB by default).
    nn_bg "$NN_NS" "$TMP/uk-$T.log" "mirage-$T" --mem=256 --net:service="$NN_TAP" -- "$KT/dist/tcpkit.$T" \
        --ipv4="$NN_UK_IP/$NN_PREFIX" --arp-probe=false --echo-port=7 -l '*:info'
    UK=$NN_PID
    if ! nn_wait_line "$TMP/uk-$T.log" '\[tcpkit\] ready' 20 "$UK"; then
        fail "$T: tcpkit starts under mirage-$T" "no 'ready' line" "$TMP/uk-$T.log"
        continue
    fi
    if echo_big "$NN_NS" "$NN_UK_IP" 120 "$TMP/$T.out"; then
        ok "$T: 100 MiB both ways, SHA-256 equal ($RATE MB/s counting both directions)"
    else
        fail "$T: 100 MiB both ways" "$(stat -c %s "$TMP/$T.out") bytes back" "$TMP/uk-$T.log"
    fi
    rm -f "$TMP/$T.out"
    out=$(nn_exec "$NN_NS" timeout 120 "$TMP/tcpload" conc "$NN_UK_IP" 7 1000 2>&1)
    case $out in ok*) ok "$T: 1000 connections at once ($out)" ;;
    *) fail "$T: 1000 connections at once" "$out" "$TMP/uk-$T.log" ;; esac
    out=$(nn_exec "$NN_NS" timeout 300 "$TMP/tcpload" seq "$NN_UK_IP" 7 10000 2>&1)
    case $out in ok*) ok "$T: 10000 connections one after the other ($out)" ;;
    *) fail "$T: 10000 connections one after the other" "$out" "$TMP/uk-$T.log" ;; esac
    nn_stop "$UK"
done
exit 0
