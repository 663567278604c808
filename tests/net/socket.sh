#!/bin/sh
# socket.sh: the socket stack on unix over loopback (no namespace: the host's sockets are the
# stack): tests/net/tcpkit and examples/network against nc and tests/net/lib/tcpload: echo
# over IPv4 and IPv6, UDP echo, 100 MiB both ways checked by SHA-256 (echoed, and through the
# unikernel's own outgoing connection), a thousand concurrent connections, ten thousand in a
# row, and no descriptor or memory left behind.
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
TMP=$(mktemp -d)
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

ok() { echo "ok - socket/$1"; }
fail() {
    echo "not ok - socket/$1: $2"
    [ -n "${3:-}" ] && [ -f "$3" ] && tail -n 20 "$3" | sed 's/^/    | /'
}

if ! command -v mirage >/dev/null 2>&1; then
    echo "not ok - socket: no mirage on PATH (run through tests/run.sh after make)"
    exit 1
fi
if ! nc -h 2>&1 | grep -q OpenBSD; then
    echo "skip - socket: no OpenBSD nc (scripts/deps.sh installs netcat-openbsd)"
    exit 0
fi
# A thousand connections at once need more descriptors than the usual 1024, on both ends.
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# ---- build ------------------------------------------------------------------
K=$TMP/tcpkit
cp -r "$ROOT/tests/net/tcpkit" "$K"
if ! (cd "$K" && mirage configure -t unix && make) >"$TMP/build.log" 2>&1 || [ ! -x "$K/dist/tcpkit" ]; then
    fail "tcpkit: configure and make" "failed" "$TMP/build.log"
    exit 1
fi
ok "tcpkit: configure and make"
if ! cc -O2 -Wall -Werror -o "$TMP/tcpload" "$ROOT/tests/net/lib/tcpload.c" 2>"$TMP/cc.log"; then
    fail "tcpload: cc" "failed" "$TMP/cc.log"
    exit 1
fi

# wait_line LOG TEXT SECONDS PID: until LOG has TEXT; fails early if PID dies.
wait_line() {
    i=0
    while [ $i -lt $(($3 * 10)) ]; do
        grep -q -F -- "$2" "$1" 2>/dev/null && return 0
        kill -0 "$4" 2>/dev/null || return 1
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
fds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

# start tcpkit on a base port (tries a few in case one is taken): sets KPID and ports.
started=0
for try in 1 2 3 4 5; do
    BASE=$((20000 + ($$ * 7 + try * 997) % 40000))
    E=$BASE R=$((BASE + 2)) RT=$((BASE + 3)) U=$((BASE + 4))
    "$K/dist/tcpkit" --echo-port=$E --relay-port=$R --relay-to=127.0.0.1 --relay-to-port=$RT \
        --udp-echo-port=$U -l 'tcpkit:info' >"$TMP/kit.log" 2>&1 </dev/null &
    KPID=$!
    PIDS="$PIDS $KPID"
    if wait_line "$TMP/kit.log" "[tcpkit] ready" 10 "$KPID"; then
        started=1
        break
    fi
    kill "$KPID" 2>/dev/null
done
if [ $started -eq 0 ]; then
    fail "tcpkit: starts and listens" "no 'ready' line" "$TMP/kit.log"
    exit 1
fi
ok "tcpkit: starts and listens"
fds0=$(fds "$KPID")

# ---- small exchanges ----------------------------------------------------------
got=$(printf 'hello socket\n' | timeout 10 nc -N 127.0.0.1 $E)
[ "$got" = "hello socket" ] && ok "nc echo over IPv4" || fail "nc echo over IPv4" "got '$got'"
got=$(printf 'hello six\n' | timeout 10 nc -N ::1 $E)
[ "$got" = "hello six" ] && ok "nc echo over IPv6" || fail "nc echo over IPv6" "got '$got'"
got=$(printf 'ping udp\n' | timeout 10 nc -u -w 1 127.0.0.1 $U)
[ "$got" = "ping udp" ] && ok "nc UDP echo over IPv4" || fail "nc UDP echo over IPv4" "got '$got'"
got=$(printf 'ping udp6\n' | timeout 10 nc -u -w 1 ::1 $U)
[ "$got" = "ping udp6" ] && ok "nc UDP echo over IPv6" || fail "nc UDP echo over IPv6" "got '$got'"

# ---- 100 MiB each way ---------------------------------------------------------
head -c 104857600 /dev/urandom >"$TMP/a.bin"
head -c 104857600 /dev/urandom >"$TMP/b.bin"
timeout 120 nc -N 127.0.0.1 $E <"$TMP/a.bin" >"$TMP/echo.out"
if [ "$(sha "$TMP/echo.out")" = "$(sha "$TMP/a.bin")" ]; then
    ok "100 MiB echoed (to the unikernel and back), SHA-256 equal"
else
    fail "100 MiB echoed (to the unikernel and back), SHA-256 equal" \
        "$(stat -c %s "$TMP/echo.out") bytes came back"
fi
# Through the relay: the unikernel connects to a kernel listener; each side sends 100 MiB.
timeout 120 nc -N -l 127.0.0.1 $RT <"$TMP/b.bin" >"$TMP/far.out" &
NCPID=$!
PIDS="$PIDS $NCPID"
i=0
while ! ss -ltn "sport = :$RT" | grep -q LISTEN && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
timeout 120 nc -N 127.0.0.1 $R <"$TMP/a.bin" >"$TMP/near.out"
wait "$NCPID"
if [ "$(sha "$TMP/far.out")" = "$(sha "$TMP/a.bin")" ] && [ "$(sha "$TMP/near.out")" = "$(sha "$TMP/b.bin")" ]; then
    ok "100 MiB each way through the unikernel's outgoing connection, SHA-256 equal"
else
    fail "100 MiB each way through the unikernel's outgoing connection, SHA-256 equal" \
        "$(stat -c %s "$TMP/far.out") bytes out, $(stat -c %s "$TMP/near.out") bytes back" "$TMP/kit.log"
fi
rm -f "$TMP/echo.out" "$TMP/far.out" "$TMP/near.out"

# ---- many connections ---------------------------------------------------------
out=$(timeout 60 "$TMP/tcpload" conc 127.0.0.1 $E 1000)
case $out in
ok*) ok "1000 concurrent connections, each echoed ($out)" ;;
*) fail "1000 concurrent connections, each echoed" "$out" "$TMP/kit.log" ;;
esac
out=$(timeout 60 "$TMP/tcpload" conc ::1 $E 1000)
case $out in
ok*) ok "1000 concurrent connections over IPv6" ;;
*) fail "1000 concurrent connections over IPv6" "$out" ;;
esac
sleep 0.5
rss1=$(rss_kib "$KPID")
out=$(timeout 120 "$TMP/tcpload" seq 127.0.0.1 $E 10000)
case $out in
ok*) ok "10000 connections opened and closed in a row ($out)" ;;
*) fail "10000 connections opened and closed in a row" "$out" "$TMP/kit.log" ;;
esac
sleep 0.5
fds1=$(fds "$KPID")
rss2=$(rss_kib "$KPID")
if [ "$fds1" -eq "$fds0" ]; then
    ok "no descriptor left behind ($fds1 open, as at start)"
else
    fail "no descriptor left behind" "$fds0 open at start, $fds1 after"
fi
# After the peak of 1000 at once, ten thousand more must not grow the memory.
if [ "$rss2" -gt 0 ] && [ "$rss2" -le $((rss1 + 2048)) ]; then
    ok "memory flat over 10000 connections (${rss1} KiB -> ${rss2} KiB)"
else
    fail "memory flat over 10000 connections" "${rss1} KiB -> ${rss2} KiB"
fi
got=$(printf 'still here\n' | timeout 10 nc -N 127.0.0.1 $E)
if [ "$got" = "still here" ] && kill -0 "$KPID" 2>/dev/null; then
    ok "still answering afterwards"
else
    fail "still answering afterwards" "got '$got'" "$TMP/kit.log"
fi
kill "$KPID" 2>/dev/null

# ---- examples/network ---------------------------------------------------------
# It asks for generic_stackv4v6(default_network()), which is the socket stack on unix.
N=$TMP/network
cp -r "$ROOT/examples/network" "$N"
if ! grep -q 'generic_stackv4v6' "$ROOT/include/mirage.h"; then
    echo "skip - socket/examples/network: generic_stackv4v6 is not in this tree yet"
    exit 0
fi
if ! (cd "$N" && mirage configure -t unix && make) >"$TMP/net-build.log" 2>&1 || [ ! -x "$N/dist/network" ]; then
    fail "examples/network: configure and make" "failed" "$TMP/net-build.log"
    exit 1
fi
ok "examples/network: configure and make"
for try in 1 2 3 4 5; do
    P=$((20000 + ($$ * 11 + try * 883) % 40000))
    "$N/dist/network" --port=$P -l 'network:debug' >"$TMP/net.log" 2>&1 </dev/null &
    NPID=$!
    PIDS="$PIDS $NPID"
    wait_line "$TMP/net.log" "listening on port $P" 10 "$NPID" && break
    kill "$NPID" 2>/dev/null
done
got=$(printf 'hello network\n' | timeout 10 nc -N 127.0.0.1 $P)
sleep 0.2
if [ "$got" = "hello network" ] && grep -q "new tcp connection from IP 127.0.0.1 on port" "$TMP/net.log" &&
    grep -q "read: 14 bytes" "$TMP/net.log" && grep -q "closing connection" "$TMP/net.log"; then
    ok "examples/network: nc echo on --port, each connection and read logged"
else
    fail "examples/network: nc echo on --port, each connection and read logged" "got '$got'" "$TMP/net.log"
fi
kill "$NPID" 2>/dev/null
