#!/bin/sh
# targets.sh: every example built for spt and hvt by `mirage configure -t T && make`, checked to be a
# static ELF with its device manifest, and run under its tender: the lines the unix build prints, at the same times.
#
# Each example is copied to a scratch folder and built there for unix (the
# reference) and for each freestanding target that is built. The runs go
# side by side; each output line is stamped with the milliseconds since its
# run started. A target that is not built, or whose tender cannot run here
# (no seccomp for spt, no usable /dev/kvm for hvt), is skipped with the
# reason; images are still built and checked when only the run is impossible.
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
M=$ROOT/build/bin/mirage
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
unset MIRAGE_DEFAULT_TARGET

ok() { echo "ok - targets/$1"; }
fail() { echo "not ok - targets/$1: $2"; }
skip() { echo "skip - targets/$1: $2"; }
show() { sed 's/^/    | /' "$1" | head -n "${2:-20}"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

[ -x "$M" ] || { fail mirage "$M is not built (make)"; exit 1; }

# ---- which targets: built here, and able to run here ---------------------
targets="" runnable=""
for t in spt hvt; do
    if [ ! -f "build/lib/mirage/$t/.stamp" ] || [ ! -x "build/bin/mirage-$t" ]; then
        skip "$t" "the $t target is not built (make FREESTANDING=\"spt hvt\")"
        continue
    fi
    targets="$targets $t"
    why=""
    case $t in
    spt) grep -q '^Seccomp:' /proc/self/status || why="this kernel has no seccomp" ;;
    hvt) { [ -r /dev/kvm ] && [ -w /dev/kvm ]; } || why="no usable /dev/kvm" ;;
    esac
    if [ -n "$why" ]; then
        skip "$t/run" "$why: images are built and checked, not run"
    else
        runnable="$runnable $t"
    fi
done
[ -n "$targets" ] || exit 0
can_run() { case " $runnable " in *" $1 "*) return 0 ;; esac; return 1; }

# ---- what each example needs (every other example needs nothing) --------
# Arguments of its runs, on every target.
args_of() {
    case $1 in
    hello-key) echo "--hello=hi" ;;
    timeout1 | timeout2) echo "-l debug" ;;
    ramdisk) echo "--scratch-ramdisk-size=1" ;;
    esac
}
# The files its unix build opens as block devices (spt and hvt get the
# manifest's devices from the tender instead): "FILE=MANIFEST-NAME".
unix_disks_of() {
    case $1 in
    block) echo "disk.img=storage" ;;
    esac
}
# What configure must refuse on a target, and the words of its message: the
# example needs a device that target does not have yet.
refused_on() {
    case $1/$2 in
    http-fetch/spt | http-fetch/hvt) echo "the DNS client is a later issue" ;;
    esac
}
refused() { [ -f "$TMP/$1.$2.refused" ]; }
# Runs whose timing is random: no line-by-line timing comparison.
random_timing() { case $1 in timeout1 | timeout2 | echo_server) return 0 ;; esac; return 1; }

# Scratch unikernels beside the examples. rng, whose generator is BearSSL's
# (Debian's static libbearssl.a linked into the image).
mkdir -p "$TMP/src/rng"
cat >"$TMP/src/rng/config.c" <<'C'
#include <mirage.h>

void configure(void)
{
    struct impl *j = foreign("rng_start", fn(RANDOM, JOB));
    register_unikernel("rng_check", JOBS(apply(j, rng())));
}
C
cat >"$TMP/src/rng/unikernel.c" <<'C'
#include <mirage/log.h>
#include <mirage/random.h>

int rng_start(struct mg_random *r)
{
    unsigned char a[16], b[16];
    if (mg_random_generate(r, a, sizeof a) < 0 || mg_random_generate(r, b, sizeof b) < 0)
        return 1;
    int same = 1;
    for (int i = 0; i < 16; i++)
        same &= a[i] == b[i];
    mg_log_info(NULL, "rng %s %02x%02x%02x%02x", same ? "stuck" : "draws", a[0], a[1], a[2], a[3]);
    return same;
}
C

# Another: the block checks of examples/block on a ramdisk (no tender device).
mkdir -p "$TMP/src/ramdisk"
cp examples/block/unikernel.c "$TMP/src/ramdisk/"
cat >"$TMP/src/ramdisk/config.c" <<'C'
#include <mirage.h>

void configure(void)
{
    struct impl *block = foreign("block_start", fn(BLOCK, JOB));
    register_unikernel("ramdisk_check", JOBS(apply(block, ramdisk("scratch"))));
}
C

# ---- build: unix, then each target, in one scratch copy ------------------
# build NAME SRC: sets $dir; 0 if every build worked.
built=""
build() {
    n=$1 dir=$TMP/$1
    cp -r "$2" "$dir"
    for t in unix $targets; do
        log=$TMP/$n.$t.build
        why=$(refused_on "$n" "$t")
        if [ -n "$why" ]; then
            if (cd "$dir" && "$M" configure -t "$t") >"$log" 2>&1; then
                fail "$n/$t" "configure accepted it; it should refuse: $why"
            elif grep -q "config.c:[0-9]*: .*$why" "$log"; then
                ok "$n/$t: configure refuses it at its line: $why"
            else
                fail "$n/$t" "configure failed without saying: $why"
                show "$log"
            fi
            touch "$TMP/$n.$t.refused"
            continue
        fi
        if ! (cd "$dir" && "$M" configure -t "$t" && make) >"$log" 2>&1; then
            fail "$n/$t" "configure or make failed"
            show "$log"
            return 1
        fi
        grep '^run: ' "$log" >"$TMP/$n.$t.hint"
    done
    built="$built $n"
}

# check_image NAME TARGET: dist/ARTEFACT.TARGET is a static ELF executable
# whose manifest note lists what `mirage query manifest` says.
check_image() {
    n=$1 t=$2 dir=$TMP/$1
    art=$(cat "$TMP/$n.name")
    img=$dir/dist/$art.$t
    (cd "$dir" && "$M" query manifest -t "$t") >"$TMP/$n.$t.mft" 2>&1 || {
        fail "$n/$t" "mirage query manifest failed"
        show "$TMP/$n.$t.mft"
        return 1
    }
    ndev=$(grep -c . "$TMP/$n.$t.mft")
    h=$(readelf -hlW "$img" 2>&1)
    notes=$(readelf -nW "$img" 2>&1)
    objcopy --dump-section .note.mirage.manifest="$TMP/$n.$t.note" "$img" "$TMP/$n.$t.tmp" 2>/dev/null
    # The note's entries: a 20-byte note header, version and count, then 72-byte entries.
    names=""
    if [ -f "$TMP/$n.$t.note" ]; then
        count=$(od -An -tu4 -j 24 -N 4 "$TMP/$n.$t.note" | tr -d ' ')
        i=0
        while [ "$i" -lt "${count:-0}" ]; do
            nm=$(dd if="$TMP/$n.$t.note" bs=1 skip=$((28 + 72 * i)) count=64 2>/dev/null | tr -d '\000')
            ty=$(od -An -tu4 -j $((28 + 72 * i + 64)) -N 4 "$TMP/$n.$t.note" | tr -d ' ')
            kind=block
            [ "$ty" = 2 ] && kind=net
            names="$names$nm $kind
"
            i=$((i + 1))
        done
    fi
    if ! echo "$h" | grep -q 'Type: *EXEC'; then
        fail "$n/$t" "$img is not an ELF executable"
    elif echo "$h" | grep -qE '^ *(INTERP|DYNAMIC)'; then
        fail "$n/$t" "$img is not static"
    elif ! echo "$notes" | grep -qE "MIRAGE +0x0*$(printf '%x' $((8 + 72 * ndev)))[[:space:]].*0x5446464d"; then
        fail "$n/$t" "readelf -n shows no MIRAGE note of $ndev devices"
        echo "$notes" | sed 's/^/    | /'
    elif [ "$names" != "$(cat "$TMP/$n.$t.mft")
" ] && [ "$ndev" -gt 0 ]; then
        fail "$n/$t" "the note's devices are not the manifest's: $(echo "$names" | tr '\n' ' ')"
    else
        ok "$n/$t: a static ELF executable with its manifest ($ndev devices)"
        return 0
    fi
    return 1
}

# ---- runs ---------------------------------------------------------------
# start NAME TARGET: run the artefact in the background with a time limit.
# Results: $TMP/NAME.TARGET.{out,rc,ms}; out lines are "MS TEXT".
start() {
    n=$1 t=$2 dir=$TMP/$1
    art=$(cat "$TMP/$n.name")
    # shellcheck disable=SC2046
    set -- $(args_of "$n")
    if [ "$t" = unix ]; then
        for d in $(unix_disks_of "$n"); do
            dd if=/dev/zero of="$dir/${d%%=*}" bs=512 count=2048 2>/dev/null
        done
        set -- "./dist/$art" "$@"
    else
        devs=""
        while read -r name kind; do
            img=$TMP/$n.$t.$name.img
            dd if=/dev/zero of="$img" bs=512 count=2048 2>/dev/null
            devs="$devs --$kind:$name=$img"
        done <"$TMP/$n.$t.mft"
        # shellcheck disable=SC2086
        set -- "$ROOT/build/bin/mirage-$t" $devs -- "dist/$art.$t" "$@"
    fi
    (
        cd "$dir" || exit 1
        t0=$(now_ms)
        { timeout 60 "$@" </dev/null 2>&1; echo $? >"$TMP/$n.$t.rc"; } |
            while IFS= read -r line; do echo "$(($(now_ms) - t0)) $line"; done >"$TMP/$n.$t.out"
        echo $(($(now_ms) - t0)) >"$TMP/$n.$t.ms"
    ) &
}

# The text of a run's lines, made comparable between targets: no stamps, no
# wall-clock prefixes, the target's own name as @T@, and what is random made
# constant (sleep lengths and who won, lines of a's, clock readings, draws).
normalise() { # NAME TARGET
    n=$1 t=$2
    sed -E -e 's/^[0-9]+ //' \
        -e 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+([+-][0-9:]+|Z): //' \
        -e "s/^target = $t\$/target = @T@/" -e "s/target=$t([];])/target=@T@\\1/" \
        "$TMP/$n.$t.out" | case $n in
    timeout1 | timeout2)
        sed -E -e 's/sleeping [0-9]+ ms$/sleeping N ms/' \
            -e 's/(Returned "Heads"|Cancelled)$/OUTCOME/' ;;
    echo_server) sed -E 's/^a*$/LINE/' ;;
    clock) sed -E 's/[0-9]+/N/g' ;;
    rng) sed -E 's/draws [0-9a-f]+$/draws X/' ;;
    block) sed -E 's/block device disk\.img:/block device storage:/' ;;
    *) cat ;;
    esac
}

# timeout NAME TARGET: the random sleep decided who won, in time (as on unix).
timeout_right() {
    f=$TMP/$1.$2.out
    s=$(sed -n -E 's/^[0-9]+ .*sleeping ([0-9]+) ms$/\1/p' "$f")
    r=$(sed -n -E 's/^([0-9]+) .*Returned "Heads"$/\1/p' "$f")
    c=$(sed -n -E 's/^([0-9]+) .*Cancelled$/\1/p' "$f")
    [ -n "$s" ] || return 1
    if [ -n "$r" ]; then
        want=2000
        [ "$1" = timeout2 ] && want=$s
        [ "$s" -le 2020 ] && [ "$r" -ge $((want - 100)) ] && [ "$r" -le $((want + 500)) ]
    else
        [ -n "$c" ] && [ "$s" -ge 1980 ] && [ "$c" -ge 1900 ] && [ "$c" -le 2500 ]
    fi
}

# stamps_close NAME TARGET: each line came within 400 ms of the unix line.
stamps_close() {
    cut -d' ' -f1 "$TMP/$1.unix.out" >"$TMP/$1.unix.ms.list"
    cut -d' ' -f1 "$TMP/$1.$2.out" | paste -d' ' "$TMP/$1.unix.ms.list" - |
        while read -r a b; do
            [ -n "$b" ] && [ $((a - b)) -le 400 ] && [ $((b - a)) -le 400 ] || echo far
        done | grep -q far && return 1
    return 0
}

# ---- everything -----------------------------------------------------------
for src in examples/*/ "$TMP/src/rng/" "$TMP/src/ramdisk/"; do
    [ -f "$src/config.c" ] || continue
    n=$(basename "$src")
    build "$n" "$src" || continue
    (cd "$TMP/$n" && "$M" query name) >"$TMP/$n.name" 2>/dev/null
    for t in $targets; do
        refused "$n" "$t" || { check_image "$n" "$t" && touch "$TMP/$n.$t.image-ok"; }
    done
done
has() { case " $built " in *" $1 "*) return 0 ;; esac; return 1; }

# A unikernel on a network needs a tap device on every target: the network
# tests (tests/net) run those; here they are built and checked only.
runs=""
for n in $built; do
    if ls "$TMP/$n".*.refused >/dev/null 2>&1; then
        skip "$n/run" "no freestanding build to compare with (refused at configure); tests/http runs it"
    elif cat "$TMP/$n".*.mft 2>/dev/null | grep -q ' net$'; then
        skip "$n/run" "it needs a tap device (built and checked here, run by the network tests)"
    else
        runs="$runs $n"
    fi
done

for n in $runs; do
    start "$n" unix
    for t in $runnable; do [ -f "$TMP/$n.$t.image-ok" ] && start "$n" "$t"; done
done
wait

for n in $built; do
    art=$(cat "$TMP/$n.name")
    urc=$(cat "$TMP/$n.unix.rc" 2>/dev/null || echo none)
    [ -f "$TMP/$n.unix.out" ] && normalise "$n" unix >"$TMP/$n.unix.norm"
    if [ "$(cat "$TMP/$n.unix.hint")" != "run: ./dist/$art" ]; then
        fail "$n/unix" "configure says \"$(cat "$TMP/$n.unix.hint")\", not run: ./dist/$art"
    fi
    for t in $targets; do
        refused "$n" "$t" && continue
        # configure said how to run it
        want="mirage-$t"
        while read -r name kind; do
            want="$want --$kind:$name=$([ "$kind" = net ] && echo TAP || echo FILE)"
        done <"$TMP/$n.$t.mft"
        want="$want -- dist/$art.$t"
        hint=$(sed 's/^run: //; s|^[^ ]*/mirage-|mirage-|' "$TMP/$n.$t.hint")
        if [ "$hint" = "$want" ]; then ok "$n/$t: configure says run: $want"
        else fail "$n/$t" "configure says \"$(cat "$TMP/$n.$t.hint")\", not run: $want"; fi
        case " $runs " in *" $n "*) ;; *) continue ;; esac
        can_run "$t" && [ -f "$TMP/$n.$t.image-ok" ] || continue

        rc=$(cat "$TMP/$n.$t.rc" 2>/dev/null || echo none)
        normalise "$n" "$t" >"$TMP/$n.$t.norm"
        if [ "$rc" != "$urc" ]; then
            fail "$n/$t" "exit status $rc under mirage-$t, $urc on unix"
            show "$TMP/$n.$t.out"
        elif ! cmp -s "$TMP/$n.unix.norm" "$TMP/$n.$t.norm"; then
            fail "$n/$t" "prints other lines than on unix"
            diff -u "$TMP/$n.unix.norm" "$TMP/$n.$t.norm" | head -n 30 | sed 's/^/    | /'
        elif ! random_timing "$n" && ! stamps_close "$n" "$t"; then
            fail "$n/$t" "the lines come at other times than on unix"
            paste -d'|' "$TMP/$n.unix.out" "$TMP/$n.$t.out" | head -n 20 | sed 's/^/    | /'
        elif case $n in timeout*) ! timeout_right "$n" "$t" ;; *) false ;; esac; then
            fail "$n/$t" "the wrong side won, or not in time"
            show "$TMP/$n.$t.out"
        else
            ok "$n/$t: under mirage-$t, the same $(grep -c . "$TMP/$n.$t.norm") lines and exit status $rc as on unix"
        fi
        # What the unikernel wrote to its disks is what it wrote on unix.
        for d in $(unix_disks_of "$n"); do
            if cmp -s "$TMP/$n/${d%%=*}" "$TMP/$n.$t.${d#*=}.img"; then
                ok "$n/$t: the disk ${d#*=} holds what ${d%%=*} holds on unix"
            else fail "$n/$t" "the disk ${d#*=} differs from ${d%%=*} on unix"; fi
        done
    done
done

# Examples whose checks must not pass vacuously.
for n in hello hello-key app_info block ramdisk; do
    [ -f "$TMP/$n.unix.norm" ] || continue
    case $n in
    hello) c=$(grep -c '\[application\] hello$' "$TMP/$n.unix.norm") want=4 ;;
    hello-key) c=$(grep -c '\[application\] hi$' "$TMP/$n.unix.norm") want=4 ;;
    app_info) c=$(grep -c '^target = @T@$' "$TMP/$n.unix.norm") want=1 ;;
    block | ramdisk) c=$(grep -c 'Total tests failed: 0$' "$TMP/$n.unix.norm") want=1 ;;
    esac
    if [ "$c" -eq "$want" ]; then ok "$n: the reference run on unix prints what it should"
    else fail "$n" "the unix run is not a reference ($c of $want expected lines)"; show "$TMP/$n.unix.out"; fi
done

# ---- refusals at configure time -------------------------------------------
for t in $targets; do
    b=$TMP/badname.$t
    mkdir -p "$b"
    printf '#include <mirage.h>\n\nvoid configure(void)\n{\n    struct impl *d = block_of_file("disk.img");\n    register_unikernel("b", JOBS(apply(foreign("s", fn(BLOCK, JOB)), d)));\n}\n' >"$b/config.c"
    if (cd "$b" && "$M" configure -t "$t") >"$b/log" 2>&1; then
        fail "$t/bad-name" "configure accepted the block device name disk.img"
    elif grep -qF "config.c:5: block device \"disk.img\" cannot be named in a $t image's device manifest" "$b/log"; then
        ok "$t/bad-name: configure refuses a block name the manifest cannot carry, at its line"
    else
        fail "$t/bad-name" "no error at config.c:5"
        show "$b/log"
    fi
done
if has block; then
    if (cd "$TMP/block" && "$M" query manifest -t unix) >"$TMP/q.log" 2>&1; then
        fail "unix/query-manifest" "mirage query manifest -t unix answered"
    elif grep -q "a unix unikernel has no device manifest" "$TMP/q.log"; then
        ok "unix/query-manifest: a unix unikernel has no manifest, and says so"
    else fail "unix/query-manifest" "$(cat "$TMP/q.log")"; fi
fi
exit 0
