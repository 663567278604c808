#!/bin/sh
# ethernet_arp.sh: the link layer (netif, etif, arp) of tests/net/uk_arp on a tap in a network
# namespace, against the Linux kernel on the other side (arping, tcpdump, ip neigh, raw frames):
# ARP's default (no probes, as MirageOS: gratuitous ARP at once), then with --arp-probe=true the
# RFC 5227 probes and a conflict the kernel's answer reveals. On unix, and on spt and hvt when
# they are built.
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
. "$ROOT/tests/net/lib/netns.sh"
nn_init ethernet_arp
nn_need arping tcpdump cc

if ! command -v mirage >/dev/null 2>&1; then
    echo "not ok - ethernet_arp: no mirage on PATH (run through tests/run.sh after make)"
    exit 1
fi
TMP=$(mktemp -d)
nn_at_exit "rm -rf '$TMP'"
chmod 755 "$TMP"
cc -O2 -o "$TMP/rawsend" tests/net/lib/rawsend.c || {
    echo "not ok - ethernet_arp: cannot build tests/net/lib/rawsend.c"
    exit 1
}

MAC=02:00:00:00:00:02
T=unix
ok() { echo "ok - ethernet_arp/$T: $1"; }
fail() {
    echo "not ok - ethernet_arp/$T: $1: $2"
    for f in ${3:-}; do
        [ -f "$f" ] && tail -n 15 "$f" | sed "s|^|    $(basename "$f") |"
    done
}
has() { grep -q -E -- "$2" "$1"; }
count() { grep -c -E -- "$2" "$1"; }

# build T: tests/net/uk_arp for target T in $TMP/T; 0 or 1 (log in $TMP/T.build).
build() {
    rm -rf "${TMP:?}/$1"
    cp -r tests/net/uk_arp "$TMP/$1"
    (cd "$TMP/$1" && mirage configure -t "$1" && make) >"$TMP/$1.build" 2>&1
}

# start LOG ARGS...: the unikernel of target $T in a fresh namespace ($NN_NS) whose kernel
# records the link with tcpdump ($TMP/$T.$N.tcpdump); its pid in UK.
N=0
start() {
    log=$1
    shift
    N=$((N + 1))
    nn_setup
    # The kernel learns from gratuitous ARP (arp_accept), so ip neigh shows the announcement.
    nn_exec "$NN_NS" sysctl -q -w "net.ipv4.conf.$NN_TAP.arp_accept=1"
    TD_LOG=$TMP/$T.$N.tcpdump
    nn_bg "$NN_NS" "$TD_LOG" tcpdump -n -e -l -i "$NN_TAP" arp
    TD=$NN_PID
    nn_wait_line "$TD_LOG" "listening on" 5 "$TD" || true
    case $T in
    unix) nn_bg "$NN_NS" "$log" "$TMP/unix/dist/uk_arp" --mac=$MAC "$@" ;;
    *) nn_bg "$NN_NS" "$log" "mirage-$T" --net:service="$NN_TAP" --net-mac:service=$MAC \
        "$TMP/$T/dist/uk_arp.$T" "$@" ;;
    esac
    UK=$NN_PID
}
# stop: the unikernel and tcpdump (whose output is then complete).
stop() {
    nn_stop "$UK"
    nn_stop "$TD"
}
# The value of counter NAME in the last stats line of LOG.
stat() { grep 'stats:' "$1" | tail -n 1 | sed -n "s/.* $2 \([0-9]*\).*/\1/p"; }

run_target() {
    # ---- announce, resolve, answer, filter ------------------------------------
    L=$TMP/$T.main.log
    start "$L" --query=10.0.0.1
    if ! nn_wait_line "$L" 'query 10.0.0.1 again' 10 "$UK"; then
        fail "starts, resolves the kernel's address" "no answer in 10 s" "$L"
        stop
        return
    fi
    kmac=$(nn_exec "$NN_NS" cat "/sys/class/net/$NN_TAP/address")
    if has "$L" "query 10.0.0.1: $kmac in" && has "$L" "again: cached, 0 request\(s\) sent"; then
        ok "resolves the kernel's address ($kmac), then answers from its cache"
    else
        fail "resolves the kernel's address" "expected $kmac" "$L"
    fi

    # By default no probe: gratuitous ARP at once, two announcements 2 s apart; the kernel
    # learnt the MAC from them.
    sleep 2.3
    ann=$(count "$TD_LOG" "^.* $MAC > ff:ff:ff:ff:ff:ff, .*Request who-has 10.0.0.2 tell 10.0.0.2")
    probes=$(count "$TD_LOG" "Request who-has 10.0.0.2 tell 0.0.0.0")
    neigh=$(nn_exec "$NN_NS" ip neigh show 10.0.0.2 dev "$NN_TAP")
    if [ "$ann" -eq 2 ] && [ "$probes" -eq 0 ] && echo "$neigh" | grep -q "lladdr $MAC"; then
        ok "by default no probe: announces 10.0.0.2 with two gratuitous ARPs; the kernel learns $MAC"
    else
        fail "gratuitous ARP" "$ann announcements, $probes probes, ip neigh: '$neigh'" "$TD_LOG"
    fi

    out=$(nn_exec "$NN_NS" arping -c 3 -w 5 -I "$NN_TAP" 10.0.0.2 2>&1)
    if echo "$out" | grep -q "Received 3 response" &&
        [ "$(echo "$out" | grep -c "reply from 10.0.0.2 \[$(echo $MAC | tr a-f A-F)\]")" -eq 3 ]; then
        ok "answers arping: 3 requests, 3 replies from $MAC"
    else
        fail "answers arping" "$(echo "$out" | tail -n 2 | tr '\n' ' ')" "$L"
    fi

    out=$(nn_exec "$NN_NS" arping -c 2 -w 2 -I "$NN_TAP" 10.0.0.3 2>&1)
    if echo "$out" | grep -q "Received 0 response"; then
        ok "stays silent for an address it does not have"
    else
        fail "silent for other addresses" "$(echo "$out" | tail -n 1)" "$L"
    fi

    # Frames the link layer must drop, each counted, and a malformed ARP packet:
    # an ARP request for 10.0.0.2 sent to another host's MAC, the same with an 802.1Q
    # tag, an unknown EtherType, and ARP with hardware type 6.
    replies=$(stat "$L" sent-replies)
    nn_exec "$NN_NS" "$TMP/rawsend" "$NN_TAP" \
        "02000000000902000000000108060001080006040001020000000001 0a000001 000000000000 0a000002" \
        "ffffffffffff0200000000018100000108060001080006040001020000000001 0a000001 000000000000 0a000002" \
        "ffffffffffff02000000000188b5 0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223242526272829" \
        "ffffffffffff02000000000108060006080006040001020000000001 0a000001 000000000000 0a000002" \
        >"$TMP/rawsend.log" 2>&1
    sleep 1.3
    no=$(stat "$L" not-ours)
    vl=$(stat "$L" vlan)
    un=$(stat "$L" unknown)
    mf=$(stat "$L" malformed)
    r2=$(stat "$L" sent-replies)
    if grep -q "sent 4" "$TMP/rawsend.log" && [ "${no:-0}" -ge 1 ] && [ "${vl:-0}" -ge 1 ] &&
        [ "${un:-0}" -ge 1 ] && [ "${mf:-0}" -ge 1 ] && [ "$r2" = "$replies" ]; then
        ok "drops and counts frames for other MACs, VLAN-tagged, of unknown type, malformed ARP"
    else
        fail "drops foreign frames" \
            "not-ours=$no vlan=$vl unknown=$un malformed=$mf replies $replies -> $r2" "$L $TMP/rawsend.log"
    fi
    out=$(nn_exec "$NN_NS" arping -c 1 -w 3 -I "$NN_TAP" 10.0.0.2 2>&1)
    if echo "$out" | grep -q "Received 1 response"; then
        ok "still answers after them"
    else
        fail "still answers after them" "$(echo "$out" | tail -n 1)" "$L"
    fi
    stop

    # ---- RFC 5227 probing, and a query nobody answers ------------------------
    L=$TMP/$T.probe.log
    start "$L" --arp-probe=true --query=10.0.0.99
    if ! nn_wait_line "$L" 'query 10.0.0.99' 20 "$UK"; then
        fail "probes, then queries" "no result in 20 s" "$L $TD_LOG"
        stop
        return
    fi
    stop
    probes=$(count "$TD_LOG" "$MAC > ff:ff:ff:ff:ff:ff, .*Request who-has 10.0.0.2 tell 0.0.0.0,")
    first_ann=$(grep -n "Request who-has 10.0.0.2 tell 10.0.0.2" "$TD_LOG" | head -n 1 | cut -d: -f1)
    last_probe=$(grep -n "Request who-has 10.0.0.2 tell 0.0.0.0" "$TD_LOG" | tail -n 1 | cut -d: -f1)
    if [ "$probes" -eq 3 ] && [ -n "$first_ann" ] && [ "$first_ann" -gt "${last_probe:-0}" ]; then
        ok "probes 10.0.0.2 three times (sender 0.0.0.0) before announcing it"
    else
        fail "RFC 5227 probes" "$probes probes, first announcement at line ${first_ann:-none}" "$TD_LOG"
    fi
    ms=$(sed -n 's/.*query 10.0.0.99: timed out after \([0-9]*\) ms.*/\1/p' "$L")
    reqs=$(count "$TD_LOG" "Request who-has 10.0.0.99 tell 10.0.0.2")
    if [ -n "$ms" ] && [ "$ms" -ge 2900 ] && [ "$ms" -le 4500 ] && [ "$reqs" -eq 3 ]; then
        ok "an unanswered query fails after 3 requests 1 s apart (${ms} ms)"
    else
        fail "unanswered query" "after '${ms}' ms, $reqs requests" "$L $TD_LOG"
    fi

    # ---- a probe the kernel answers: a conflict ------------------------------
    L=$TMP/$T.conflict.log
    start "$L" --arp-probe=true --ipv4=10.0.0.1
    if nn_wait_line "$L" 'ready: 10.0.0.1' 15 "$UK" && has "$L" "conflict on 10.0.0.1" &&
        has "$L" "address conflict: 10.0.0.1 is claimed by"; then
        sleep 0.5
        stop
        if has "$TD_LOG" "$MAC > .*who-has 10.0.0.1 tell 10.0.0.1"; then
            fail "conflict while probing" "the address was announced anyway" "$TD_LOG"
        else
            ok "detects a conflict when the kernel answers its probe, and does not announce"
        fi
    else
        fail "conflict while probing" "no conflict reported" "$L $TD_LOG"
        stop
    fi
}

for T in unix spt hvt; do
    nn_target_ok "$T" || continue
    if ! build "$T"; then
        fail "configure and make" "failed" "$TMP/$T.build"
        continue
    fi
    ok "configure and make"
    run_target
done
