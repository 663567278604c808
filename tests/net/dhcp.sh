#!/bin/sh
# dhcp.sh: the DHCP client of the direct stack (examples/ping configured with --dhcp=true) against
# dnsmasq in a network namespace: it discovers, requests and binds a lease (and answers ping on
# the leased address), renews it at T1 (dnsmasq sends T1 = 4 s, T2 = 7 s) by unicast to the
# server, and without a server it gives up at connect after --dhcp-timeout with a clear error.
# With --arp-probe=true an address another host holds (the kernel takes the first address
# dnsmasq acknowledges, before the unikernel's probes end) is declined (DHCPDECLINE) and, 10 s
# later, discovery gets another lease. On unix, and on spt and hvt when they are built.
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
. "$ROOT/tests/net/lib/netns.sh"
nn_init dhcp
nn_need dnsmasq ping tcpdump

if ! command -v mirage >/dev/null 2>&1; then
    echo "not ok - dhcp: no mirage on PATH (run through tests/run.sh after make)"
    exit 1
fi
TMP=$(mktemp -d)
nn_at_exit "rm -rf '$TMP'"
chmod 755 "$TMP"

MAC=02:00:00:00:00:02
T=unix
ok() { echo "ok - dhcp/$T: $1"; }
fail() {
    echo "not ok - dhcp/$T: $1: $2"
    for f in ${3:-}; do
        [ -f "$f" ] && tail -n 15 "$f" | sed "s|^|    $(basename "$f") |"
    done
}

build() {
    rm -rf "${TMP:?}/$1"
    cp -r examples/ping "$TMP/$1"
    (cd "$TMP/$1" && mirage configure -t "$1" --dhcp=true && make) >"$TMP/$1.build" 2>&1
}

# uk LOG ARGS...: the unikernel of target $T in $NN_NS; pid in PID.
uk() {
    log=$1
    shift
    case $T in
    unix) nn_bg "$NN_NS" "$log" "$TMP/unix/dist/ping" --mac=$MAC "$@" ;;
    *) nn_bg "$NN_NS" "$log" "mirage-$T" --net:service="$NN_TAP" --net-mac:service=$MAC \
        "$TMP/$T/dist/ping.$T" "$@" ;;
    esac
    PID=$NN_PID
}

run_target() {
    # ---- a lease from dnsmasq, then a renewal -----------------------------------
    nn_setup
    D=$TMP/$T.dnsmasq.log
    # dnsmasq's shortest lease is 2 minutes; T1 and T2 are set short to see a renewal.
    nn_bg "$NN_NS" "$D" dnsmasq --no-daemon --conf-file=/dev/null --port=0 --user=root \
        --interface="$NN_TAP" --bind-interfaces --dhcp-authoritative --log-dhcp \
        --dhcp-range=10.0.0.50,10.0.0.60,255.255.255.0,2m --dhcp-leasefile="$TMP/$T.leases" \
        --dhcp-option=option:router,10.0.0.1 --dhcp-option=option:dns-server,10.0.0.1 \
        --dhcp-option=option:T1,4 --dhcp-option=option:T2,7
    DM=$NN_PID
    if ! nn_wait_line "$D" "DHCP, IP range" 5 "$DM"; then
        fail "dnsmasq starts" "no" "$D"
        return
    fi
    nn_bg "$NN_NS" "$TMP/$T.td" tcpdump -n -l -i "$NN_TAP" udp port 67
    TD=$NN_PID
    nn_wait_line "$TMP/$T.td" "listening on" 5 "$TD" || true
    L=$TMP/$T.log
    uk "$L"
    if ! nn_wait_line "$L" 'answering pings on 10\.0\.0\.' 20 "$PID"; then
        fail "a lease at connect" "none in 20 s" "$L $D"
        nn_stop "$PID"
        nn_stop "$DM"
        return
    fi
    ip=$(sed -n 's/.*answering pings on \(10\.0\.0\.[0-9]*\)\/24.*/\1/p' "$L" | head -n 1)
    if grep -q "lease $ip/24, router 10.0.0.1, from 10.0.0.1 for 120 s (renew at 4 s, rebind at 7 s)" "$L" &&
        grep -q "DHCPACK(.*) $ip $MAC" "$D"; then
        ok "discover, offer, request, ack: $ip/24 with router 10.0.0.1 for 120 s"
    else
        fail "the lease" "not as dnsmasq gave it" "$L $D"
    fi
    # The first ping counts: its reply is held until ARP finds the kernel's MAC (ipv4.h).
    if nn_exec "$NN_NS" ping -c 3 -i 0.2 -W 2 "$ip" >"$TMP/ping.out" 2>&1 && grep -q ' 0% packet loss' "$TMP/ping.out"; then
        ok "answers ping on the leased address"
    else
        fail "ping $ip" "lost" "$TMP/ping.out $L"
    fi
    # Renewal at T1: a REQUEST unicast to the server (dnsmasq logs it on the
    # interface as any other) and a second ACK; the address stays.
    if nn_wait_line "$L" "lease $ip/24.*" 1 && sleep 5 && [ "$(grep -c "lease $ip/24" "$L")" -ge 2 ] &&
        [ "$(grep -c "DHCPACK(.*) $ip $MAC" "$D")" -ge 2 ] &&
        grep -q "IP $ip.68 > 10.0.0.1.67" "$TMP/$T.td"; then
        ok "renews at T1 by unicast to the server and keeps $ip"
    else
        fail "renewal" "no unicast request and second ACK within T1 + 1 s" "$L $D $TMP/$T.td"
    fi
    if nn_exec "$NN_NS" ping -c 2 -i 0.2 -W 2 "$ip" >"$TMP/ping.out" 2>&1 && grep -q ' 0% packet loss' "$TMP/ping.out"; then
        ok "still answers ping after the renewal"
    else
        fail "ping after renewal" "lost" "$TMP/ping.out $L"
    fi
    nn_stop "$PID"
    nn_stop "$DM"
    nn_stop "$TD"

    run_decline

    # ---- no server: a clear failure within --dhcp-timeout ------------------------
    nn_setup
    L=$TMP/$T.noserver.log
    t0=$(date +%s)
    uk "$L" --dhcp-timeout=3
    nn_wait_line "$L" 'no DHCP lease' 15 "$PID"
    sleep 0.5
    nn_stop "$PID"
    el=$(($(date +%s) - t0))
    if grep -q 'no DHCP lease within 3 s' "$L" && [ "$NN_RC" -ne 0 ] && [ "$el" -le 10 ]; then
        ok "no server: fails after --dhcp-timeout=3 (exit $NN_RC, ${el} s)"
    else
        fail "no server" "exit $NN_RC after ${el} s" "$L"
    fi
}

# count LOG ERE: the lines of LOG matching ERE.
count() { grep -c -E -- "$2" "$1" 2>/dev/null || true; }

# ---- an address in use: declined, and another lease 10 s later ------------------
run_decline() {
    t_decl='' ip=''
    nn_setup
    D=$TMP/$T.decline.dnsmasq.log
    # Two addresses: the one declined, and the next.
    nn_bg "$NN_NS" "$D" dnsmasq --no-daemon --conf-file=/dev/null --port=0 --user=root \
        --interface="$NN_TAP" --bind-interfaces --dhcp-authoritative --log-dhcp \
        --dhcp-range=10.0.0.50,10.0.0.51,255.255.255.0,2m --dhcp-leasefile="$TMP/$T.decline.leases" \
        --dhcp-option=option:router,10.0.0.1
    DM=$NN_PID
    if ! nn_wait_line "$D" "DHCP, IP range" 5 "$DM"; then
        fail "decline: dnsmasq starts" "no" "$D"
        return
    fi
    TDL=$TMP/$T.decline.td
    nn_bg "$NN_NS" "$TDL" tcpdump -tt -v -n -l -i "$NN_TAP" udp port 67
    TD=$NN_PID
    nn_wait_line "$TDL" "listening on" 5 "$TD" || true
    L=$TMP/$T.decline.log
    uk "$L" --arp-probe=true --dhcp-timeout=60
    # The kernel takes the address as soon as dnsmasq has acknowledged it: the unikernel's
    # probes (the first within 1 s of the ACK, the last 2 s or more later) get its answer.
    if ! nn_wait_line "$D" "DHCPACK\(.*\) 10\.0\.0\.5[01] $MAC" 20 "$PID"; then
        fail "decline: a first lease" "no DHCPACK in 20 s" "$L $D"
        nn_stop "$PID"
        nn_stop "$DM"
        nn_stop "$TD"
        return
    fi
    first=$(sed -n "s/.*DHCPACK(.*) \(10\.0\.0\.5[01]\) $MAC.*/\1/p" "$D" | head -n 1)
    ip -n "$NN_NS" addr add "$first/32" dev "$NN_TAP"
    if nn_wait_line "$L" "$first is in use by another host: declining it" 15 "$PID" &&
        grep -q "address conflict: $first is claimed by" "$L" &&
        nn_wait_line "$D" "DHCPDECLINE\(.*\) $first $MAC address in use" 5 "$DM"; then
        ok "the kernel holds $first: ARP's probe hears it, DHCPDECLINE to dnsmasq"
    else
        fail "decline $first" "no conflict, or no DHCPDECLINE" "$L $D"
        nn_stop "$PID"
        nn_stop "$DM"
        nn_stop "$TD"
        return
    fi
    if nn_wait_line "$L" 'answering pings on 10\.0\.0\.' 40 "$PID"; then
        ip=$(sed -n 's/.*answering pings on \(10\.0\.0\.[0-9]*\)\/24.*/\1/p' "$L" | head -n 1)
    fi
    if [ -n "${ip:-}" ] && [ "$ip" != "$first" ] && grep -q "DHCPACK(.*) $ip $MAC" "$D" &&
        [ "$(count "$L" 'answering pings on')" -eq 1 ] &&
        nn_exec "$NN_NS" ping -c 3 -i 0.2 -W 2 "$ip" >"$TMP/ping.out" 2>&1 &&
        grep -q ' 0% packet loss' "$TMP/ping.out"; then
        ok "another lease, $ip, probed and used: answers ping"
    else
        fail "a second lease" "got '${ip:-none}' (declined $first)" "$L $D $TMP/ping.out"
    fi
    nn_stop "$PID"
    nn_stop "$DM"
    nn_stop "$TD"
    # The decline from 0.0.0.0 to everyone, naming the address and server (RFC 2131 table 5,
    # 4.4.4); the next DISCOVER ten seconds later (3.1 (5)).
    gap=$(awk '/^[0-9]+\.[0-9]+ IP/ { t = $1 }
        /0\.0\.0\.0\.68 > 255\.255\.255\.255\.67/ { bc = 1 }
        /DHCP-Message.*: Decline/ { d = t; dbc = bc }
        /Requested-IP .*: / { if (d == t && d != "") req = $NF }
        /DHCP-Message.*: Discover/ { if (d != "") { printf "%d %s %d", (t - d) * 1000, req, dbc; exit } }
        /^[0-9]+\.[0-9]+ IP/ { bc = 0 }' "$TDL")
    set -- $gap
    if [ $# -eq 3 ] && [ "$2" = "$first" ] && [ "$3" -eq 1 ] && [ "$1" -ge 9900 ] && [ "$1" -le 12000 ]; then
        ok "DHCPDECLINE of $first broadcast from 0.0.0.0; discovers again $1 ms later"
    else
        fail "the decline on the wire" "'$gap' (ms, requested address, broadcast)" "$TDL"
    fi
}

for T in unix spt hvt; do
    nn_target_ok "$T" || continue
    if ! build "$T"; then
        fail "configure and make" "failed" "$TMP/$T.build"
        continue
    fi
    ok "configure and make (--dhcp=true)"
    run_target
done
