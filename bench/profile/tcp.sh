#!/bin/sh
# profile/tcp.sh: where a direct-stack unikernel spends its time in bulk TCP (the profiles quoted
# in docs/benchmarks.md). tests/net/tcpkit (--net=direct, unix, tap offloads) in a namespace; the
# kernel there is the peer: tests/net/lib/tcpload sends to tcpkit's sink (DIR=in) or reads from its
# source (DIR=out, the default), BYTES (4 GiB) on one connection, while `perf record -g` samples
# the unikernel for PERF_SECONDS (4). Prints tcpload's lines (the rate alone, no peer: not a ratio) and
# perf's top symbols. Needs root and perf; not run by bench/run.sh (no table rows).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${DIR:-out}
BYTES=${BYTES:-4294967296}
PERF_SECONDS=${PERF_SECONDS:-4}
export PATH="$ROOT/build/bin:$PATH"
. "$ROOT/tests/net/lib/netns.sh"
nn_init profile
nn_need perf mirage cc
TMP=$(mktemp -d)
nn_at_exit "rm -rf '$TMP'"
K=$TMP/tcpkit
mkdir -p "$K"
cp "$ROOT/tests/net/tcpkit/unikernel.c" "$ROOT/tests/net/tcpkit/config.c" "$K/"
(cd "$K" && mirage configure -t unix --net=direct && make) >"$TMP/build.log" 2>&1 ||
    { cat "$TMP/build.log"; exit 1; }
cc -O2 -o "$TMP/tcpload" "$ROOT/tests/net/lib/tcpload.c" || exit 1
nn_setup
nn_bg "$NN_NS" "$TMP/uk.log" "$K/dist/tcpkit" --interface="$NN_TAP" --ipv4="$NN_UK_IP/$NN_PREFIX" \
    --arp-probe=false --sink-port=9 --source-port=19 -l '*:info'
UK=$NN_PID
nn_wait_line "$TMP/uk.log" '\[tcpkit\] ready' 20 "$UK" || { cat "$TMP/uk.log"; exit 1; }
case $DIR in
in) MODE=send PORT=9 ;;
*) MODE=recv PORT=19 ;;
esac
# A warm-up of 1 GiB, then the measured transfer under perf.
nn_exec "$NN_NS" "$TMP/tcpload" $MODE "$NN_UK_IP" $PORT 1073741824
perf record -g -o "$TMP/perf.data" -p "$UK" -- sleep "$PERF_SECONDS" >/dev/null 2>&1 &
PERF=$!
sleep 0.5
nn_exec "$NN_NS" "$TMP/tcpload" $MODE "$NN_UK_IP" $PORT "$BYTES"
wait $PERF
perf report -i "$TMP/perf.data" --no-children --sort symbol --stdio -g none 2>/dev/null |
    grep -E '^ +[0-9.]+%' | head -n 20
nn_stop "$UK"
