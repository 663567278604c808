#!/bin/sh
# client.sh: examples/http-fetch on unix (the host's resolver, the host's sockets) against real
# servers on 127.0.0.1: tests/http/lib/http_peer.py (python3's http.server: Content-Length,
# chunked and close-delimited bodies, redirects with every form of Location, POST echo, slow
# and broken answers) and nginx when it is installed. Bodies are compared by SHA-256, 10 MiB
# ones included; failures must exit non-zero with a message that says what went wrong.
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
M=$ROOT/build/bin/mirage
TMP=$(mktemp -d)
PEER="" NGINX=""
finish() {
    for p in $PEER $NGINX; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap finish EXIT
trap 'exit 1' INT TERM

ok() { echo "ok - client/$1"; }
fail() {
    echo "not ok - client/$1: $2"
    [ -f "$TMP/$1.out" ] && head -c 2000 "$TMP/$1.out" | tail -n 12 | sed 's/^/    | /'
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# Debian's python3 (scripts/deps.sh), not whatever a version manager put first on PATH.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3 || true)
[ -n "$PY" ] || { echo "skip - client: no python3 (scripts/deps.sh installs it)"; exit 0; }
[ -x "$M" ] || { echo "not ok - client: $M is not built (make)"; exit 1; }
PEERPY=$ROOT/tests/http/lib/http_peer.py

# ---- the example, as a user builds it -------------------------------------------
cp -r "$ROOT/examples/http-fetch" "$TMP/hf"
rm -rf "$TMP/hf/dist" "$TMP/hf/_build" "$TMP/hf/mirage" "$TMP/hf/Makefile"
if ! (cd "$TMP/hf" && PATH="$ROOT/build/bin:$PATH" mirage configure -t unix &&
    PATH="$ROOT/build/bin:$PATH" make) >"$TMP/build.out" 2>&1; then
    fail build "mirage configure -t unix && make failed"
    tail -n 20 "$TMP/build.out" | sed 's/^/    | /'
    exit 1
fi
F=$TMP/hf/dist/http-fetch
ok "build: configure -t unix and make"

# ---- the peer ---------------------------------------------------------------------
"$PY" "$PEERPY" --port-file "$TMP/port" 2>"$TMP/peer.err" &
PEER=$!
i=0
while [ ! -s "$TMP/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$TMP/port" ] || { fail peer "http_peer.py did not start"; cat "$TMP/peer.err"; exit 1; }
P=$(cat "$TMP/port")
B=http://127.0.0.1:$P

# fetch TAG ARGS...: run http-fetch (60 s at most); its output in $TMP/TAG.out, exit status
# in $TMP/TAG.rc, milliseconds taken in $TMP/TAG.ms.
fetch() {
    tag=$1
    shift
    t0=$(now_ms)
    timeout 60 "$F" "$@" >"$TMP/$tag.out" 2>&1 </dev/null
    echo $? >"$TMP/$tag.rc"
    echo $(($(now_ms) - t0)) >"$TMP/$tag.ms"
}
rc_of() { cat "$TMP/$1.rc"; }
ms_of() { cat "$TMP/$1.ms"; }
sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# With only errors logged, a fetch that works prints the body and nothing else.
Q="-l *:error"

# expect_body TAG TEXT URI [ARGS...]: exit 0, and the output is exactly TEXT.
expect_body() {
    tag=$1 want=$2
    shift 2
    # shellcheck disable=SC2086
    fetch "$tag" $Q --uri="$@"
    printf '%s' "$want" >"$TMP/$tag.want"
    if [ "$(rc_of "$tag")" != 0 ]; then fail "$tag" "exit status $(rc_of "$tag")"
    elif ! cmp -s "$TMP/$tag.want" "$TMP/$tag.out"; then fail "$tag" "the body is not \"$want\""
    else ok "$tag"; fi
}

# expect_sha TAG KIND SIZE URI [ARGS...]: exit 0, and the output has the peer's body's digest.
expect_sha() {
    tag=$1 kind=$2 size=$3
    shift 3
    # shellcheck disable=SC2086
    fetch "$tag" $Q --uri="$@"
    want=$("$PY" "$PEERPY" --sha256 "$kind" "$size")
    got=$(sha_of "$TMP/$tag.out")
    n=$(wc -c <"$TMP/$tag.out")
    if [ "$(rc_of "$tag")" != 0 ]; then fail "$tag" "exit status $(rc_of "$tag")"
    elif [ "$got" != "$want" ]; then fail "$tag" "$n bytes with SHA-256 $got, want $size bytes with $want"
    else ok "$tag: $size bytes, SHA-256 ${want%"${want#????????????}"}... ($(ms_of "$tag") ms)"; fi
}

# expect_fail TAG PATTERN URI [ARGS...]: a non-zero exit, and a line saying PATTERN (fixed text).
expect_fail() {
    tag=$1 pat=$2
    shift 2
    fetch "$tag" --uri="$@"
    if [ "$(rc_of "$tag")" = 0 ]; then fail "$tag" "exit status 0"
    elif [ "$(rc_of "$tag")" = 124 ]; then fail "$tag" "still running after 60 s"
    elif ! grep -q -F -- "$pat" "$TMP/$tag.out"; then fail "$tag" "no line says \"$pat\""
    else ok "$tag: exit $(rc_of "$tag"), \"$pat\""; fi
}

# ---- bodies -------------------------------------------------------------------------
expect_body hello "hello
" "$B/hello"
expect_body by-name "hello
" "http://localhost:$P/hello"
expect_sha length-10MiB length 10485760 "$B/length?size=10485760"
expect_sha chunked-10MiB chunked 10485760 "$B/chunked?size=10485760"
expect_sha chunked-small chunked 5 "$B/chunked?size=5"
expect_sha close-1MiB-binary close 1048576 "$B/close?size=1048576"
expect_body length-zero "" "$B/length?size=0"
expect_body no-content "" "$B/empty"
expect_body head "" "$B/length?size=1000" --method=HEAD
expect_body interim "after the hints
" "$B/interim"

# ---- requests with bodies ---------------------------------------------------------------
expect_body post "POST 7
a=1&b=2" "$B/echo" --data='a=1&b=2'
expect_body put "PUT 3
xyz" "$B/echo" --method=PUT --data=xyz
expect_body post-empty "POST 0
" "$B/echo" --method=POST

# ---- redirects ------------------------------------------------------------------------
# Relative path, absolute path, scheme-relative, absolute URI with a host name (resolved).
expect_body chain-of-4 "GET /chain/0?x=1 localhost:$P 0
" "$B/chain/4"
expect_body post-303-get "GET 0
" "$B/to?code=303&loc=%2Fecho" --data=abc
expect_body post-302-get "GET 0
" "$B/to?code=302&loc=echo" --data=abc
expect_body post-301-get "GET 0
" "$B/to?code=301&loc=http%3A%2F%2Flocalhost%3A$P%2Fecho" --data=abc
expect_body post-307-post "POST 3
abc" "$B/to?code=307&loc=%2Fecho" --data=abc
expect_body post-308-post "POST 3
abc" "$B/to?code=308&loc=%2F%2F127.0.0.1%3A$P%2Fecho" --data=abc
expect_body put-302-put "PUT 3
abc" "$B/to?code=302&loc=%2Fecho" --method=PUT --data=abc
expect_fail loop-default "more than 5 redirects" "$B/loop"
fetch hits-before $Q --uri="$B/hits"
expect_fail loop-3 "more than 3 redirects" "$B/loop" --max-redirects=3
fetch hits-after $Q --uri="$B/hits"
before=$(sed -n 's|^/loop ||p' "$TMP/hits-before.out")
after=$(sed -n 's|^/loop ||p' "$TMP/hits-after.out")
if [ "$((after - before))" = 4 ]; then ok "loop-3: the server saw 4 requests (the first and 3 redirects)"
else fail loop-3-hits "the server saw $((after - before)) requests, want 4"; fi
# --max-redirects=0 follows none: the 302 is the answer (below 400: a success).
expect_body no-follow "see elsewhere
" "$B/to?code=302&loc=%2Fhello" --max-redirects=0
expect_fail to-https "TLS is a later issue" "$B/to?code=302&loc=https%3A%2F%2Flocalhost%2F"

# ---- time limits and broken answers -----------------------------------------------------
expect_fail slow-answer "timed out" "$B/slow?delay=5" --timeout=1
ms=$(ms_of slow-answer)
if [ "$ms" -ge 900 ] && [ "$ms" -lt 4000 ]; then ok "slow-answer: gave up after $ms ms (--timeout=1)"
else fail slow-answer-time "gave up after $ms ms, want about 1000"; fi
expect_fail stalled-body "timed out" "$B/stall?delay=5" --timeout=1
ms=$(ms_of stalled-body)
if [ "$ms" -ge 900 ] && [ "$ms" -lt 4000 ]; then ok "stalled-body: gave up after $ms ms (--timeout=1)"
else fail stalled-body-time "gave up after $ms ms, want about 1000"; fi
expect_body slow-but-in-time "late
" "$B/slow?delay=1" --timeout=5
expect_fail short-body "before the end of the body" "$B/short?size=1000"
expect_fail bad-chunk "a malformed chunked body" "$B/badchunk"
expect_fail not-found "answered 404 Not Found" "$B/nothing-here"
grep -q -F "no such thing" "$TMP/not-found.out" && ok "not-found: the error page is printed too" ||
    fail not-found "the 404's body is not printed"

# ---- what cannot be fetched ---------------------------------------------------------------
dead=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
expect_fail refused "connection refused" "http://127.0.0.1:$dead/"
expect_fail no-such-host "resolving no-such-host.invalid" "http://no-such-host.invalid/"
expect_fail https "TLS is a later issue" "https://127.0.0.1:$P/"
expect_fail ipv6-literal "IPv6 comes with a later issue" "http://[::1]:$P/"
expect_fail not-a-uri "no scheme" "127.0.0.1:$P/hello"
expect_fail bad-timeout "--timeout=0" "$B/hello" --timeout=0

# ---- our own server: examples/static-website on unix ----------------------------------------
if [ -d "$ROOT/examples/static-website" ]; then
    . "$ROOT/tests/http/lib/website.sh"
    if ws_build "$TMP/www" unix; then
        WP=$(ws_free_port)
        (cd "$TMP/www" && exec "$WS_IMAGE" --port="$WP") >"$TMP/www.out" 2>&1 &
        WWW=$!
        PEER="$PEER $WWW"
        if ws_wait_http "http://127.0.0.1:$WP/" 20 "$WWW"; then
            for f in index.html logo.png style.css; do
                fetch "website-$f" $Q --uri="http://127.0.0.1:$WP/$f"
                want=$(sha_of "$TMP/www/htdocs/$f")
                if [ "$(rc_of "website-$f")" = 0 ] && [ "$(sha_of "$TMP/website-$f.out")" = "$want" ]; then
                    ok "website-$f: the file's SHA-256, from the static website"
                else fail "website-$f" "exit $(rc_of "website-$f"), or not the file's bytes"; fi
            done
            expect_fail website-404 "answered 404 Not Found" "http://127.0.0.1:$WP/no-such-page"
        else
            fail website "the static website did not answer"
        fi
    else
        fail website "examples/static-website does not build"
        tail -n 10 "$TMP/www.log" | sed 's/^/    | /'
    fi
fi

# ---- nginx ----------------------------------------------------------------------------------
NGX=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x "$NGX" ]; then
    echo "skip - client/nginx: nginx is not installed (scripts/deps.sh installs it)"
    exit 0
fi
N=$TMP/ngx
mkdir -p "$N/html/dir" "$N/logs" "$N/tmp"
printf 'nginx index\n' >"$N/html/dir/index.html"
"$PY" -c "import sys; sys.path.insert(0, '$ROOT/tests/http/lib'); import http_peer; \
open('$N/html/big.bin', 'wb').write(http_peer.body('length', 10485760))"
NP=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$N/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $N/nginx.pid;
error_log $N/logs/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $N/tmp/body;
    proxy_temp_path $N/tmp/proxy;
    fastcgi_temp_path $N/tmp/fastcgi;
    uwsgi_temp_path $N/tmp/uwsgi;
    scgi_temp_path $N/tmp/scgi;
    types { text/html html; application/octet-stream bin; }
    server {
        listen 127.0.0.1:$NP;
        root $N/html;
        location = /old { return 301 /dir/; }
        location = /elsewhere { return 302 $B/echo; }
    }
}
EOF
"$NGX" -p "$N" -c "$N/nginx.conf" >"$N/logs/stdout" 2>&1 &
NGINX=$!
i=0
until "$PY" -c "import socket; socket.create_connection(('127.0.0.1', $NP), 1)" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -ge 50 ] || ! kill -0 "$NGINX" 2>/dev/null; then
        fail nginx "nginx did not start"
        cat "$N/logs/stdout" "$N/logs/error.log" 2>/dev/null | tail -n 5 | sed 's/^/    | /'
        exit 0
    fi
    sleep 0.1
done
NB=http://127.0.0.1:$NP
expect_sha nginx-10MiB length 10485760 "$NB/big.bin"
expect_body nginx-dir-redirect "nginx index
" "$NB/dir"
expect_body nginx-return-301 "nginx index
" "$NB/old"
expect_body nginx-to-python "GET 0
" "$NB/elsewhere"
expect_body nginx-head "" "$NB/big.bin" --method=HEAD
expect_fail nginx-404 "answered 404 Not Found" "$NB/missing"
expect_fail nginx-405 "answered 405 Method Not Allowed" "$NB/big.bin" --data=x
