# website.sh: building and starting examples/static-website for tests/http/{browser,targets}.sh and
# bench/http.sh (sourced; POSIX sh, works under `set -u`).
#
#   . "$ROOT/tests/http/lib/website.sh"
#   ws_build DIR TARGET [CONFIGURE-ARGS...]   copy of the example in DIR, `mirage configure -t
#                                             TARGET ARGS && make`; log in DIR.log; WS_IMAGE: the image
#   ws_free_port                              prints a TCP port free on 127.0.0.1 now
#   ws_alive PID                              PID runs (and is not a zombie)
#   ws_wait_http URL SECONDS [PID [RUN...]]   waits until URL answers with any status (curl, run
#                                             under RUN..., e.g. ip netns exec NS); fails early when
#                                             PID has exited
#   ws_status URL [RUN...]                    prints the HTTP status curl gets for URL (000: none)
#
# ROOT must be set to the tree; the mirage tool is taken from $ROOT/build/bin. The functions for a
# unikernel on a tap are further down.

WS_IMAGE=""

# ws_build DIR TARGET [ARGS...]: the website as a user builds it, from a fresh copy.
ws_build() {
    _ws_d=$1
    _ws_t=$2
    shift 2
    rm -rf "$_ws_d"
    cp -r "$ROOT/examples/static-website" "$_ws_d" || return 1
    rm -rf "$_ws_d/dist" "$_ws_d/_build" "$_ws_d/mirage" "$_ws_d/Makefile"
    (cd "$_ws_d" && PATH="$ROOT/build/bin:$PATH" mirage configure -t "$_ws_t" "$@" &&
        PATH="$ROOT/build/bin:$PATH" make) >"$_ws_d.log" 2>&1 || return 1
    case $_ws_t in
    unix) WS_IMAGE=$_ws_d/dist/www ;;
    *) WS_IMAGE=$_ws_d/dist/www.$_ws_t ;;
    esac
    [ -x "$WS_IMAGE" ]
}

# ws_free_port: a port nothing listens on now (the kernel's choice for port 0, then released).
ws_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ws_status URL [RUN...]: the status line's code, or 000 when there was no answer in 10 s.
ws_status() {
    _ws_u=$1
    shift
    "$@" curl -s -o /dev/null -m 10 -w '%{http_code}' "$_ws_u" 2>/dev/null || true
}

# ws_alive PID: PID runs. A child that has exited but is not reaped yet (a zombie: its parent
# waits in a command substitution) counts as gone, which kill -0 alone does not say.
ws_alive() {
    kill -0 "$1" 2>/dev/null || return 1
    case $(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null) in Z* | X* | "") return 1 ;; esac
    return 0
}

# ws_wait_http URL SECONDS [PID [RUN...]]: until the server answers at all.
ws_wait_http() {
    _ws_u=$1
    _ws_n=$(($2 * 5))
    _ws_p=${3:-}
    if [ $# -ge 3 ]; then shift 3; else shift $#; fi
    while [ "$_ws_n" -gt 0 ]; do
        _ws_c=$("$@" curl -s -o /dev/null -m 2 -w '%{http_code}' "$_ws_u" 2>/dev/null)
        case $_ws_c in 000 | "") ;; *) return 0 ;; esac
        if [ -n "$_ws_p" ] && ! ws_alive "$_ws_p"; then return 1; fi
        sleep 0.2
        _ws_n=$((_ws_n - 1))
    done
    return 1
}

# ---- on a tap in a namespace (after tests/net/lib/netns.sh, with NN_NS made by nn_setup) ----
#   ws_tap_start TARGET IMAGE LOG MEM [ARGS...]  the website (unix --net=direct, spt or hvt) on
#                                   $NN_TAP in $NN_NS at $NN_UK_IP, port 80; NN_PID its pid (MEM:
#                                   the tender's --mem, unused on unix)
#   ws_serves CONNS PID             prints "serves" when http://$NN_UK_IP/ is right: GET / and the
#                                   logo byte for byte, a 404, and 10 keep-alive connections of 3
#                                   GETs each (CONNS: the built tests/http/lib/http_conns.c);
#                                   else what went wrong
#   ws_min_mem TARGET IMAGE CONNS LOGDIR  bisects the smallest whole --mem in MiB (2..64) at which
#                                   ws_serves says "serves": WS_MIN_MEM (0: not even 64),
#                                   WS_MIN_WHY (what the unikernel said one MiB below)
# HTDOCS must name the example's htdocs folder (the reference bytes).

ws_tap_start() {
    _ws_t=$1 _ws_img=$2 _ws_log=$3 _ws_mem=$4
    shift 4
    # Each start brings a new MAC and the unikernel does not announce itself (--arp-probe=false):
    # the kernel must not keep the last one's.
    ip -n "$NN_NS" neigh flush dev "$NN_TAP" 2>/dev/null
    case $_ws_t in
    unix) nn_bg "$NN_NS" "$_ws_log" "$_ws_img" --interface="$NN_TAP" --ipv4="$NN_UK_IP/$NN_PREFIX" \
        --arp-probe=false --port=80 "$@" ;;
    *) nn_bg "$NN_NS" "$_ws_log" "$ROOT/build/bin/mirage-$_ws_t" --mem="$_ws_mem" --net:service="$NN_TAP" \
        -- "$_ws_img" --ipv4="$NN_UK_IP/$NN_PREFIX" --arp-probe=false --port=80 "$@" ;;
    esac
}

ws_serves() {
    _ws_b=http://$NN_UK_IP
    ws_wait_http "$_ws_b/" 15 "$2" ip netns exec "$NN_NS" || { echo "no answer"; return 1; }
    _ws_f=$(mktemp -d)
    _ws_1=$(ip netns exec "$NN_NS" curl -s -m 10 -o "$_ws_f/i" -w '%{http_code}' "$_ws_b/")
    _ws_2=$(ip netns exec "$NN_NS" curl -s -m 10 -o "$_ws_f/l" -w '%{http_code}' "$_ws_b/logo.png")
    _ws_3=$(ip netns exec "$NN_NS" curl -s -m 10 -o /dev/null -w '%{http_code}' "$_ws_b/nope")
    _ws_r="GET / $_ws_1, /logo.png $_ws_2, /nope $_ws_3"
    if [ "$_ws_1" = 200 ] && [ "$_ws_2" = 200 ] && [ "$_ws_3" = 404 ] &&
        cmp -s "$_ws_f/i" "$HTDOCS/index.html" && cmp -s "$_ws_f/l" "$HTDOCS/logo.png"; then
        _ws_r=$(ip netns exec "$NN_NS" "$1" "$NN_UK_IP" 80 10 3 / 20 2>&1) && _ws_r=serves
    fi
    rm -rf "$_ws_f"
    [ "$_ws_r" = serves ] && ! ws_alive "$2" && _ws_r="exited"
    echo "$_ws_r"
    [ "$_ws_r" = serves ]
}

# shellcheck disable=SC2034 # WS_MIN_MEM and WS_MIN_WHY are the results, for the caller
ws_min_mem() {
    _ws_mt=$1 _ws_mi=$2 _ws_mc=$3 _ws_ml=$4
    WS_MIN_MEM=0
    WS_MIN_WHY="below the tenders' minimum of 2 MiB"
    ws_tap_start "$_ws_mt" "$_ws_mi" "$_ws_ml/mem64.log" 64 -l '*:info,access:warning'
    _ws_r=$(ws_serves "$_ws_mc" "$NN_PID")
    nn_stop "$NN_PID"
    if [ "$_ws_r" != serves ]; then
        WS_MIN_WHY="does not serve with 64 MiB: $_ws_r"
        return 1
    fi
    _ws_lo=1 _ws_hi=64
    while [ $((_ws_hi - _ws_lo)) -gt 1 ]; do
        _ws_m=$(((_ws_lo + _ws_hi) / 2))
        ws_tap_start "$_ws_mt" "$_ws_mi" "$_ws_ml/mem$_ws_m.log" "$_ws_m" -l '*:info,access:warning'
        _ws_r=$(ws_serves "$_ws_mc" "$NN_PID")
        nn_stop "$NN_PID"
        if [ "$_ws_r" = serves ]; then _ws_hi=$_ws_m; else
            _ws_lo=$_ws_m
            WS_MIN_WHY="$_ws_m MiB: $_ws_r ($(grep -m1 -E 'ERROR|rror' "$_ws_ml/mem$_ws_m.log" | sed 's/^[^[]*//' | cut -c1-100))"
        fi
    done
    WS_MIN_MEM=$_ws_hi
}
