#!/bin/sh
# ip_udp.sh: IPv4, ICMP and UDP of the direct stack on a tap in a network namespace, against the
# Linux kernel on the other side: examples/ping answers ping (and ping -f -c 100000 with no loss,
# and 4000- and 65000-byte pings that cross the wire in fragments); examples/udp_echo echoes nc -u
# (a datagram that is fragmented too); a port nobody listens on answers ICMP port unreachable
# (nc -vzu fails with connection refused); with --arp-probe=true an address the kernel already
# holds is refused at start (ARP's probes run once the stack receives), for the generic stack
# and for one assembled by hand (tests/net/ping_direct: direct_stackv4v6 over create_ipv4).
# Everything else runs with ARP's defaults (no probes). On unix, and on spt and hvt when built.
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
. "$ROOT/tests/net/lib/netns.sh"
nn_init ip_udp
nn_need ping nc tcpdump cmp

if ! command -v mirage >/dev/null 2>&1; then
    echo "not ok - ip_udp: no mirage on PATH (run through tests/run.sh after make)"
    exit 1
fi
TMP=$(mktemp -d)
nn_at_exit "rm -rf '$TMP'"
chmod 755 "$TMP"

MAC=02:00:00:00:00:02
UK=10.0.0.2
T=unix
ok() { echo "ok - ip_udp/$T: $1"; }
fail() {
    echo "not ok - ip_udp/$T: $1: $2"
    for f in ${3:-}; do
        [ -f "$f" ] && tail -n 15 "$f" | sed "s|^|    $(basename "$f") |"
    done
}

# build T EXAMPLE: examples/EXAMPLE for target T (our stack) in $TMP/T-EXAMPLE; ping_direct is
# examples/ping with tests/net/ping_direct/config.c.
build() {
    rm -rf "${TMP:?}/$1-$2"
    net=--net=direct
    if [ "$2" = ping_direct ]; then
        cp -r examples/ping "$TMP/$1-$2" && cp tests/net/ping_direct/config.c "$TMP/$1-$2/"
        net= # no choice of stack there
    else
        cp -r "examples/$2" "$TMP/$1-$2"
    fi
    (cd "$TMP/$1-$2" && mirage configure -t "$1" $net && make) >"$TMP/$1-$2.build" 2>&1
}

# start EXAMPLE LOG ARGS...: the example on target $T in a fresh namespace ($NN_NS); pid in PID.
start() {
    nn_setup
    launch "$@"
}
# launch EXAMPLE LOG ARGS...: the same in the namespace there is.
launch() {
    ex=$1 log=$2
    shift 2
    case $T in
    unix) nn_bg "$NN_NS" "$log" "$TMP/unix-$ex/dist/$(dist_name $ex)" --mac=$MAC --ipv4=$UK/24 "$@" ;;
    *) nn_bg "$NN_NS" "$log" "mirage-$T" --net:service="$NN_TAP" --net-mac:service=$MAC \
        "$TMP/$T-$ex/dist/$(dist_name $ex).$T" --ipv4=$UK/24 "$@" ;;
    esac
    PID=$NN_PID
}

# dist_name EXAMPLE: the unikernel's name (ping_direct registers as ping).
dist_name() { if [ "$1" = ping_direct ]; then echo ping; else echo "$1"; fi; }

# ping_ok ARGS...: ping from the kernel's side; 0 if nothing was lost (output in $TMP/ping.out).
ping_ok() {
    nn_exec "$NN_NS" ping "$@" $UK >"$TMP/ping.out" 2>&1 &&
        grep -q ' 0% packet loss' "$TMP/ping.out"
}

run_ping() {
    L=$TMP/$T.ping.log
    start ping "$L" --stats=1
    if ! nn_wait_line "$L" 'answering pings on 10.0.0.2/24' 10 "$PID"; then
        fail "ping starts" "no 'answering pings' in 10 s" "$L"
        nn_stop "$PID"
        return
    fi
    if ping_ok -c 5 -i 0.2 -W 2; then ok "ping -c 5: 0% loss"; else fail "ping -c 5" "lost" "$TMP/ping.out $L"; fi
    # Every reply is an echo of its request: ping checks the data it gets back.
    if ping_ok -c 3 -i 0.2 -W 2 -s 4000 && grep -q '^4008 bytes from' "$TMP/ping.out"; then
        ok "ping -s 4000 (fragments both ways): 0% loss"
    else
        fail "ping -s 4000" "lost or short" "$TMP/ping.out $L"
    fi
    if ping_ok -c 2 -i 0.5 -W 3 -s 65000 && grep -q '^65008 bytes from' "$TMP/ping.out"; then
        ok "ping -s 65000 (45 fragments each way): 0% loss"
    else
        fail "ping -s 65000" "lost or short" "$TMP/ping.out $L"
    fi
    t0=$(date +%s%N)
    if ping_ok -f -q -c 100000 -W 2; then
        ms=$((($(date +%s%N) - t0) / 1000000))
        ok "ping -f -c 100000: 0% loss in $ms ms"
    else
        fail "ping -f -c 100000" "$(grep -E 'loss|rtt' "$TMP/ping.out" | tr '\n' ' ')" "$L"
    fi
    # The counters agree: every echo was answered, nothing was dropped.
    sleep 1.2
    st=$(grep 'stats:' "$L" | tail -n 1)
    echo=$(echo "$st" | sed -n 's/.* echo \([0-9]*\) .*/\1/p')
    if [ "${echo:-0}" -ge 100010 ] && echo "$st" | grep -q ' csum 0 .* notours 0 '; then
        ok "the stack counted $echo echo replies and no drop"
    else
        fail "counters" "unexpected: $st" "$L"
    fi
    nn_stop "$PID"
    conflict ping "generic stack"
}

# conflict EXAMPLE WHAT: with --arp-probe=true the stack hands its address to ARP once it
# receives: the probes hear the kernel holding it, and the unikernel stops with a clear error.
conflict() {
    L=$TMP/$T.$1.conflict.log
    case $T in
    unix) nn_bg "$NN_NS" "$L" "$TMP/unix-$1/dist/ping" --mac=$MAC --ipv4=10.0.0.1/24 --arp-probe=true ;;
    *) nn_bg "$NN_NS" "$L" "mirage-$T" --net:service="$NN_TAP" --net-mac:service=$MAC \
        "$TMP/$T-$1/dist/ping.$T" --ipv4=10.0.0.1/24 --arp-probe=true ;;
    esac
    PID=$NN_PID
    nn_wait_line "$L" 'failed to connect' 15 "$PID"
    nn_stop "$PID"
    if grep -q 'address conflict: 10.0.0.1 is claimed by' "$L" && grep -q 'the IPv4 address: ' "$L" &&
        [ "$NN_RC" -ne 0 ]; then
        ok "$2, --arp-probe=true, an address the kernel holds: probed, refused (exit $NN_RC)"
    else
        fail "$2: address conflict" "exit $NN_RC" "$L"
    fi
}

# The hand-assembled stack: without probes it serves at once; with them it hears a conflict.
run_ping_direct() {
    L=$TMP/$T.ping_direct.log
    nn_setup
    nn_bg "$NN_NS" "$TMP/$T.td" tcpdump -n -l -i "$NN_TAP" arp
    TD=$NN_PID
    # The announcement goes out at start: tcpdump must be listening before (slow under load).
    nn_wait_line "$TMP/$T.td" "listening on" 30 "$TD" || fail "ARP's default" "tcpdump did not start" "$TMP/$T.td"
    launch ping_direct "$L"
    if nn_wait_line "$L" 'answering pings on 10.0.0.2/24' 10 "$PID" && ping_ok -c 3 -i 0.2 -W 2; then
        ok "direct_stackv4v6 over create_ipv4: answers ping"
    else
        fail "direct_stackv4v6 over create_ipv4" "no ping" "$TMP/ping.out $L"
    fi
    nn_stop "$PID"
    nn_stop "$TD"
    if grep -q "who-has 10.0.0.2 tell 10.0.0.2" "$TMP/$T.td" && ! grep -q "tell 0.0.0.0" "$TMP/$T.td"; then
        ok "ARP's default: a gratuitous ARP for 10.0.0.2, no probe"
    else
        fail "ARP's default" "expected an announcement and no probe" "$TMP/$T.td"
    fi
    conflict ping_direct "direct_stackv4v6 over create_ipv4"
}

run_udp() {
    L=$TMP/$T.udp.log
    start udp_echo "$L"
    if ! nn_wait_line "$L" 'echoing on udp port 7' 10 "$PID"; then
        fail "udp_echo starts" "no 'echoing on udp port 7' in 10 s" "$L"
        nn_stop "$PID"
        return
    fi
    nn_bg "$NN_NS" "$TMP/$T.td" tcpdump -n -l -i "$NN_TAP" udp or icmp
    TD=$NN_PID
    nn_wait_line "$TMP/$T.td" "listening on" 5 "$TD" || true
    echo "hello, unikernel" >"$TMP/hello"
    if nn_exec "$NN_NS" nc -u -w 1 $UK 7 <"$TMP/hello" >"$TMP/hello.out" 2>&1 &&
        cmp -s "$TMP/hello" "$TMP/hello.out"; then
        ok "nc -u echo"
    else
        fail "nc -u echo" "got '$(cat "$TMP/hello.out")'" "$L"
    fi
    # One datagram of 3000 bytes: fragmented by the kernel, reassembled, echoed in fragments.
    head -c 3000 /dev/urandom >"$TMP/big"
    if nn_exec "$NN_NS" nc -u -w 1 $UK 7 <"$TMP/big" >"$TMP/big.out" 2>&1 &&
        cmp -s "$TMP/big" "$TMP/big.out"; then
        ok "nc -u echo of a 3000-byte datagram"
    else
        fail "nc -u 3000 bytes" "$(wc -c <"$TMP/big.out") bytes back" "$L"
    fi
    # nc -vzu probes with datagrams and reports a port as open unless the
    # kernel got ICMP port unreachable (without -v, Debian's nc sends nothing).
    if nn_exec "$NN_NS" nc -vzu -w 2 $UK 7 >"$TMP/open" 2>&1 && grep -q succeeded "$TMP/open"; then
        ok "nc -vzu: port 7 open"
    else
        fail "nc -vzu port 7" "reported closed" "$L $TMP/open"
    fi
    if nn_exec "$NN_NS" nc -vzu -w 2 $UK 9999 >"$TMP/refused" 2>&1; then
        fail "nc -zu port 9999" "reported open: no port unreachable" "$L $TMP/$T.td"
    else
        sleep 0.3
        if grep -q "udp port 9999 unreachable" "$TMP/$T.td"; then
            ok "port unreachable: nc -vzu to port 9999 refused"
        else
            fail "port unreachable" "nc failed but no ICMP was seen" "$TMP/$T.td"
        fi
    fi
    nn_stop "$TD"
    nn_stop "$PID"
}

for T in unix spt hvt; do
    nn_target_ok "$T" || continue
    built=1
    for ex in ping udp_echo ping_direct; do
        if ! build "$T" "$ex"; then
            fail "configure and make $ex" "failed" "$TMP/$T-$ex.build"
            built=0
        fi
    done
    [ "$built" -eq 1 ] || continue
    ok "configure and make ping, udp_echo and ping_direct"
    run_ping
    run_udp
    run_ping_direct
done
