#!/bin/sh
# tcp.sh: TCP bulk throughput (both directions) and echo rate of the unikernel (tests/net/tcpkit)
# against the Linux kernel's own stack on the same path, in one run, interleaved, medians:
#  - socket stack: tcpkit over the host's sockets against bench/tcp_peer.c, a plain C epoll
#    server with the same services over the same sockets, both on loopback;
#  - direct stack: tcpkit (--net=direct) on a tap in a namespace against tcp_peer on a veth in
#    the same topology (the client in the first namespace either way). Needs root; rows are
#    skipped with the reason when the direct stack is not there or cannot run.
# The client is tests/net/lib/tcpload.c. Prints markdown rows: question | peer | ratio | detail.
# RUNS (default 5) runs of each; BULK_MIB (1024) MiB on loopback, BULK_MIB_TAP (256) on the tap.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-5}
TMP=$(mktemp -d)
PIDS=""
finish() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    [ -n "${NN_NAME:-}" ] && nn_cleanup
    rm -rf "$TMP"
}
trap finish EXIT
trap 'finish; exit 130' INT
trap 'finish; exit 143' TERM
ulimit -n 8192 2>/dev/null || true

cc -O2 -o "$TMP/tcpload" "$ROOT/tests/net/lib/tcpload.c" || exit 1
cc -O2 -o "$TMP/tcp_peer" "$ROOT/bench/tcp_peer.c" || exit 1

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }
# field NAME: the value of NAME= in tcpload's line on stdin.
field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }
wait_ready() { # LOG TEXT PID
    i=0
    while [ $i -lt 100 ]; do
        grep -q -F -- "$2" "$1" 2>/dev/null && return 0
        kill -0 "$3" 2>/dev/null || return 1
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# measure TAG RUN HOST_UK HOST_PEER MIB: RUNS interleaved runs of each measure against both,
# with RUN the command prefix the client runs under ("" or "ip netns exec NS").
# Results in $TMP/TAG.{uk,peer}.{send,recv,rr1,rr32}.
measure() {
    tag=$1 run=$2 uk=$3 peer=$4 mib=$5
    bytes=$((mib * 1048576))
    for i in $(seq "$RUNS"); do
        for who in uk peer; do
            if [ $who = uk ]; then h=$uk; else h=$peer; fi
            # shellcheck disable=SC2086
            $run "$TMP/tcpload" send "$h" "$SINK" $bytes | field gbit >>"$TMP/$tag.$who.send"
            # shellcheck disable=SC2086
            $run "$TMP/tcpload" recv "$h" "$SOURCE" $bytes | field gbit >>"$TMP/$tag.$who.recv"
            # shellcheck disable=SC2086
            $run "$TMP/tcpload" rr "$h" "$ECHO" 1 1 64 | field rate >>"$TMP/$tag.$who.rr1"
            # shellcheck disable=SC2086
            $run "$TMP/tcpload" rr "$h" "$ECHO" 32 1 64 | field rate >>"$TMP/$tag.$who.rr32"
        done
    done
}

# rows TAG WHERE PEER MIB: the table rows of one measure.
rows() {
    tag=$1 where=$2 peer=$3 mib=$4
    for m in send recv rr1 rr32; do
        u=$(median <"$TMP/$tag.uk.$m")
        p=$(median <"$TMP/$tag.peer.$m")
        case $m in
        send) q="TCP bulk into the unikernel ($where)"; d="median $u vs $p Gbit/s, $RUNS runs of $mib MiB" ;;
        recv) q="TCP bulk out of the unikernel ($where)"; d="median $u vs $p Gbit/s, $RUNS runs of $mib MiB" ;;
        rr1) q="TCP echo rate, 1 connection, 64 B ($where)"; d="median $u vs $p round trips/s, $RUNS runs of 1 s" ;;
        rr32) q="TCP echo rate, 32 connections, 64 B ($where)"; d="median $u vs $p round trips/s, $RUNS runs of 1 s" ;;
        esac
        echo "| $q | $peer | $(ratio "$u" "$p") | $d |"
    done
}

skip_rows() { # WHERE WHY
    for q in "TCP bulk into the unikernel" "TCP bulk out of the unikernel" \
        "TCP echo rate, 1 connection, 64 B" "TCP echo rate, 32 connections, 64 B"; do
        echo "| $q ($1) | Linux kernel stack, veth in the same namespace topology | skipped | $2 |"
    done
}

ECHO=17007 SINK=17009 SOURCE=17019

# ---- socket stack on loopback ---------------------------------------------------
K=$TMP/kit
cp -r "$ROOT/tests/net/tcpkit" "$K"
(cd "$K" && mirage configure -t unix >/dev/null && make -s >/dev/null) || exit 1
# The unikernel on the base ports, the peer on the next ones up; both dual-stack, every address.
"$K/dist/tcpkit" --echo-port=$ECHO --sink-port=$SINK --source-port=$SOURCE -l 'tcpkit:info' \
    >"$TMP/kit.log" 2>&1 </dev/null &
KPID=$!
PIDS="$PIDS $KPID"
wait_ready "$TMP/kit.log" "ready" "$KPID" || { cat "$TMP/kit.log" >&2; exit 1; }
"$TMP/tcp_peer" $((ECHO + 1)) $((SINK + 1)) $((SOURCE + 1)) >"$TMP/peer.log" 2>&1 &
PPID_=$!
PIDS="$PIDS $PPID_"
wait_ready "$TMP/peer.log" "ready" "$PPID_" || exit 1

# measure_ports TAG RUN HOST MIB: as measure, both on HOST: the unikernel on the base
# ports, the peer on the next ones up.
measure_ports() {
    tag=$1 run=$2 h=$3 mib=$4
    bytes=$((mib * 1048576))
    for i in $(seq "$RUNS"); do
        for who in uk peer; do
            o=0
            [ $who = peer ] && o=1
            # shellcheck disable=SC2086
            $run "$TMP/tcpload" send "$h" $((SINK + o)) $bytes | field gbit >>"$TMP/$tag.$who.send"
            # shellcheck disable=SC2086
            $run "$TMP/tcpload" recv "$h" $((SOURCE + o)) $bytes | field gbit >>"$TMP/$tag.$who.recv"
            # shellcheck disable=SC2086
            $run "$TMP/tcpload" rr "$h" $((ECHO + o)) 1 1 64 | field rate >>"$TMP/$tag.$who.rr1"
            # shellcheck disable=SC2086
            $run "$TMP/tcpload" rr "$h" $((ECHO + o)) 32 1 64 | field rate >>"$TMP/$tag.$who.rr32"
        done
    done
}
measure_ports sock "" 127.0.0.1 "${BULK_MIB:-1024}"
rows sock "socket stack, loopback" "bench/tcp_peer.c on the kernel's sockets, loopback" "${BULK_MIB:-1024}"
kill "$KPID" "$PPID_" 2>/dev/null

# ---- direct stack through a tap -------------------------------------------------
where="direct stack, tap in a namespace"
if [ ! -d "$ROOT/lib/tcp" ] || [ ! -d "$ROOT/lib/stack" ]; then
    skip_rows "$where" "no direct stack in this tree (lib/tcp, lib/stack)"
    exit 0
fi
D=$TMP/direct
cp -r "$ROOT/tests/net/tcpkit" "$D"
if ! (cd "$D" && mirage configure -f config_generic.c -t unix --net=direct && make -s) >"$TMP/direct.log" 2>&1; then
    skip_rows "$where" "tcpkit does not build with --net=direct: $(grep -m1 -E 'undefined reference|error:|mirage:' "$TMP/direct.log" | cut -c1-120)"
    exit 0
fi
# shellcheck source=../tests/net/lib/netns.sh
. "$ROOT/tests/net/lib/netns.sh"
NN_NAME=bench-tcp
[ "$(id -u)" -eq 0 ] && [ -c /dev/net/tun ] || { skip_rows "$where" "needs root and /dev/net/tun"; exit 0; }
nn_setup                 # NN_NS: tap0 with the kernel at 10.0.0.1/24; the unikernel is 10.0.0.2
A=$NN_NS
nn_ns                    # the Linux peer's namespace, on a veth from A
B=$NN_NS
nn_veth "$A" veth0 10.0.1.1/24 "$B" veth1 10.0.1.2/24 || { skip_rows "$where" "cannot make a veth pair"; exit 0; }
nn_bg "$A" "$TMP/dkit.log" "$D/dist/tcpkit" --interface=tap0 --ipv4=10.0.0.2/24 \
    --echo-port=$ECHO --sink-port=$SINK --source-port=$SOURCE -l 'tcpkit:info'
if ! nn_wait_line "$TMP/dkit.log" "ready" 20 "$NN_PID"; then
    skip_rows "$where" "tcpkit --net=direct did not start: $(tail -n 1 "$TMP/dkit.log" | cut -c1-120)"
    exit 0
fi
nn_bg "$B" "$TMP/dpeer.log" "$TMP/tcp_peer" $ECHO $SINK $SOURCE
nn_wait_line "$TMP/dpeer.log" "ready" 10 "$NN_PID" || { skip_rows "$where" "tcp_peer did not start"; exit 0; }
if ! ip netns exec "$A" "$TMP/tcpload" seq 10.0.0.2 $ECHO 3 >/dev/null 2>&1; then
    skip_rows "$where" "no echo from the unikernel over the tap"
    exit 0
fi
measure direct "ip netns exec $A" 10.0.0.2 10.0.1.2 "${BULK_MIB_TAP:-256}"
rows direct "$where" "Linux kernel stack, veth in the same namespace topology" "${BULK_MIB_TAP:-256}"
