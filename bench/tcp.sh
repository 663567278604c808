#!/bin/sh
# tcp.sh: TCP bulk throughput (both directions) and echo rate of the unikernel (tests/net/tcpkit)
# against the Linux kernel's own stack on the same path, in one run, interleaved, medians:
#  - socket stack: tcpkit over the host's sockets against bench/tcp_peer.c, a plain C epoll
#    server with the same services over the same sockets, both on loopback;
#  - direct stack: tcpkit (--net=direct) on unix, and the same unikernel under mirage-spt and
#    mirage-hvt, each on its own tap in one namespace, against tcp_peer on a veth in the same
#    topology (the client in that namespace for all four, interleaved). Needs root; rows are
#    skipped with the reason when a target is not built or cannot run.
# The client is tests/net/lib/tcpload.c. Prints markdown rows: question | peer | ratio | detail.
# RUNS (default 5) runs of each; BULK_MIB (1024) MiB on loopback, BULK_MIB_TAP (256) on the taps.
# SOCKET=0 leaves out the socket stack; TARGETS (default "unix spt hvt") picks the direct ones.
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
if [ "${SOCKET:-1}" != 0 ]; then
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
fi

# ---- direct stack through taps: unix, spt, hvt ----------------------------------
PEER="Linux kernel stack, veth in the same namespace topology"
TARGETS=${TARGETS:-unix spt hvt}
MIB=${BULK_MIB_TAP:-256}
where_of() { # TARGET
    case $1 in
    unix) echo "direct stack on unix, tap in a namespace" ;;
    *) echo "direct stack on $1, tap in a namespace" ;;
    esac
}
if [ ! -d "$ROOT/lib/tcp" ] || [ ! -d "$ROOT/lib/stack" ]; then
    for t in $TARGETS; do skip_rows "$(where_of "$t")" "no direct stack in this tree (lib/tcp, lib/stack)"; done
    exit 0
fi
if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ]; then
    for t in $TARGETS; do skip_rows "$(where_of "$t")" "needs root and /dev/net/tun"; done
    exit 0
fi
# shellcheck source=../tests/net/lib/netns.sh
. "$ROOT/tests/net/lib/netns.sh"
NN_NAME=bench-tcp
nn_ns                    # A: the client's namespace; a tap per unikernel, the kernel's end in it
A=$NN_NS
nn_ns                    # B: the Linux peer's namespace, on a veth from A
B=$NN_NS
nn_veth "$A" veth0 10.0.1.1/24 "$B" veth1 10.0.1.2/24 || {
    for t in $TARGETS; do skip_rows "$(where_of "$t")" "cannot make a veth pair"; done
    exit 0
}
nn_bg "$B" "$TMP/dpeer.log" "$TMP/tcp_peer" $ECHO $SINK $SOURCE
nn_wait_line "$TMP/dpeer.log" "ready" 10 "$NN_PID" || {
    for t in $TARGETS; do skip_rows "$(where_of "$t")" "tcp_peer did not start"; done
    exit 0
}

# Each target's tcpkit on its own tap N in A: the kernel at 10.0.(10+N).1, the unikernel at .2
# (HOST_<target>); a target that cannot run gets its rows skipped with the reason.
ran=""
n=0
for t in $TARGETS; do
    n=$((n + 1))
    D=$TMP/direct-$t
    mkdir -p "$D"
    cp "$ROOT/tests/net/tcpkit/unikernel.c" "$D/"
    cp "$ROOT/tests/net/tcpkit/config.c" "$D/"
    if [ "$t" != unix ] && { [ ! -x "$ROOT/build/bin/mirage-$t" ] || [ ! -f "$ROOT/build/lib/mirage/$t/$t.ld" ]; }; then
        skip_rows "$(where_of "$t")" "the $t target is not built (make FREESTANDING=\"spt hvt\")"
        continue
    fi
    if [ "$t" = hvt ] && [ ! -c /dev/kvm ]; then
        skip_rows "$(where_of "$t")" "no /dev/kvm"
        continue
    fi
    if ! (cd "$D" && mirage configure -t "$t" --net=direct && make -s) >"$TMP/direct-$t.log" 2>&1; then
        skip_rows "$(where_of "$t")" "tcpkit does not build: $(grep -m1 -E 'undefined reference|error:|mirage:' "$TMP/direct-$t.log" | cut -c1-120)"
        continue
    fi
    net=10.0.$((10 + n))
    nn_tap "$A" "tap$n" "$net.1/24" || { skip_rows "$(where_of "$t")" "cannot make tap$n"; continue; }
    args="--ipv4=$net.2/24 --arp-probe=false --echo-port=$ECHO --sink-port=$SINK --source-port=$SOURCE -l tcpkit:info"
    case $t in
    # shellcheck disable=SC2086
    unix) nn_bg "$A" "$TMP/uk-$t.log" "$D/dist/tcpkit" --interface="tap$n" $args ;;
    # shellcheck disable=SC2086
    *) nn_bg "$A" "$TMP/uk-$t.log" "$ROOT/build/bin/mirage-$t" --mem=256 --net:service="tap$n" -- \
        "$D/dist/tcpkit.$t" $args ;;
    esac
    if ! nn_wait_line "$TMP/uk-$t.log" "ready" 20 "$NN_PID"; then
        skip_rows "$(where_of "$t")" "tcpkit did not start: $(tail -n 1 "$TMP/uk-$t.log" | cut -c1-120)"
        continue
    fi
    if ! ip netns exec "$A" "$TMP/tcpload" seq "$net.2" $ECHO 3 >/dev/null 2>&1; then
        skip_rows "$(where_of "$t")" "no echo from the unikernel over the tap"
        continue
    fi
    ran="$ran $t"
    eval "HOST_$t=$net.2"
done
[ -n "$ran" ] || exit 0

# RUNS interleaved runs: every unikernel, then the peer, for each measure.
bytes=$((MIB * 1048576))
client="ip netns exec $A $TMP/tcpload"
for i in $(seq "$RUNS"); do
    for who in $ran peer; do
        if [ "$who" = peer ]; then h=10.0.1.2; else eval "h=\$HOST_$who"; fi
        $client send "$h" "$SINK" $bytes | field gbit >>"$TMP/direct.$who.send"
        $client recv "$h" "$SOURCE" $bytes | field gbit >>"$TMP/direct.$who.recv"
        $client rr "$h" "$ECHO" 1 1 64 | field rate >>"$TMP/direct.$who.rr1"
        $client rr "$h" "$ECHO" 32 1 64 | field rate >>"$TMP/direct.$who.rr32"
    done
done
for t in $ran; do
    for m in send recv rr1 rr32; do cp "$TMP/direct.$t.$m" "$TMP/direct-$t.uk.$m"; cp "$TMP/direct.peer.$m" "$TMP/direct-$t.peer.$m"; done
    rows "direct-$t" "$(where_of "$t")" "$PEER" "$MIB"
done
