#!/bin/sh
# targets.sh: the static website on every target: unix over the host's sockets (127.0.0.1, a free
# port), unix --net=direct, spt and hvt over a tap in a namespace. On each: curl checks of GET, HEAD,
# 404, byte ranges (206, 416), If-None-Match and If-Modified-Since (304), content types and a
# folder's index; a thousand keep-alive connections open at once, three requests on each
# (tests/http/lib/http_conns.c); wrk with no socket error and no non-2xx response, for WRK_LONG
# seconds (default 60) on unix's sockets and WRK_SHORT (10) on the others. Then the smallest --mem
# (whole MiB, bisected) at which the website still serves on spt and hvt (the aim is 2 MiB).
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)
export PATH="$ROOT/build/bin:$PATH"
. "$ROOT/tests/http/lib/website.sh"
HT=$ROOT/examples/static-website/htdocs
HTDOCS=$HT
WRK_LONG=${WRK_LONG:-60}
WRK_SHORT=${WRK_SHORT:-10}
# The load runs silence the access log (a line per request on the console); the rest keep it.
QUIET='*:info,access:warning'

ok() { echo "ok - targets/$1"; }
fail() {
    echo "not ok - targets/$1: $2"
    for f in ${3:-}; do
        [ -f "$f" ] && tail -n 15 "$f" | sed 's/^/    | /'
    done
}

for c in curl wrk python3 cc nc; do
    command -v "$c" >/dev/null 2>&1 || { echo "skip - targets: no $c (scripts/deps.sh installs it)"; exit 0; }
done
# shellcheck disable=SC3045 # dash and bash both have ulimit -n
ulimit -n 8192 2>/dev/null || true
TMP=$(mktemp -d)
UNIX_PID=""
trap '[ -n "$UNIX_PID" ] && kill "$UNIX_PID" 2>/dev/null; rm -rf "$TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! cc -O2 -Wall -Wextra -Werror -o "$TMP/http_conns" "$ROOT/tests/http/lib/http_conns.c" 2>"$TMP/cc.log"; then
    fail "cc tests/http/lib/http_conns.c" "failed" "$TMP/cc.log"
    exit 1
fi

# hdr FILE NAME: the value of header NAME in the header dump FILE (the last response's), no CR.
hdr() { tr -d '\r' <"$1" | awk -v n="$2" 'BEGIN { n = tolower(n) }
    /^HTTP\// { v = "" } { split($0, a, ": "); if (tolower(a[1]) == n) { v = substr($0, length(a[1]) + 3) } }
    END { print v }'; }

# checks TAG BASE LOG RUN...: the curl checks against BASE (http://IP:PORT) with curl run under
# RUN... (nothing, or ip netns exec NS); one ok/not ok line per feature.
checks() {
    tag=$1 base=$2 log=$3
    shift 3
    d=$TMP/c-$tag
    mkdir -p "$d"
    ccurl() { # curl under RUN with our arguments: ccurl OUT-BODY OUT-HEADERS ARGS...
        _b=$1 _h=$2
        shift 2
        # shellcheck disable=SC2086
        $RUNP curl -s -m 20 -o "$_b" -D "$_h" -w '%{http_code}' "$@" 2>/dev/null
    }
    RUNP="$*"

    # GET / is index.html, byte for byte, as text/html.
    st=$(ccurl "$d/index" "$d/index.h" "$base/")
    ct=$(hdr "$d/index.h" content-type)
    if [ "$st" = 200 ] && cmp -s "$d/index" "$HT/index.html" && case $ct in text/html*) true ;; *) false ;; esac; then
        ok "$tag: GET / is index.html ($(stat -c %s "$d/index") bytes, $ct)"
    else
        fail "$tag: GET / is index.html" "status $st, type '$ct', $(stat -c %s "$d/index" 2>/dev/null) bytes" "$log"
    fi

    # HEAD: the GET's headers (length), no body: a GET pipelined behind it on the same connection
    # must come back whole, so a body after the HEAD's head would show. (curl -I writes the
    # headers as its output: no body to look at there.)
    st=$(ccurl "$d/head" "$d/head.h" -I "$base/logo.png")
    len=$(hdr "$d/head.h" content-length)
    size=$(stat -c %s "$HT/logo.png")
    host=${base#http://}
    printf 'HEAD /logo.png HTTP/1.1\r\nHost: %s\r\n\r\nGET /style.css HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' \
        "$host" "$host" | $RUNP timeout 20 nc -N "${host%:*}" "${host##*:}" >"$d/headget" 2>/dev/null
    want=$(python3 - "$d/headget" "$HT/style.css" <<'EOF'
import sys
raw = open(sys.argv[1], "rb").read()
css = open(sys.argv[2], "rb").read()
h1 = raw.find(b"\r\n\r\n")
rest = raw[h1 + 4:]
h2 = rest.find(b"\r\n\r\n")
ok = raw.startswith(b"HTTP/1.1 200") and rest.startswith(b"HTTP/1.1 200") and rest[h2 + 4:] == css
print("yes" if ok else "no: %d bytes after the HEAD's head, starting %r" % (len(rest), rest[:24]))
EOF
)
    if [ "$st" = 200 ] && [ "$len" = "$size" ] && [ "$want" = yes ]; then
        ok "$tag: HEAD /logo.png: 200, Content-Length $len, no body (a pipelined GET follows intact)"
    else
        fail "$tag: HEAD /logo.png" "status $st, Content-Length '$len' (file $size), pipelined GET: $want" "$log"
    fi

    # 404 with the site's 404 page.
    st=$(ccurl "$d/404" "$d/404.h" "$base/no/such/page.html")
    if [ "$st" = 404 ] && cmp -s "$d/404" "$HT/404.html"; then
        ok "$tag: a missing page is 404 with htdocs/404.html"
    else
        fail "$tag: a missing page is 404 with htdocs/404.html" "status $st" "$log"
    fi

    # Content types and a folder's index.
    bad=""
    for pt in style.css:text/css logo.png:image/png docs/keys.txt:text/plain; do
        p=${pt%%:*} t=${pt#*:}
        st=$(ccurl "$d/ct" "$d/ct.h" "$base/$p")
        ct=$(hdr "$d/ct.h" content-type)
        case "$st $ct" in "200 $t"*) cmp -s "$d/ct" "$HT/$p" || bad="$bad $p(body)" ;; *) bad="$bad $p($st $ct)" ;; esac
    done
    st=$(ccurl "$d/docs" "$d/docs.h" "$base/docs/")
    { [ "$st" = 200 ] && cmp -s "$d/docs" "$HT/docs/index.html"; } || bad="$bad docs/($st)"
    if [ -z "$bad" ]; then ok "$tag: content types (css, png, txt) and /docs/ is docs/index.html"; else
        fail "$tag: content types and folder index" "wrong:$bad" "$log"; fi

    # Byte ranges: the first 100 bytes, the last 100, and one past the end (416).
    head -c 100 "$HT/logo.png" >"$d/first"
    tail -c 100 "$HT/logo.png" >"$d/last"
    st1=$(ccurl "$d/r1" "$d/r1.h" -H 'Range: bytes=0-99' "$base/logo.png")
    cr1=$(hdr "$d/r1.h" content-range)
    st2=$(ccurl "$d/r2" "$d/r2.h" -H 'Range: bytes=-100' "$base/logo.png")
    cr2=$(hdr "$d/r2.h" content-range)
    st3=$(ccurl "$d/r3" "$d/r3.h" -H "Range: bytes=$size-" "$base/logo.png")
    cr3=$(hdr "$d/r3.h" content-range)
    if [ "$st1" = 206 ] && [ "$cr1" = "bytes 0-99/$size" ] && cmp -s "$d/r1" "$d/first" &&
        [ "$st2" = 206 ] && [ "$cr2" = "bytes $((size - 100))-$((size - 1))/$size" ] && cmp -s "$d/r2" "$d/last" &&
        [ "$st3" = 416 ] && [ "$cr3" = "bytes */$size" ]; then
        ok "$tag: Range: 206 for 0-99 and -100 (bytes equal), 416 past the end"
    else
        fail "$tag: Range" "0-99: $st1 '$cr1'; -100: $st2 '$cr2'; $size-: $st3 '$cr3'" "$log"
    fi

    # Conditional requests: the ETag gets 304 and no body; another ETag gets 200; so does
    # If-Modified-Since with the Last-Modified.
    ccurl "$d/css" "$d/css.h" "$base/style.css" >/dev/null
    etag=$(hdr "$d/css.h" etag)
    lm=$(hdr "$d/css.h" last-modified)
    st1=$(ccurl "$d/inm" "$d/inm.h" -H "If-None-Match: $etag" "$base/style.css")
    st2=$(ccurl "$d/inm2" "$d/inm2.h" -H 'If-None-Match: "not-this-one"' "$base/style.css")
    st3=$(ccurl "$d/ims" "$d/ims.h" -H "If-Modified-Since: $lm" "$base/style.css")
    if [ -n "$etag" ] && [ "$st1" = 304 ] && [ ! -s "$d/inm" ] && [ "$st2" = 200 ] &&
        cmp -s "$d/inm2" "$HT/style.css" && [ -n "$lm" ] && [ "$st3" = 304 ]; then
        ok "$tag: If-None-Match $etag: 304, no body; another ETag: 200; If-Modified-Since: 304"
    else
        fail "$tag: conditional requests" "ETag '$etag': $st1; other: $st2; Last-Modified '$lm': $st3" "$log"
    fi
}

# conns TAG IP PORT LOG RUN...: a thousand keep-alive connections at once.
conns() {
    tag=$1 ip=$2 port=$3 log=$4
    shift 4
    out=$("$@" "$TMP/http_conns" "$ip" "$port" 1000 3 / 120 2>&1)
    case $out in
    ok*) ok "$tag: 1000 keep-alive connections open at once, 3 GETs on each ($out)" ;;
    *) fail "$tag: 1000 keep-alive connections at once" "$out" "$log" ;;
    esac
}

# load TAG URL SECONDS LOG PID RUN...: wrk, 2 threads, 100 connections; no socket error, no
# non-2xx response, and the unikernel still answers afterwards.
load() {
    tag=$1 url=$2 secs=$3 log=$4 pid=$5
    shift 5
    "$@" wrk -t 2 -c 100 -d "${secs}s" --latency "$url" >"$TMP/wrk-$tag.txt" 2>&1
    reqs=$(sed -n 's/^ *\([0-9][0-9]*\) requests in .*/\1/p' "$TMP/wrk-$tag.txt")
    rate=$(sed -n 's/^Requests\/sec: *//p' "$TMP/wrk-$tag.txt")
    errs=$(grep -E 'Socket errors|Non-2xx' "$TMP/wrk-$tag.txt" | tr -s ' ' | paste -sd';' -)
    after=$(ws_status "$url" "$@")
    if [ -n "$reqs" ] && [ "$reqs" -gt 0 ] && [ -z "$errs" ] && [ "$after" = 200 ] && ws_alive "$pid"; then
        ok "$tag: wrk ${secs} s, 100 connections: $reqs requests ($rate/s), no socket error, no non-2xx"
    else
        fail "$tag: wrk ${secs} s with no error" "requests '${reqs:-none}', errors '${errs:-none}', then GET / $after" \
            "$TMP/wrk-$tag.txt $log"
    fi
}

# ---- unix, host sockets, 127.0.0.1 ----
if ws_build "$TMP/www-unix" unix; then
    ok "unix: static-website builds"
    PORT=$(ws_free_port)
    "$WS_IMAGE" --port="$PORT" --ipv4=127.0.0.1/8 --ipv4-only -l "$QUIET" >"$TMP/unix.log" 2>&1 </dev/null &
    UNIX_PID=$!
    if ws_wait_http "http://127.0.0.1:$PORT/" 20 "$UNIX_PID"; then
        checks unix "http://127.0.0.1:$PORT" "$TMP/unix.log"
        conns unix 127.0.0.1 "$PORT" "$TMP/unix.log"
        load unix "http://127.0.0.1:$PORT/" "$WRK_LONG" "$TMP/unix.log" "$UNIX_PID"
    else
        fail "unix: static-website serves on 127.0.0.1:$PORT" "no answer" "$TMP/unix.log"
    fi
    kill "$UNIX_PID" 2>/dev/null
    wait "$UNIX_PID" 2>/dev/null
    UNIX_PID=""
else
    fail "unix: static-website builds" "mirage configure -t unix && make failed" "$TMP/www-unix.log"
fi

# ---- the direct stack: unix --net=direct, spt, hvt on a tap in a namespace ----
. "$ROOT/tests/net/lib/netns.sh"
nn_init targets
nn_at_exit "rm -rf '$TMP'"
UK=$NN_UK_IP

for T in unix spt hvt; do
    tag=$T
    [ "$T" = unix ] && tag=unix-direct
    nn_target_ok "$T" || continue
    args=""
    [ "$T" = unix ] && args="--net=direct"
    # shellcheck disable=SC2086
    if ! ws_build "$TMP/www-$tag" "$T" $args; then
        fail "$tag: static-website builds" "mirage configure -t $T $args && make failed" "$TMP/www-$tag.log"
        continue
    fi
    ok "$tag: static-website builds ($(basename "$WS_IMAGE"))"
    IMG=$WS_IMAGE
    nn_setup
    # A thousand connections are a thousand fibers with their stacks and buffers: more than the
    # tenders' default 32 MiB (the bisection below finds what serving at all needs).
    ws_tap_start "$T" "$IMG" "$TMP/$tag.log" 256 -l "$QUIET"
    PID=$NN_PID
    if ! ws_wait_http "http://$UK/" 20 "$PID" ip netns exec "$NN_NS"; then
        fail "$tag: static-website serves on the tap" "no answer" "$TMP/$tag.log"
        nn_stop "$PID"
        continue
    fi
    checks "$tag" "http://$UK:80" "$TMP/$tag.log" ip netns exec "$NN_NS"
    conns "$tag" "$UK" 80 "$TMP/$tag.log" ip netns exec "$NN_NS"
    load "$tag" "http://$UK/" "$WRK_SHORT" "$TMP/$tag.log" "$PID" ip netns exec "$NN_NS"
    nn_stop "$PID"

    # The smallest --mem that still serves (tests/http/lib/website.sh: ws_serves says what
    # that means), bisected on whole MiB between the tenders' minimum (2) and 64.
    [ "$T" = unix ] && continue
    mkdir -p "$TMP/mem-$tag"
    if ws_min_mem "$T" "$IMG" "$TMP/http_conns" "$TMP/mem-$tag"; then
        ok "$tag: smallest --mem that serves: $WS_MIN_MEM MiB (aim: 2); at $WS_MIN_WHY"
    else
        fail "$tag: smallest --mem that serves" "$WS_MIN_WHY" "$TMP/mem-$tag/mem64.log"
    fi
done
exit 0
