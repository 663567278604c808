#!/bin/sh
# server.sh: the HTTP server engine on unix over the host's sockets (127.0.0.1, free ports, no
# root): the static website (GET, HEAD, 404, index files, content types, validators, ranges,
# keep-alive, pipelining, HTTP/1.0), tests/http/httpkit for what the website cannot show
# (request bodies chunked and with 100-continue, other expectations (417), streamed responses
# and HEAD of them, the handler's own Date and Server, pipelining behind a slow handler, limits,
# timeouts (408), smuggling attempts, a thousand keep-alive connections, a graceful stop), wrk
# for a while, and examples/conduit_server.
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

ok() { echo "ok - http/$1"; }
fail() {
    echo "not ok - http/$1: $2"
    [ -n "${3:-}" ] && [ -f "$3" ] && tail -n 20 "$3" | sed 's/^/    | /'
}
check() { # NAME CONDITION-TEXT: ok if the last command succeeded
    if [ "$2" = 0 ]; then ok "$1"; else fail "$1" "${3:-failed}" "${4:-}"; fi
}

if ! command -v mirage >/dev/null 2>&1; then
    echo "not ok - http: no mirage on PATH (run through tests/run.sh after make)"
    exit 1
fi
for t in curl python3; do
    if ! command -v $t >/dev/null 2>&1; then
        echo "skip - http: no $t (scripts/deps.sh installs it)"
        exit 0
    fi
done
# A thousand connections at once need more descriptors than the usual 1024.
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
HC="python3 $ROOT/tests/http/lib/hclient.py"
WRK_SECONDS=${WRK_SECONDS:-10}

# ---- build ------------------------------------------------------------------
build() { # DIR NAME: copy DIR to $TMP/NAME and configure and make it for unix
    cp -r "$1" "$TMP/$2"
    if (cd "$TMP/$2" && mirage configure -t unix && make) >"$TMP/$2.build" 2>&1; then
        ok "$2: configure and make"
        return 0
    fi
    fail "$2: configure and make" "failed" "$TMP/$2.build"
    return 1
}
build "$ROOT/examples/static-website" www || exit 1
build "$ROOT/tests/http/httpkit" httpkit || exit 1
build "$ROOT/examples/conduit_server" conduit_server || exit 1

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
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
# start NAME BINARY ARGS...: run it on a free port (--port), set PORT_<NAME> and PID_<NAME>.
start() {
    name=$1 bin=$2
    shift 2
    for try in 1 2 3 4 5; do
        p=$(free_port)
        "$bin" --port="$p" --ipv4=127.0.0.1/8 --ipv4-only "$@" >"$TMP/$name.log" 2>&1 </dev/null &
        pid=$!
        if wait_line "$TMP/$name.log" "listening on port $p" 10 $pid; then
            PIDS="$PIDS $pid"
            eval "PORT_$name=$p PID_$name=$pid"
            return 0
        fi
        kill $pid 2>/dev/null
    done
    return 1
}
fds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }

# ---- the static website -----------------------------------------------------------
if ! start www "$TMP/www/dist/www"; then
    fail "www: starts" "no 'listening' line" "$TMP/www.log"
    exit 1
fi
ok "www: starts and listens"
W=http://127.0.0.1:$PORT_www
H=$ROOT/examples/static-website/htdocs
fds0=$(fds "$PID_www")

curl -s -D "$TMP/h" -o "$TMP/b" "$W/"
grep -q "^HTTP/1.1 200 " "$TMP/h" && grep -qi "^Content-Type: text/html; charset=utf-8" "$TMP/h" &&
    cmp -s "$TMP/b" "$H/index.html"
check "www: GET / is index.html, 200, text/html" $? "$(head -1 "$TMP/h")"

curl -s -I -o "$TMP/h" "$W/logo.png"
size=$(stat -c %s "$H/logo.png")
grep -q "^HTTP/1.1 200 " "$TMP/h" && grep -qi "^Content-Length: $size" "$TMP/h" &&
    grep -qi "^Content-Type: image/png" "$TMP/h"
check "www: HEAD /logo.png: 200, its length, image/png" $? "$(tr -d '\r' <"$TMP/h" | tr '\n' '|')"
$HC raw "$PORT_www" 'HEAD /logo.png HTTP/1.1\r\nHost: w\r\nConnection: close\r\n\r\n' >"$TMP/o"
! grep -q PNG "$TMP/o" && tail -1 "$TMP/o" | grep -q CLOSED
check "www: HEAD sends no body" $? "$(wc -c <"$TMP/o") bytes"

curl -s -o "$TMP/b" -w "%{http_code}" "$W/no/such/page" >"$TMP/code"
[ "$(cat "$TMP/code")" = 404 ] && cmp -s "$TMP/b" "$H/404.html"
check "www: a missing page is 404 with htdocs/404.html" $? "status $(cat "$TMP/code")"

curl -s -o "$TMP/b" "$W/docs/" && cmp -s "$TMP/b" "$H/docs/index.html"
check "www: a folder with '/' is its index.html" $?
curl -s -o /dev/null -w "%{http_code} %{redirect_url}" "$W/docs?x=1" >"$TMP/r"
[ "$(cat "$TMP/r")" = "301 $W/docs/?x=1" ]
check "www: a folder without '/' redirects to it" $? "$(cat "$TMP/r")"

types=""
for f in index.html style.css logo.png docs/keys.txt; do
    types="$types $(curl -s -o /dev/null -w "%{content_type}" "$W/$f" | tr -d ' ')"
done
[ "$types" = " text/html;charset=utf-8 text/css;charset=utf-8 image/png text/plain;charset=utf-8" ]
check "www: content types by extension" $? "got:$types"

curl -s -o "$TMP/b" "$W/with%20space%2Fslash.html" -w "%{http_code}" >"$TMP/code"
[ "$(cat "$TMP/code")" = 404 ]
check "www: percent-encoded paths are decoded (and looked up)" $? "$(cat "$TMP/code")"
curl -s -o /dev/null -w "%{http_code}" "$W/a%00b" >"$TMP/code"
[ "$(cat "$TMP/code")" = 400 ]
check "www: an encoded NUL is 400" $? "$(cat "$TMP/code")"
curl -s -o /dev/null -w "%{http_code}" -X POST -d x "$W/" >"$TMP/code"
[ "$(cat "$TMP/code")" = 405 ]
check "www: POST is 405" $? "$(cat "$TMP/code")"

# Validators: ETag with If-None-Match, Last-Modified with If-Modified-Since.
curl -s -D "$TMP/h" -o /dev/null "$W/style.css"
etag=$(grep -i '^ETag:' "$TMP/h" | cut -d' ' -f2- | tr -d '\r')
lm=$(grep -i '^Last-Modified:' "$TMP/h" | cut -d' ' -f2- | tr -d '\r')
[ -n "$etag" ] && [ -n "$lm" ]
check "www: ETag and Last-Modified are sent" $? "etag '$etag', last-modified '$lm'"
rm -f "$TMP/b"
code=$(curl -s -o "$TMP/b" -w "%{http_code}" -H "If-None-Match: $etag" "$W/style.css")
[ "$code" = 304 ] && [ ! -s "$TMP/b" ]
check "www: If-None-Match with the ETag is 304, no body" $? "$code"
code=$(curl -s -o /dev/null -w "%{http_code}" -H "If-None-Match: \"other\"" "$W/style.css")
[ "$code" = 200 ]
check "www: If-None-Match with another tag is 200" $? "$code"
code=$(curl -s -o /dev/null -w "%{http_code}" -H "If-Modified-Since: $lm" "$W/style.css")
[ "$code" = 304 ]
check "www: If-Modified-Since the Last-Modified is 304" $? "$code"
code=$(curl -s -o /dev/null -w "%{http_code}" -H "If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT" "$W/style.css")
[ "$code" = 200 ]
check "www: If-Modified-Since an older date is 200" $? "$code"

# Byte ranges.
curl -s -D "$TMP/h" -o "$TMP/b" -r 10-19 "$W/style.css"
head -c 20 "$H/style.css" | tail -c 10 >"$TMP/want"
grep -q "^HTTP/1.1 206 " "$TMP/h" && cmp -s "$TMP/b" "$TMP/want" &&
    grep -qi "^Content-Range: bytes 10-19/$(stat -c %s "$H/style.css")" "$TMP/h"
check "www: Range 10-19 is 206 with those bytes and Content-Range" $? "$(head -1 "$TMP/h")"
curl -s -o "$TMP/b" -r -5 "$W/style.css" && tail -c 5 "$H/style.css" | cmp -s - "$TMP/b"
check "www: a suffix range gives the last bytes" $?
curl -s -D "$TMP/h" -o /dev/null -r 100000- "$W/style.css"
grep -q "^HTTP/1.1 416 " "$TMP/h" && grep -qi "^Content-Range: bytes \*/" "$TMP/h"
check "www: an unsatisfiable range is 416 with Content-Range" $? "$(head -1 "$TMP/h")"
code=$(curl -s -o /dev/null -w "%{http_code}" -r 0-1 -H "If-Range: \"stale\"" "$W/style.css")
[ "$code" = 200 ]
check "www: If-Range with another ETag gives the whole file" $? "$code"

# Keep-alive: several URLs, one connection.
n=$(curl -s -o /dev/null -o /dev/null -o /dev/null -o /dev/null -w "%{num_connects}\n" \
    "$W/" "$W/style.css" "$W/logo.png" "$W/about.html" | awk '{ s += $1 } END { print s }')
[ "$n" = 1 ]
check "www: keep-alive: four URLs over one connection" $? "$n connections"
# Pipelining: three requests in one write, answered in order.
$HC pipeline "$PORT_www" / /logo.png /nope >"$TMP/p" 2>&1
printf '200 %s\n200 %s\n404 %s\n' "$(stat -c %s "$H/index.html")" "$size" \
    "$(stat -c %s "$H/404.html")" | cmp -s - "$TMP/p"
check "www: pipelining: three requests in one write, answered in order" $? "$(tr '\n' '|' <"$TMP/p")"
# HTTP/1.0: closes after the answer unless asked to keep alive.
$HC raw "$PORT_www" 'GET /docs/keys.txt HTTP/1.0\r\n\r\n' >"$TMP/o"
head -1 "$TMP/o" | grep -q "^HTTP/1.1 200 " && tail -1 "$TMP/o" | grep -q CLOSED
check "www: HTTP/1.0 without keep-alive: 200, then closed" $? "$(head -1 "$TMP/o")"
$HC raw "$PORT_www" 'GET /docs/keys.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n' >"$TMP/o"
grep -qi "^Connection: keep-alive" "$TMP/o" && tail -1 "$TMP/o" | grep -q OPEN
check "www: HTTP/1.0 with keep-alive stays open" $? "$(tail -1 "$TMP/o")"
$HC raw "$PORT_www" 'GET / HTTP/1.1\r\n\r\n' >"$TMP/o"
head -1 "$TMP/o" | grep -q "^HTTP/1.1 400 " && tail -1 "$TMP/o" | grep -q CLOSED
check "www: HTTP/1.1 without Host is 400, closed" $? "$(head -1 "$TMP/o")"

grep -q '\[access\] 127.0.0.1 "GET /style.css HTTP/1.1" 206 10' "$TMP/www.log"
check "www: access log: client, method, target, status, bytes" $? "" "$TMP/www.log"

# ---- httpkit: bodies, streams, limits, timeouts, hostile clients ---------------------
if ! start kit "$TMP/httpkit/dist/httpkit" --header-timeout-ms=2000 --idle-timeout-ms=3000 \
    --body-timeout-ms=2000 --max-body=4000000 -l 'http:debug,httpkit:info'; then
    fail "httpkit: starts" "no 'listening' line" "$TMP/kit.log"
    exit 1
fi
ok "httpkit: starts and listens"
K=http://127.0.0.1:$PORT_kit
fdk0=$(fds "$PID_kit")
head -c 3000000 /dev/urandom >"$TMP/r.bin"

curl -s -H "Transfer-Encoding: chunked" --data-binary @"$TMP/r.bin" "$K/echo" -o "$TMP/b"
cmp -s "$TMP/b" "$TMP/r.bin"
check "kit: a chunked request body of 3 MB is read whole" $?
curl -s --data-binary @"$TMP/r.bin" "$K/echo" -o "$TMP/b" && cmp -s "$TMP/b" "$TMP/r.bin"
check "kit: a Content-Length body of 3 MB is read whole" $?
curl -sv -H "Expect: 100-continue" --data-binary @"$TMP/r.bin" "$K/echo" -o "$TMP/b" 2>"$TMP/v"
grep -q "< HTTP/1.1 100 Continue" "$TMP/v" && grep -q "< HTTP/1.1 200 " "$TMP/v" &&
    cmp -s "$TMP/b" "$TMP/r.bin"
check "kit: Expect: 100-continue gets 100, then the answer" $?
curl -s -D "$TMP/h" -o "$TMP/b" "$K/chunked?n=4"
grep -qi "^Transfer-Encoding: chunked" "$TMP/h" && [ "$(cat "$TMP/b")" = "$(printf 'piece 0\npiece 1\npiece 2\npiece 3')" ]
check "kit: a streamed response is sent chunked" $? "$(head -c 60 "$TMP/b")"
$HC raw "$PORT_kit" 'GET /chunked?n=2 HTTP/1.0\r\n\r\n' >"$TMP/o"
! grep -qi "^Transfer-Encoding" "$TMP/o" && grep -q "piece 1" "$TMP/o" && tail -1 "$TMP/o" | grep -q CLOSED
check "kit: a streamed response to HTTP/1.0 ends with a close" $? "$(tr -d '\r' <"$TMP/o" | tr '\n' '|')"
[ "$(curl -s "$K/length")" = "hello world" ]
check "kit: a streamed response with Content-Length" $?
curl -s -o "$TMP/b" "$K/big?kib=4096" && [ "$(stat -c %s "$TMP/b")" = 4194304 ] &&
    curl -s -o "$TMP/b2" "$K/file?kib=4096" && cmp -s "$TMP/b" "$TMP/b2"
check "kit: a 4 MiB resource from memory and through read are the same bytes" $?
curl -s -o "$TMP/b" -r 1000000-1000016 "$K/file?kib=4096" &&
    dd if="$TMP/b2" bs=1 skip=1000000 count=17 2>/dev/null | cmp -s - "$TMP/b"
check "kit: a range of a resource read through its read function" $?
code=$(curl -s -o /dev/null -w "%{http_code}" "$K/nothing")
[ "$code" = 500 ]
check "kit: a handler that answers nothing gets the engine's 500" $? "$code"

# Expectations: only 100-continue is known; another is 417 (RFC 9110 10.1.1), and the
# handler is not called (/count counts its calls).
c1=$(curl -s "$K/count")
$HC raw "$PORT_kit" 'GET /count HTTP/1.1\r\nHost: k\r\nExpect: bogus\r\n\r\n' >"$TMP/o"
c2=$(curl -s "$K/count")
head -1 "$TMP/o" | grep -q "^HTTP/1.1 417 " && grep -qi "^Connection: close" "$TMP/o" &&
    tail -1 "$TMP/o" | grep -q CLOSED && [ "$c2" = $((c1 + 1)) ]
check "kit: an Expect other than 100-continue is 417, closed, the handler not called" $? \
    "$(head -1 "$TMP/o" | tr -d '\r'), calls $c1 then $c2"

# The handler's own Date and Server replace the engine's; its framing headers are dropped.
$HC raw "$PORT_kit" 'GET /own HTTP/1.1\r\nHost: k\r\nConnection: close\r\n\r\n' | tr -d '\r' >"$TMP/o"
[ "$(grep -ci '^Date:' "$TMP/o")" = 1 ] && grep -q '^Date: Sun, 06 Nov 1994 08:49:37 GMT$' "$TMP/o" &&
    [ "$(grep -ci '^Server:' "$TMP/o")" = 1 ] && grep -q '^Server: own/1$' "$TMP/o" &&
    [ "$(grep -ci '^Content-Length:' "$TMP/o")" = 1 ] && grep -q '^Content-Length: 3$' "$TMP/o" &&
    ! grep -qi '^Transfer-Encoding' "$TMP/o" && [ "$(grep -ci '^Connection:' "$TMP/o")" = 1 ] &&
    tail -1 "$TMP/o" | grep -q CLOSED
check "kit: the handler's Date and Server are sent once, in place of the engine's" $? \
    "$(tr '\n' '|' <"$TMP/o")"

# HEAD of a streamed (chunked) answer: the head only, no body and no chunk framing; the next
# answer on the connection follows right after it.
$HC raw "$PORT_kit" 'HEAD /chunked?n=3 HTTP/1.1\r\nHost: k\r\n\r\nGET / HTTP/1.1\r\nHost: k\r\nConnection: close\r\n\r\n' >"$TMP/o"
python3 -c '
import sys
d = open(sys.argv[1], "rb").read()
head, _, rest = d.partition(b"\r\n\r\n")
nxt_head, _, nxt_body = rest.partition(b"\r\n\r\n")
ok = (head.startswith(b"HTTP/1.1 200 ") and rest.startswith(b"HTTP/1.1 200 ")
      and b"piece" not in d and b"\r\n0\r\n" not in d and nxt_body.startswith(b"hello\n"))
sys.exit(0 if ok else 1)
' "$TMP/o"
check "kit: HEAD of a chunked stream: no body, no chunk framing, the next answer right after" $? \
    "$(tr -d '\r' <"$TMP/o" | tr '\n' '|' | head -c 400)"

# Pipelining: an answer gathered for a pipelined write is not held back by a slow handler
# after it: / comes at once, /slow (1.5 s) after.
$HC pipetime "$PORT_kit" / '/slow?ms=1500' >"$TMP/p" 2>&1
awk 'NR == 1 { a = ($1 == 200 && $3 < 700) } NR == 2 { b = ($1 == 200 && $3 >= 1400) }
     END { exit !(NR == 2 && a && b) }' "$TMP/p"
check "kit: pipelining: a fast answer is not held back by a slow handler after it" $? \
    "$(tr '\n' '|' <"$TMP/p")"

# Limits.
$HC raw "$PORT_kit" 'BLAH\x01 / HTTP/1.1\r\n\r\n' >"$TMP/o"
head -1 "$TMP/o" | grep -q "^HTTP/1.1 400 " && tail -1 "$TMP/o" | grep -q CLOSED
check "kit: a malformed request line is 400, closed" $? "$(head -1 "$TMP/o")"
code=$(curl -s -o /dev/null -w "%{http_code}" --data-binary @"$TMP/r.bin" -H "Content-Length: 5000000" "$K/echo")
[ "$code" = 413 ]
check "kit: Content-Length over the body limit is 413" $? "$code"
head -c 5000000 /dev/zero >"$TMP/z.bin"
code=$(curl -s -o /dev/null -w "%{http_code}" -H "Transfer-Encoding: chunked" --data-binary @"$TMP/z.bin" "$K/echo")
[ "$code" = 413 ]
check "kit: a chunked body over the body limit is 413" $? "$code"
long=$(python3 -c 'print("/" + "a" * 9000)')
code=$(curl -s -o /dev/null -w "%{http_code}" "$K$long")
[ "$code" = 414 ]
check "kit: a request line over 8 KiB is 414" $? "$code"
big=$(python3 -c 'print("X-Big: " + "b" * 20000)')
code=$(curl -s -o /dev/null -w "%{http_code}" -H "$big" "$K/")
[ "$code" = 431 ]
check "kit: 20 KB of headers is 431" $? "$code"
hdrs=$(python3 -c 'print(" ".join("-H X-H%d:v" % i for i in range(120)))')
# shellcheck disable=SC2086
code=$(curl -s -o /dev/null -w "%{http_code}" $hdrs "$K/")
[ "$code" = 431 ]
check "kit: 120 header lines is 431" $? "$code"
$HC raw "$PORT_kit" 'POST /echo HTTP/1.1\r\nHost: k\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n' >"$TMP/o"
head -1 "$TMP/o" | grep -q "^HTTP/1.1 400 " && tail -1 "$TMP/o" | grep -q CLOSED
check "kit: a bad chunk size is 400, closed" $? "$(head -1 "$TMP/o")"
$HC raw "$PORT_kit" 'GET / HTTP/2.0\r\nHost: k\r\n\r\n' >"$TMP/o"
head -1 "$TMP/o" | grep -q "^HTTP/1.1 505 "
check "kit: HTTP/2.0 in a request line is 505" $? "$(head -1 "$TMP/o")"

# Smuggling: a request that two parsers could frame differently is refused and the
# connection closed, so the bytes after it are never taken for a request.
$HC raw "$PORT_kit" 'POST /echo HTTP/1.1\r\nHost: k\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: k\r\n\r\n' >"$TMP/o"
head -1 "$TMP/o" | grep -q "^HTTP/1.1 400 " && [ "$(grep -c '^HTTP/1.1' "$TMP/o")" = 1 ] && tail -1 "$TMP/o" | grep -q CLOSED
check "kit: smuggling: Content-Length with Transfer-Encoding is 400, closed" $? "$(grep '^HTTP' "$TMP/o" | tr -d '\r' | tr '\n' '|')"
$HC raw "$PORT_kit" 'POST /echo HTTP/1.1\r\nHost: k\r\nContent-Length: 5\r\nContent-Length: 30\r\n\r\nhelloGET /smuggled HTTP/1.1\r\nHost: k\r\n\r\n' >"$TMP/o"
head -1 "$TMP/o" | grep -q "^HTTP/1.1 400 " && [ "$(grep -c '^HTTP/1.1' "$TMP/o")" = 1 ] && tail -1 "$TMP/o" | grep -q CLOSED
check "kit: smuggling: two differing Content-Lengths is 400, closed" $? "$(grep '^HTTP' "$TMP/o" | tr -d '\r' | tr '\n' '|')"
$HC raw "$PORT_kit" 'POST /echo HTTP/1.1\r\nHost: k\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n' >"$TMP/o"
head -1 "$TMP/o" | grep -Eq "^HTTP/1.1 (400|501) " && tail -1 "$TMP/o" | grep -q CLOSED
check "kit: smuggling: a Transfer-Encoding not ending in chunked is refused, closed" $? "$(head -1 "$TMP/o")"

# Timeouts: a client sending its head a byte a second is cut off at the header timeout
# (2 s here), while another is served meanwhile.
$HC slowloris "$PORT_kit" 20 >"$TMP/slow" 2>&1 &
SLOW=$!
sleep 1
t0=$(date +%s%N)
code=$(curl -s -o /dev/null -w "%{http_code}" --max-time 5 "$K/")
t1=$(date +%s%N)
[ "$code" = 200 ] && [ $(((t1 - t0) / 1000000)) -lt 1000 ]
check "kit: another client is served while a slow one sends" $? "$code after $(((t1 - t0) / 1000000)) ms"
wait $SLOW
grep -Eq "CUT AFTER [2-5] s, answered 408" "$TMP/slow"
check "kit: slowloris (a byte a second) gets 408 and is cut off at the header timeout" $? \
    "$(cat "$TMP/slow")"
# A head that stops coming: 408 with Connection: close, then the close (RFC 9110 15.5.9).
$HC raw "$PORT_kit" 'GET / HTTP/1.1\r\nHost: k\r\n' >"$TMP/o"
head -1 "$TMP/o" | grep -q "^HTTP/1.1 408 " && grep -qi "^Connection: close" "$TMP/o" &&
    tail -1 "$TMP/o" | grep -q CLOSED
check "kit: a request head cut at the header timeout gets 408, Connection: close" $? \
    "$(tr -d '\r' <"$TMP/o" | tr '\n' '|')"
# A connection that never sends a byte is closed without a word.
$HC raw "$PORT_kit" '' >"$TMP/o"
[ "$(cat "$TMP/o")" = "$(printf '\nCLOSED')" ]
check "kit: a connection that sends nothing is closed without an answer" $? \
    "$(tr -d '\r' <"$TMP/o" | tr '\n' '|')"
# Idle timeout (3 s): a kept-alive connection left alone is closed.
python3 - "$PORT_kit" >"$TMP/idle" 2>&1 <<'EOF'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"GET / HTTP/1.1\r\nHost: i\r\n\r\n")
s.recv(4096)
t0 = time.time()
s.settimeout(10)
d = s.recv(4096)
print("closed after %.1f s" % (time.time() - t0) if not d else "data")
EOF
awk '/closed after/ { exit !($3 >= 2.5 && $3 <= 5.5) } END { if (NR == 0) exit 1 }' "$TMP/idle"
check "kit: an idle kept-alive connection is closed after the idle timeout" $? "$(cat "$TMP/idle")"
# Body timeout (2 s): a body that stops coming.
python3 - "$PORT_kit" >"$TMP/bodyto" 2>&1 <<'EOF'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"POST /echo HTTP/1.1\r\nHost: i\r\nContent-Length: 100\r\n\r\nonly this")
t0 = time.time()
d = s.recv(4096)
print("closed after %.1f s" % (time.time() - t0) if not d else "data " + repr(d[:40]))
EOF
awk '/closed after/ { exit !($3 >= 1.5 && $3 <= 4.5) } END { if (NR == 0) exit 1 }' "$TMP/bodyto"
check "kit: a stalled body is cut off after the body timeout" $? "$(cat "$TMP/bodyto")"

# A thousand keep-alive connections at once, three requests on each.
$HC many "$PORT_kit" 1000 3 / >"$TMP/many" 2>&1
grep -q "^OK 1000" "$TMP/many"
check "kit: a thousand keep-alive connections at once, three requests each" $? "$(cat "$TMP/many")"

# Load: wrk for a while, no error of any kind.
if command -v wrk >/dev/null 2>&1; then
    wrk -t2 -c64 -d"${WRK_SECONDS}s" "$W/" >"$TMP/wrk" 2>&1
    reqs=$(awk '/requests in/ { print $1 }' "$TMP/wrk")
    ! grep -qE "Socket errors|Non-2xx" "$TMP/wrk" && [ "${reqs:-0}" -gt 1000 ]
    check "www: wrk ${WRK_SECONDS} s, 64 connections: no errors ($(awk '/Requests\/sec/ { print $2 }' "$TMP/wrk") req/s)" $? "" "$TMP/wrk"
else
    echo "skip - http/www: wrk: not installed (scripts/deps.sh installs it)"
fi

# Nothing left behind: descriptors back where they were once the clients are gone.
sleep 1
[ "$(fds "$PID_www")" -le $((fds0 + 2)) ] && [ "$(fds "$PID_kit")" -le $((fdk0 + 2)) ]
check "no descriptor left behind (www $(fds "$PID_www") vs $fds0, kit $(fds "$PID_kit") vs $fdk0)" $?
kill -0 "$PID_www" && kill -0 "$PID_kit"
check "both servers still run after all that" $?

# Graceful stop: /stop makes listen return; the unikernel exits 0 after answering.
code=$(curl -s -o /dev/null -w "%{http_code}" "$K/stop")
i=0
while kill -0 "$PID_kit" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
wait "$PID_kit"
rc=$?
[ "$code" = 200 ] && [ $rc = 0 ] && grep -q "listen returned 0" "$TMP/kit.log"
check "kit: stop answers the request in progress, then listen returns 0" $? "status $code, exit $rc" "$TMP/kit.log"

# ---- conduit_server ------------------------------------------------------------
if start conduit "$TMP/conduit_server/dist/conduit_server"; then
    got=$(curl -s "http://127.0.0.1:$PORT_conduit/any/path")
    [ "$got" = "hello mirage world!" ]
    check "conduit_server: hello mirage world!" $? "got '$got'"
else
    fail "conduit_server: starts" "no 'listening' line" "$TMP/conduit.log"
fi
exit 0
