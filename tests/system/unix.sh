#!/bin/sh
# unix.sh: system tests of the unix target: the target-independent tests/system/uk_*.c unikernels as Linux programs,
# with spt.sh's expectations (SUCCESS, status 0) and the unix ways to fail (a stack smash aborts, a wild address is SIGSEGV).
#
# Not here: uk_alloc (it measures the freestanding libc's heap), uk_sandbox
# (spt's seccomp filter) and the tender's refusals: unix has no tender.
set -u
cd "$(dirname "$0")/../.." || exit 1
root=$(pwd)
out=build/tests/system/unix
if [ ! -f build/lib/mirage/unix/libmirage-runtime.a ]; then
    echo "skip - system/unix: the unix target is not built (make)"
    exit 0
fi
rm -rf "$out" && mkdir -p "$out"
# shellcheck disable=SC3045 # dash and bash have -c
ulimit -c 0 # the expected faults leave no core files

for name in uk_hello uk_cmdline uk_globals uk_clock uk_fpu uk_tls uk_block uk_fault; do
    if ! sh tests/system/build-image.sh unix "$out/$name" "tests/system/$name.c" >"$out/$name.build.log" 2>&1; then
        echo "not ok - unix/build/$name: does not build"
        sed 's/^/    /' "$out/$name.build.log" | head -n 20
    fi
done

# check NAME STATUS REGEX PROGRAM ARGS...: runs PROGRAM in $out (where the
# block device "disk" is a file), stdout and stderr together; wants exit
# status STATUS (128 + N: killed by signal N) and a line matching REGEX.
check() {
    name=$1 want=$2 re=$3 prog=$4
    shift 4
    log=$root/$out/$name.log
    (cd "$out" && exec timeout 60 "./$prog" "$@") >"$log" 2>&1
    rc=$?
    if [ ! -x "$out/$prog" ]; then
        echo "not ok - unix/$name: $prog was not built"
    elif [ "$rc" -ne "$want" ]; then
        echo "not ok - unix/$name: exit status $rc, wanted $want"
        tail -n 5 "$log" | sed 's/^/    /'
    elif ! grep -Eq -- "$re" "$log"; then
        echo "not ok - unix/$name: no line matches /$re/"
        tail -n 5 "$log" | sed 's/^/    /'
    else
        echo "ok - unix/$name"
    fi
}

# ---- unikernels that must succeed ----
check hello 0 '^SUCCESS: hello$' uk_hello
check cmdline 0 '^SUCCESS: cmdline$' uk_cmdline --hello=hi 'a b' '' 'back\slash' ' lead'
check globals 0 '^SUCCESS: globals$' uk_globals
check clock 0 '^SUCCESS: clock$' uk_clock
check fpu 0 '^SUCCESS: fpu$' uk_fpu
check tls 0 '^SUCCESS: tls$' uk_tls
c1=$(grep -o 'canary 0x[0-9a-f]*' "$out/tls.log")
check tls-again 0 '^SUCCESS: tls$' uk_tls
c2=$(grep -o 'canary 0x[0-9a-f]*' "$out/tls-again.log")
if [ -n "$c1" ] && [ "$c1" != "$c2" ]; then echo "ok - unix/tls-canary-random"; else
    echo "not ok - unix/tls-canary-random: '$c1' then '$c2'"; fi

# ---- block devices: on unix, "disk" is the file of that name ----
disk=$out/disk
truncate -s 1M "$disk"
check block 0 '^SUCCESS: block$' uk_block 512 rw
if [ "$(head -c 5 "$disk")" = FIRST ] && [ "$(tail -c 512 "$disk" | head -c 4)" = LAST ]; then
    echo "ok - unix/block-file-contents"
else
    echo "not ok - unix/block-file-contents: FIRST/LAST not where the unikernel wrote them"
fi
chmod 444 "$disk"
if [ "$(id -u)" -eq 0 ]; then
    echo "skip - unix/block-read-only: root opens a mode-444 file for writing anyway"
else
    check block-read-only 0 '^SUCCESS: block read-only$' uk_block 512 ro
fi
rm -f "$disk"
check block-missing 1 'FAIL: .*mg_plat_block_open\("disk"' uk_block 512 rw

# ---- expected failures: the host's own ways to end a faulty process ----
check stack-smash 134 '^\*\*\* stack smashing detected \*\*\*' uk_fault smash
check fault-wild-address 139 '^fault case: wild$' uk_fault wild
check fault-zero-page 139 '^fault case: zero$' uk_fault zero
check fault-write-rodata 139 '^fault case: rodata$' uk_fault rodata
check fault-exec-data 139 '^fault case: exec$' uk_fault exec
check abort 134 '^fault case: abort$' uk_fault abort
check exit-status-flushed 7 'unflushed tail' uk_fault exit7
for log in "$out"/fault-*.log "$out"/stack-smash.log "$out"/abort.log; do
    if grep -q SUCCESS "$log"; then echo "not ok - unix/$(basename "$log" .log): went on after the fault"; fi
done
exit 0
