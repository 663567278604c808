#!/bin/sh
# examples.sh: configures and builds every example for unix in a scratch copy,
# runs each and checks what it prints, when, and its exit status.
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

if ! command -v mirage >/dev/null 2>&1; then
    echo "not ok - examples: no mirage on PATH (run through tests/run.sh after make)"
    exit 1
fi

ok() { echo "ok - examples/$1"; }
fail() { echo "not ok - examples/$1: $2"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# The unikernel's registered name: the folder's, but for clock (as in MirageOS).
artefact() { if [ "$1" = clock ]; then echo speaking_clock; else echo "$1"; fi; }

# build NAME: copy examples/NAME to $TMP and `mirage configure -t unix && make` there.
build() {
    cp -r "$ROOT/examples/$1" "$TMP/$1"
    if (cd "$TMP/$1" && mirage configure -t unix && make) >"$TMP/$1.build" 2>&1 &&
        [ -x "$TMP/$1/dist/$(artefact "$1")" ]; then
        ok "$1: configure and make"
        return 0
    fi
    fail "$1" "configure or make failed"
    tail -n 20 "$TMP/$1.build" | sed 's/^/    | /'
    return 1
}

# start TAG NAME ARGS...: run example NAME's artefact in the background with a time limit;
# each output line is stamped with the milliseconds since start. Results:
# $TMP/TAG.out (stamped lines), $TMP/TAG.rc, $TMP/TAG.ms (total time).
start() {
    tag=$1 name=$2
    shift 2
    (
        t0=$(now_ms)
        { timeout 60 "$TMP/$name/dist/$(artefact "$name")" "$@" </dev/null 2>&1; echo $? >"$TMP/$tag.rc"; } |
            while IFS= read -r line; do echo "$(($(now_ms) - t0)) $line"; done >"$TMP/$tag.out"
        echo $(($(now_ms) - t0)) >"$TMP/$tag.ms"
    ) &
}

rc_of() { cat "$TMP/$1.rc" 2>/dev/null || echo none; }
ms_of() { cat "$TMP/$1.ms" 2>/dev/null || echo 0; }
# lines TAG PATTERN: the stamped lines whose text matches the ERE pattern.
lines() { grep -E "^[0-9]+ .*$2" "$TMP/$1.out"; }
# line_is TAG ERE: some line's whole text (after the stamp) matches.
line_is() { grep -q -E "^[0-9]+ $2\$" "$TMP/$1.out"; }
show() { sed 's/^/    | /' "$TMP/$1.out"; }

# gaps_about STAMPS MIN MAX: every gap between consecutive stamps is in [MIN, MAX] ms.
gaps_about() {
    prev=""
    for t in $1; do
        if [ -n "$prev" ]; then
            d=$((t - prev))
            { [ "$d" -ge "$2" ] && [ "$d" -le "$3" ]; } || return 1
        fi
        prev=$t
    done
}
between() { [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }

NAMES="noop hello hello-key app_info heads1 heads2 timeout1 timeout2 echo_server clock"
built=""
for n in $NAMES; do
    build "$n" && built="$built $n"
done
has() { case " $built " in *" $1 "*) return 0 ;; esac; return 1; }

# The runs mostly sleep, so they go side by side.
has noop && start noop noop
has hello && start hello hello
if has hello-key; then
    start hk_default hello-key
    start hk_hi hello-key --hello=hi
    start hk_help hello-key --help
    start hk_badlogs hello-key --logs='*:loud'
    start hk_unknown hello-key --no-such-key=1
fi
has app_info && start app_info app_info
has heads1 && start heads1 heads1
has heads2 && start heads2 heads2
has timeout1 && start timeout1 timeout1 -l debug
has timeout2 && start timeout2 timeout2 -l debug
has echo_server && start echo_server echo_server
has clock && start clock clock
wait

if has noop; then
    if [ "$(rc_of noop)" = 0 ] && [ "$(ms_of noop)" -lt 1000 ]; then ok "noop: exits 0 at once"
    else fail noop "status $(rc_of noop) after $(ms_of noop) ms"; show noop; fi
fi

if has hello; then
    stamps=$(lines hello '\[INFO\] \[application\] hello$' | cut -d' ' -f1)
    if [ "$(rc_of hello)" = 0 ] && [ "$(echo "$stamps" | grep -c .)" -eq 4 ] &&
        gaps_about "$stamps" 850 1400; then
        ok "hello: four hellos one second apart, exit 0"
    else
        fail hello "status $(rc_of hello), hello lines at: $(echo $stamps)"; show hello
    fi
fi

if has hello-key; then
    n=$(lines hk_default '\[INFO\] \[application\] Hello World!$' | grep -c .)
    if [ "$(rc_of hk_default)" = 0 ] && [ "$n" -eq 4 ]; then ok "hello-key: the default, 4 times"
    else fail hello-key "default: status $(rc_of hk_default), $n lines"; show hk_default; fi
    stamps=$(lines hk_hi '\[INFO\] \[application\] hi$' | cut -d' ' -f1)
    if [ "$(rc_of hk_hi)" = 0 ] && [ "$(echo "$stamps" | grep -c .)" -eq 4 ] &&
        gaps_about "$stamps" 850 1400 && ! grep -q 'Hello World' "$TMP/hk_hi.out"; then
        ok "hello-key: --hello=hi says hi 4 times"
    else fail hello-key "--hello=hi: status $(rc_of hk_hi)"; show hk_hi; fi
    if [ "$(rc_of hk_help)" = 63 ] && grep -q -- '--hello' "$TMP/hk_help.out" &&
        grep -q 'How to say hello' "$TMP/hk_help.out"; then
        ok "hello-key: --help documents --hello and exits 63"
    else fail hello-key "--help: status $(rc_of hk_help)"; show hk_help; fi
    if [ "$(rc_of hk_badlogs)" = 64 ] && [ "$(rc_of hk_unknown)" = 64 ] &&
        ! grep -q 'application' "$TMP/hk_badlogs.out" "$TMP/hk_unknown.out"; then
        ok "hello-key: a bad key value or an unknown key exits 64 before running"
    else
        fail hello-key "bad --logs: status $(rc_of hk_badlogs); unknown key: status $(rc_of hk_unknown)"
        show hk_badlogs; show hk_unknown
    fi
fi

if has app_info; then
    if [ "$(rc_of app_info)" = 0 ] && line_is app_info 'name = app_info' &&
        line_is app_info 'target = unix' && line_is app_info 'libraries = \[.*console.*\]' &&
        line_is app_info 'keys = \[.*\]'; then
        ok "app_info: shows its name, target, libraries and keys"
    else fail app_info "status $(rc_of app_info)"; show app_info; fi
fi

# heads TAG: Heads at 1 s, Tails at 2 s, Finished right after, nothing else.
check_heads() {
    h=$(lines "$1" '\[application\] Heads$' | cut -d' ' -f1)
    t=$(lines "$1" '\[application\] Tails$' | cut -d' ' -f1)
    f=$(lines "$1" '\[application\] Finished$' | cut -d' ' -f1)
    if [ "$(rc_of "$1")" = 0 ] && [ -n "$h" ] && [ -n "$t" ] && [ -n "$f" ] &&
        [ "$(grep -c '\[application\]' "$TMP/$1.out")" -eq 3 ] &&
        between "$h" 900 1500 && between "$t" 1900 2500 && between $((f - t)) 0 200; then
        ok "$1: Heads at 1 s, Tails at 2 s, then Finished"
    else fail "$1" "status $(rc_of "$1"), Heads at ${h:-never}, Tails at ${t:-never}, Finished at ${f:-never}"; show "$1"; fi
}
has heads1 && check_heads heads1
has heads2 && check_heads heads2

# timeout TAG EARLY: the random sleep (from the debug line) decides who wins;
# the answer comes at 2 s (timeout1 always waits; timeout2 when it loses), or
# when the sleeper returns (timeout2, EARLY=yes).
check_timeout() {
    s=$(lines "$1" '\[DEBUG\] \[application\] sleeping [0-9]+ ms$' | sed 's/.*sleeping \([0-9]*\) ms$/\1/')
    r=$(lines "$1" '\[INFO\] \[application\] Returned "Heads"$' | cut -d' ' -f1)
    c=$(lines "$1" '\[INFO\] \[application\] Cancelled$' | cut -d' ' -f1)
    good=no
    if [ "$(rc_of "$1")" = 0 ] && [ -n "$s" ] && [ "$s" -lt 3000 ]; then
        if [ -n "$r" ] && [ -z "$c" ] && [ "$s" -le 2020 ]; then
            want=2000; [ "$2" = yes ] && want=$s
            between "$r" $((want - 100)) $((want + 500)) && good=yes
        elif [ -n "$c" ] && [ -z "$r" ] && [ "$s" -ge 1980 ]; then
            between "$c" 1900 2500 && good=yes
        fi
    fi
    if [ $good = yes ]; then ok "$1: slept $s ms, the right side won in time"
    else fail "$1" "status $(rc_of "$1"), slept ${s:-?} ms, Returned at ${r:-never}, Cancelled at ${c:-never}"; show "$1"; fi
}
has timeout1 && check_timeout timeout1 no
has timeout2 && check_timeout timeout2 yes

if has echo_server; then
    n=$(grep -c -E '^[0-9]+ a*$' "$TMP/echo_server.out")
    total=$(grep -c . "$TMP/echo_server.out")
    maxlen=$(sed 's/^[0-9]* //' "$TMP/echo_server.out" | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')
    if [ "$(rc_of echo_server)" = 0 ] && [ "$n" -eq 10 ] && [ "$total" -eq 10 ] &&
        [ "$maxlen" -lt 20 ] && [ "$(ms_of echo_server)" -lt 26000 ]; then
        ok "echo_server: ten lines of fewer than 20 a's"
    else fail echo_server "status $(rc_of echo_server), $n of $total lines of a's, longest $maxlen"; show echo_server; fi
fi

if has clock; then
    pat='\[INFO\] \[application\] [0-9]+ nanoseconds have elapsed\. At the stroke, the time will be [0-9T:.+-]+ \*BEEP\*$'
    els=$(lines clock "$pat" | sed 's/.*\] \([0-9]*\) nanoseconds.*/\1/')
    walls=$(lines clock "$pat" | sed 's/.*time will be \([^ ]*\) .*/\1/')
    now=$(date +%s)
    good=yes
    [ "$(rc_of clock)" = 0 ] && [ "$(echo "$els" | grep -c .)" -eq 3 ] || good=no
    # The monotonic readings one second apart (in ms, to stay within sh arithmetic).
    [ $good = yes ] && { gaps_about "$(for e in $els; do echo $((e / 1000000)); done)" 900 1400 || good=no; }
    for w in $walls; do
        ws=$(date -d "$w" +%s 2>/dev/null) || { good=no; break; }
        between "$ws" $((now - 30)) $((now + 2)) || good=no
    done
    if [ $good = yes ]; then ok "clock: three readings, monotonic 1 s apart, wall clock now (RFC 3339)"
    else fail clock "status $(rc_of clock)"; show clock; fi
fi
exit 0
