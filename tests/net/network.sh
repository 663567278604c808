#!/bin/sh
# network.sh: examples/network on the direct stack (--net=direct): the unikernel on a tap in a
# namespace of its own, the Linux kernel there as the nc client: echo, connections and reads logged.
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
. "$ROOT/tests/net/lib/netns.sh"
nn_init network
nn_need nc mirage
TMP=$(mktemp -d)
nn_at_exit "rm -rf '$TMP'"

ok() { echo "ok - network/$1"; }
fail() {
    echo "not ok - network/$1: $2"
    [ -n "${3:-}" ] && [ -f "$3" ] && tail -n 20 "$3" | sed 's/^/    | /'
}

if ! grep -q 'generic_stackv4v6' "$ROOT/include/mirage.h" || [ ! -d "$ROOT/lib/tcp" ]; then
    nn_skip "no direct stack in this tree yet (generic_stackv4v6, lib/tcp)"
fi
N=$TMP/network
cp -r "$ROOT/examples/network" "$N"
if ! (cd "$N" && mirage configure -t unix --net=direct && make) >"$TMP/build.log" 2>&1; then
    fail "configure --net=direct and make" "failed" "$TMP/build.log"
    exit 1
fi
ok "configure --net=direct and make"

nn_setup
nn_bg "$NN_NS" "$TMP/uk.log" "$N/dist/network" --interface="$NN_TAP" \
    --ipv4="$NN_UK_IP/$NN_PREFIX" --port=8080 -l 'network:debug'
UK=$NN_PID
if ! nn_wait_line "$TMP/uk.log" "listening on port 8080" 20 "$UK"; then
    fail "starts on the tap" "no 'listening' line" "$TMP/uk.log"
    exit 1
fi
ok "starts on the tap"
got=$(printf 'hello direct\n' | nn_exec "$NN_NS" timeout 10 nc -N "$NN_UK_IP" 8080)
sleep 0.2
if [ "$got" = "hello direct" ] &&
    grep -q "new tcp connection from IP $NN_KERNEL_IP on port" "$TMP/uk.log" &&
    grep -q "read: 13 bytes" "$TMP/uk.log" && grep -q "closing connection" "$TMP/uk.log"; then
    ok "nc echo from the kernel, the connection and its read logged"
else
    fail "nc echo from the kernel, the connection and its read logged" "got '$got'" "$TMP/uk.log"
fi
head -c 1048576 /dev/urandom >"$TMP/m.bin"
nn_exec "$NN_NS" timeout 30 nc -N "$NN_UK_IP" 8080 <"$TMP/m.bin" >"$TMP/m.out"
if cmp -s "$TMP/m.bin" "$TMP/m.out"; then
    ok "1 MiB echoed over the tap, byte for byte"
else
    fail "1 MiB echoed over the tap, byte for byte" "$(stat -c %s "$TMP/m.out") bytes back" "$TMP/uk.log"
fi
