#!/bin/sh
# ip_storm.sh: a storm of malformed frames (tests/net/lib/ipstorm.c: random and mutated, truncated
# headers, lengths and options that lie, bad checksums, tiny, overlapping and endless fragments,
# ICMP errors quoting garbage) sent from the kernel's side of the tap at examples/ping: it still
# answers ping afterwards, its counters show each kind of drop, and its memory stays flat from one
# storm to the next. On unix, and on spt and hvt when they are built.
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
. "$ROOT/tests/net/lib/netns.sh"
nn_init ip_storm
nn_need ping cc

if ! command -v mirage >/dev/null 2>&1; then
    echo "not ok - ip_storm: no mirage on PATH (run through tests/run.sh after make)"
    exit 1
fi
TMP=$(mktemp -d)
nn_at_exit "rm -rf '$TMP'"
chmod 755 "$TMP"
cc -O2 -o "$TMP/ipstorm" tests/net/lib/ipstorm.c || {
    echo "not ok - ip_storm: cannot build tests/net/lib/ipstorm.c"
    exit 1
}

MAC=02:00:00:00:00:02
UK=10.0.0.2
FRAMES=${STORM_FRAMES:-60000}
# Growth allowed between the end of one storm and the end of the next: the
# reassembly buffers alone may take 256 KiB, and malloc keeps what it frees.
FLAT_KIB=512
T=unix
ok() { echo "ok - ip_storm/$T: $1"; }
fail() {
    echo "not ok - ip_storm/$T: $1: $2"
    for f in ${3:-}; do
        [ -f "$f" ] && tail -n 15 "$f" | sed "s|^|    $(basename "$f") |"
    done
}

build() {
    rm -rf "${TMP:?}/$1"
    cp -r examples/ping "$TMP/$1"
    (cd "$TMP/$1" && mirage configure -t "$1" && make) >"$TMP/$1.build" 2>&1
}

rss_kib() { sed -n "s/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$1/status" 2>/dev/null; }
alive() { nn_exec "$NN_NS" ping -c 3 -i 0.2 -W 2 $UK >"$TMP/ping.out" 2>&1 && grep -q ' 0% packet loss' "$TMP/ping.out"; }
# The value of counter NAME in the last stats line of LOG.
stat() { grep 'stats:' "$1" | tail -n 1 | sed -n "s/.* $2 \([0-9]*\).*/\1/p"; }

run_target() {
    L=$TMP/$T.log
    nn_setup
    case $T in
    unix) nn_bg "$NN_NS" "$L" "$TMP/unix/dist/ping" --mac=$MAC --ipv4=$UK/24 --arp-probe=false --stats=1 ;;
    *) nn_bg "$NN_NS" "$L" "mirage-$T" --net:service="$NN_TAP" --net-mac:service=$MAC \
        "$TMP/$T/dist/ping.$T" --ipv4=$UK/24 --arp-probe=false --stats=1 ;;
    esac
    PID=$NN_PID
    if ! nn_wait_line "$L" 'answering pings' 10 "$PID" || ! alive; then
        fail "starts and answers ping" "no" "$L $TMP/ping.out"
        nn_stop "$PID"
        return
    fi
    # The kernel must reach the unikernel's MAC: it has, through ping's ARP.
    for seed in 1 2 3; do
        if ! nn_exec "$NN_NS" "$TMP/ipstorm" "$NN_TAP" $MAC 10.0.0.1 $UK "$FRAMES" $seed >"$TMP/storm.out" 2>&1; then
            fail "storm $seed" "the sender failed" "$TMP/storm.out"
            break
        fi
        sleep 1.5 # a stats line after the storm
        if ! kill -0 "$PID" 2>/dev/null; then
            fail "storm $seed" "the unikernel died" "$L"
            return
        fi
        if alive; then
            ok "storm $seed ($(cat "$TMP/storm.out") frames): still answers ping"
        else
            fail "storm $seed" "no answer to ping afterwards" "$L $TMP/ping.out"
        fi
        eval "rss$seed=\$(rss_kib $PID)"
    done
    # Memory: what the second storm left, the third did not grow (a leak of a
    # few bytes per bad frame would show as MiB here).
    if [ -n "${rss2:-}" ] && [ -n "${rss3:-}" ] && [ $((rss3 - rss2)) -le $FLAT_KIB ]; then
        ok "memory flat: RSS $rss1, $rss2, $rss3 KiB after storms 1, 2, 3"
    else
        fail "memory" "RSS ${rss1:-?}, ${rss2:-?}, ${rss3:-?} KiB after storms 1, 2, 3" "$L"
    fi
    # Every kind of damage reached the check meant for it.
    missing=""
    for c in csum truncated hlen options srcroute badfrag overlaps evicted icmp_csum; do
        v=$(stat "$L" "$c")
        [ "${v:-0}" -gt 0 ] || missing="$missing $c"
    done
    if [ -z "$missing" ]; then
        ok "drops counted by reason: $(grep 'stats:' "$L" | tail -n 1 | sed 's/.*stats: //')"
    else
        fail "drop counters" "nothing counted for:$missing" "$L"
    fi
    nn_stop "$PID"
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
