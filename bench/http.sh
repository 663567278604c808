#!/bin/sh
# http.sh: the static website (examples/static-website) against nginx serving the same files, in one
# run per target, interleaved: RUNS (default 5) rounds of one wrk run of DUR (10) seconds against
# each; the result is the median of the rounds' ratios:
#  - unix: the website over the host's sockets and nginx, both on loopback;
#  - spt, hvt and unix --net=direct (TARGETS, default all four): the website on a tap in a
#    namespace against nginx in a second namespace behind a veth pair (bench/tcp.sh's topology for
#    its kernel peer); wrk runs in the first namespace either way.
# The load: wrk, one thread (the client gets one of the two cores, the server the other: nginx has
# one worker, the unikernel one thread), CONNS (32) keep-alive connections, GET / (index.html, the
# small page). Access logs are off for both (ACCESS_LOG=on: on for both: the unikernel's to its
# console, redirected to a file, nginx's to a file). nginx is set up for speed on small files:
# worker_processes 1, Debian's mime types, sendfile off and open_file_cache on (the fastest of the
# four combinations tried here: Debian's default sendfile + tcp_nopush served half as many small
# pages a second), keepalive_requests raised so that it does not recycle wrk's connections (the
# unikernel never does).
# Then the stripped image of the website on each target and the smallest --mem (whole MiB) at which
# it still serves on spt and hvt (tests/http/lib/website.sh: ws_min_mem). Prints markdown rows:
# question | peer | result | detail. Needs root for the namespaces; those rows are skipped without.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$ROOT/build/bin:$PATH"
RUNS=${RUNS:-5}
DUR=${DUR:-10}
CONNS=${CONNS:-32}
TARGETS=${TARGETS:-unix spt hvt unix-direct}
ACCESS_LOG=${ACCESS_LOG:-off}
HTDOCS=$ROOT/examples/static-website/htdocs
. "$ROOT/tests/http/lib/website.sh"
TMP=$(mktemp -d)
chmod 755 "$TMP"
PIDS=""
finish() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    [ -n "${NN_NAME:-}" ] && nn_cleanup
    rm -rf "$TMP"
}
trap finish EXIT
trap 'finish; exit 130' INT
trap 'finish; exit 143' TERM
# shellcheck disable=SC3045 # dash and bash both have ulimit -n
ulimit -n 8192 2>/dev/null || true

for c in wrk nginx curl python3; do
    command -v "$c" >/dev/null 2>&1 || { echo "| static website vs nginx | | skipped | no $c (scripts/deps.sh installs it) |"; exit 0; }
done
cc -O2 -o "$TMP/http_conns" "$ROOT/tests/http/lib/http_conns.c" || exit 1
cp -r "$HTDOCS" "$TMP/htdocs"
chmod -R a+rX "$TMP/htdocs"
SMALL=$(stat -c %s "$HTDOCS/index.html")
NGINX_V=$(nginx -v 2>&1 | sed 's/.*nginx\///')
if [ "$ACCESS_LOG" = on ]; then UKLOG='*:info'; else UKLOG='*:warning'; fi

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }

# nginx_conf NAME LISTEN: a configuration for one worker serving the copy of htdocs on LISTEN.
nginx_conf() {
    mkdir -p "$TMP/$1"
    if [ "$ACCESS_LOG" = on ]; then al="access_log $TMP/$1/access.log;"; else al="access_log off;"; fi
    cat >"$TMP/$1/nginx.conf" <<EOF
user root;
worker_processes 1;
daemon off;
pid $TMP/$1/nginx.pid;
error_log $TMP/$1/error.log;
events { worker_connections 4096; }
http {
    sendfile off;
    open_file_cache max=1000 inactive=60s;
    open_file_cache_valid 60s;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    $al
    keepalive_timeout 65;
    keepalive_requests 10000000;
    client_body_temp_path $TMP/$1/body;
    proxy_temp_path $TMP/$1/proxy;
    fastcgi_temp_path $TMP/$1/fastcgi;
    uwsgi_temp_path $TMP/$1/uwsgi;
    scgi_temp_path $TMP/$1/scgi;
    server {
        listen $2;
        root $TMP/htdocs;
        index index.html;
        error_page 404 /404.html;
    }
}
EOF
}

# wrk_rate RUN... URL: requests/s of one wrk run ("0" when it had errors: they are said on stderr).
wrk_rate() {
    "$@" -t 1 -c "$CONNS" -d "${DUR}s" >"$TMP/wrk.txt" 2>&1
    if grep -q -E 'Socket errors|Non-2xx' "$TMP/wrk.txt"; then
        echo "bench/http.sh: wrk errors: $(grep -E 'Socket errors|Non-2xx' "$TMP/wrk.txt" | tr -s ' ')" >&2
    fi
    sed -n 's/^Requests\/sec: *//p' "$TMP/wrk.txt" | grep . || echo 0
}

# measure TAG UK-URL PEER-URL RUN...: RUNS interleaved wrk runs against each; the rates in
# TMP/TAG.{uk,peer}; load averages before and after in TMP/TAG.load.
measure() {
    tag=$1 uku=$2 peeru=$3
    shift 3
    # A first short run of each warms both (caches, ARP, the unikernel's heap).
    "$@" wrk -t 1 -c "$CONNS" -d 2s "$uku" >/dev/null 2>&1
    "$@" wrk -t 1 -c "$CONNS" -d 2s "$peeru" >/dev/null 2>&1
    echo "before: $(cut -d' ' -f1-3 /proc/loadavg)" >"$TMP/$tag.load"
    for _ in $(seq "$RUNS"); do
        wrk_rate "$@" wrk "$uku" >>"$TMP/$tag.uk"
        wrk_rate "$@" wrk "$peeru" >>"$TMP/$tag.peer"
    done
    echo "after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$TMP/$tag.load"
}

# row TAG WHERE PEER: the table row of a measure.
row() {
    u=$(median <"$TMP/$1.uk")
    p=$(median <"$TMP/$1.peer")
    lo=$(sort -g "$TMP/$1.uk" | head -n 1) hi=$(sort -g "$TMP/$1.uk" | tail -n 1)
    plo=$(sort -g "$TMP/$1.peer" | head -n 1) phi=$(sort -g "$TMP/$1.peer" | tail -n 1)
    # The result is the median of each round's ratio (the two runs of a round are next to each
    # other in time, so load that comes and goes hits both); the medians of the rates are the detail.
    r=$(paste "$TMP/$1.uk" "$TMP/$1.peer" | awk '{ print ($2 > 0 ? $1 / $2 : 0) }' | median)
    echo "| static website, $SMALL B page, keep-alive, requests/s ($2) | $3 | $(ratio "$r" 1) |" \
        "median of the rounds' ratios; medians $u vs $p req/s (ranges $lo-$hi vs $plo-$phi), $RUNS interleaved rounds of $DUR s each," \
        "wrk -t1 -c$CONNS, access logs $ACCESS_LOG; load $(paste -sd' ' "$TMP/$1.load"); aim 1.0x |"
}
skip_row() { # WHERE WHY
    echo "| static website, $SMALL B page, keep-alive, requests/s ($1) | nginx $NGINX_V, 1 worker | skipped | $2 |"
}

IMAGES=""
# build TAG: the website for TAG (unix, unix-direct, spt, hvt) in TMP/www-TAG; its image in IMG.
build() {
    case $1 in
    unix-direct) ws_build "$TMP/www-$1" unix --net=direct ;;
    *) ws_build "$TMP/www-$1" "$1" ;;
    esac || return 1
    IMG=$WS_IMAGE
    IMAGES="$IMAGES $1=$IMG"
}

# ---- unix: host sockets, loopback ----
case " $TARGETS " in *" unix "*)
    if build unix; then
        P1=$(ws_free_port)
        "$IMG" --port="$P1" --ipv4=127.0.0.1/8 --ipv4-only -l "$UKLOG" >"$TMP/unix.log" 2>&1 </dev/null &
        UPID=$!
        PIDS="$PIDS $UPID"
        P2=$(ws_free_port)
        nginx_conf ng-unix "127.0.0.1:$P2"
        nginx -p "$TMP/ng-unix" -c "$TMP/ng-unix/nginx.conf" >"$TMP/ng-unix.out" 2>&1 </dev/null &
        NPID=$!
        PIDS="$PIDS $NPID"
        if ws_wait_http "http://127.0.0.1:$P1/" 20 "$UPID" && ws_wait_http "http://127.0.0.1:$P2/" 20 "$NPID"; then
            measure unix "http://127.0.0.1:$P1/" "http://127.0.0.1:$P2/"
            row unix "unix, host sockets, loopback" "nginx $NGINX_V, 1 worker, same files, loopback"
        else
            skip_row "unix, host sockets, loopback" "a server did not start: $(tail -n 1 "$TMP/unix.log" "$TMP/ng-unix/error.log" 2>/dev/null | tr '\n' ' ' | cut -c1-120)"
        fi
        kill "$UPID" "$NPID" 2>/dev/null
        wait "$UPID" "$NPID" 2>/dev/null
    else
        skip_row "unix, host sockets, loopback" "the website does not build: $(grep -m1 -E 'error|mirage:' "$TMP/www-unix.log" | cut -c1-120)"
    fi
    ;;
esac

# ---- the direct stack on a tap: nginx behind a veth in a second namespace ----
TAPS=""
for t in $TARGETS; do
    case $t in
    unix) ;;
    spt | hvt)
        if [ ! -x "$ROOT/build/bin/mirage-$t" ] || [ ! -f "$ROOT/build/lib/mirage/$t/$t.ld" ]; then
            skip_row "$t, tap in a namespace" "the $t target is not built (make FREESTANDING=\"spt hvt\")"
        elif [ "$t" = hvt ] && { [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; }; then
            skip_row "hvt, tap in a namespace" "no /dev/kvm"
        else
            TAPS="$TAPS $t"
        fi ;;
    unix-direct) TAPS="$TAPS $t" ;;
    *) echo "bench/http.sh: unknown target $t" >&2 ;;
    esac
done
if [ -n "$TAPS" ] && { [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ]; }; then
    for t in $TAPS; do skip_row "$t, tap in a namespace" "needs root and /dev/net/tun"; done
    TAPS=""
fi
if [ -n "$TAPS" ]; then
    . "$ROOT/tests/net/lib/netns.sh"
    NN_NAME=bench-http
    nn_setup # NN_NS: tap0 with the kernel at 10.0.0.1/24; the unikernel is 10.0.0.2
    A=$NN_NS
    nn_ns # nginx's namespace, on a veth from A
    B=$NN_NS
    NN_NS=$A
    if ! nn_veth "$A" veth0 10.0.1.1/24 "$B" veth1 10.0.1.2/24; then
        for t in $TAPS; do skip_row "$t, tap in a namespace" "cannot make a veth pair"; done
        TAPS=""
    else
        nginx_conf ng-tap "10.0.1.2:80"
        nn_bg "$B" "$TMP/ng-tap.out" nginx -p "$TMP/ng-tap" -c "$TMP/ng-tap/nginx.conf"
        NGPID=$NN_PID
        if ! ws_wait_http "http://10.0.1.2/" 20 "$NGPID" ip netns exec "$A"; then
            for t in $TAPS; do skip_row "$t, tap in a namespace" "nginx did not start in the namespace"; done
            TAPS=""
        fi
    fi
fi
for t in $TAPS; do
    where="$t, tap in a namespace"
    [ "$t" = unix-direct ] && where="unix --net=direct, tap in a namespace"
    peer="nginx $NGINX_V, 1 worker, same files, veth in the same namespace topology"
    if ! build "$t"; then
        skip_row "$where" "the website does not build: $(grep -m1 -E 'error|mirage:' "$TMP/www-$t.log" | cut -c1-120)"
        continue
    fi
    tt=$t
    [ "$t" = unix-direct ] && tt=unix
    ws_tap_start "$tt" "$IMG" "$TMP/$t.log" 32 -l "$UKLOG"
    UPID=$NN_PID
    if ! ws_wait_http "http://$NN_UK_IP/" 20 "$UPID" ip netns exec "$A"; then
        skip_row "$where" "the website did not start: $(tail -n 1 "$TMP/$t.log" | cut -c1-120)"
        nn_stop "$UPID"
        continue
    fi
    measure "$t" "http://$NN_UK_IP/" "http://10.0.1.2/" ip netns exec "$A"
    row "$t" "$where" "$peer"
    nn_stop "$UPID"
done

# ---- stripped images ----
for e in $IMAGES; do
    t=${e%%=*} img=${e#*=}
    strip -o "$TMP/stripped" "$img"
    case $t in
    unix) note="host sockets; dynamically linked against glibc" ;;
    unix-direct) note="the direct stack; dynamically linked against glibc" ;;
    *) note="static: the direct stack, HTTP engine, crunched htdocs, runtime, libc, platform; aim < 160 KiB (163840 bytes)" ;;
    esac
    echo "| static website image on $t, stripped | | $(stat -c %s "$TMP/stripped") bytes | $note |"
done

# ---- the smallest --mem that serves ----
for t in $TAPS; do
    case $t in spt | hvt) ;; *) continue ;; esac
    img=$(echo "$IMAGES" | tr ' ' '\n' | sed -n "s/^$t=//p")
    mkdir -p "$TMP/mem-$t"
    NN_NS=$A
    if ws_min_mem "$t" "$img" "$TMP/http_conns" "$TMP/mem-$t"; then
        echo "| smallest --mem at which the website serves on $t | | $WS_MIN_MEM MiB | whole MiB, bisected 2..64; serves: GET /, the logo, a 404, 10 keep-alive connections x 3 GETs; $WS_MIN_WHY; aim 2 MiB |"
    else
        echo "| smallest --mem at which the website serves on $t | | failed | $WS_MIN_WHY |"
    fi
done
exit 0
