#!/bin/sh
# hvt.sh: system tests of the hvt target: the tests/system/uk_*.c unikernels under build/bin/mirage-hvt (a KVM VM,
# the guest at CPL3), the TSC clocks against the host's, the tender's own sandbox, and images it refuses.
. "$(dirname "$0")/hvt/lib.sh"
hvt_setup system/hvt
out=$HVT_OUT

images=""
for src in tests/system/uk_hello.c tests/system/uk_cmdline.c tests/system/uk_globals.c tests/system/uk_clock.c \
    tests/system/uk_fpu.c tests/system/uk_tls.c tests/system/uk_alloc.c tests/system/uk_block.c \
    tests/system/hvt/uk_tsc.c tests/system/hvt/uk_hostile.c tests/system/hvt/uk_entropy.c tests/system/hvt/uk_net.c; do
    name=$(basename "$src" .c)
    if hvt_image "$out/$name.hvt" "$src" >/dev/null; then images="$images $name"; else
        echo "not ok - hvt/build/$name: does not build"
        sed 's/^/    /' "$out/$name.hvt.build.log" | head -n 20
    fi
done
img() { echo "$out/$1.hvt"; }

# check NAME STATUS REGEX TENDER-ARGS...: stdout and stderr together must
# match REGEX on some line, and the tender must exit with STATUS.
check() {
    name=$1 want=$2 re=$3
    shift 3
    log=$out/$name.log
    if [ "$name" = net ]; then # fd 3: the echoing socket
        HVT_WRAP=$out/net_echo
        hvt_run "$log" "$log.err" "$@"
        HVT_WRAP=
    else
        hvt_run "$log" "$log.err" "$@"
    fi
    cat "$log.err" >>"$log"
    if [ "$rc" -ne "$want" ]; then
        echo "not ok - hvt/$name: exit status $rc, wanted $want"
        tail -n 5 "$log" | sed 's/^/    /'
    elif ! grep -Eq -- "$re" "$log"; then
        echo "not ok - hvt/$name: no line matches /$re/"
        tail -n 5 "$log" | sed 's/^/    /'
    else
        echo "ok - hvt/$name"
    fi
}

# ---- unikernels that must succeed ----
check hello 0 '^SUCCESS: hello$' --mem=2 -- "$(img uk_hello)"
check hello-big-mem 0 '^SUCCESS: hello$' --mem=3072 -- "$(img uk_hello)"
check hello-odd-mem 0 '^SUCCESS: hello$' --mem=3 -- "$(img uk_hello)"
check cmdline 0 '^SUCCESS: cmdline$' -- "$(img uk_cmdline)" --hello=hi 'a b' '' 'back\slash' ' lead'
check globals 0 '^SUCCESS: globals$' --mem=4 "$(img uk_globals)"
check clock 0 '^SUCCESS: clock$' "$(img uk_clock)"
check fpu 0 '^SUCCESS: fpu$' "$(img uk_fpu)"
check tls 0 '^SUCCESS: tls$' "$(img uk_tls)"
c1=$(grep -o 'canary 0x[0-9a-f]*' "$out/tls.log")
check tls-again 0 '^SUCCESS: tls$' "$(img uk_tls)"
c2=$(grep -o 'canary 0x[0-9a-f]*' "$out/tls-again.log")
if [ -n "$c1" ] && [ "$c1" != "$c2" ]; then echo "ok - hvt/tls-canary-random"; else
    echo "not ok - hvt/tls-canary-random: '$c1' then '$c2'"; fi
check alloc 0 '^SUCCESS: alloc$' --mem=16 "$(img uk_alloc)"
check entropy 0 '^SUCCESS: entropy$' "$(img uk_entropy)"
check entropy-again 0 '^SUCCESS: entropy$' "$(img uk_entropy)"
e1=$(grep '^bytes ' "$out/entropy.log")
e2=$(grep '^bytes ' "$out/entropy-again.log")
if [ -n "$e1" ] && [ "$e1" != "$e2" ]; then echo "ok - hvt/entropy-differs-per-boot"; else
    echo "not ok - hvt/entropy-differs-per-boot: '$e1' then '$e2'"; fi

# ---- the clocks run on the TSC: compared with the host's ----
start=$(date +%s%N)
check tsc 0 '^SUCCESS: tsc$' -- "$(img uk_tsc)"
end=$(date +%s%N)
ws=$(sed -n 's/^wall-start //p' "$out/tsc.log")
we=$(sed -n 's/^wall-end //p' "$out/tsc.log")
slept=$(sed -n 's/^slept-ms //p' "$out/tsc.log")
# The guest's wall clock lies inside the host's run, ms-close to its edges;
# a wrong TSC frequency would stretch or shrink the 1.3 s of the run.
if [ -n "$ws" ] && [ -n "$we" ] && [ "$ws" -ge $((start - 5000000)) ] && [ "$we" -le $((end + 5000000)) ] &&
    [ $(((we - ws) / 1000000)) -ge 1290 ] && [ $(((end - start) / 1000000)) -le 1800 ] &&
    [ "$slept" -ge 300 ] && [ "$slept" -le 400 ]; then
    echo "ok - hvt/tsc-matches-host: guest $(((we - ws) / 1000000)) ms, host $(((end - start) / 1000000)) ms"
else
    echo "not ok - hvt/tsc-matches-host: host [$start, $end], guest [$ws, $we], slept $slept ms"
fi

# ---- block devices: any number of sectors per call ----
disk=$out/disk.img
rm -f "$disk" && truncate -s 1M "$disk"
check block 0 '^SUCCESS: block$' --block:disk="$disk" -- "$(img uk_block)" 512 rw
if [ "$(head -c 5 "$disk")" = FIRST ] && [ "$(tail -c 512 "$disk" | head -c 4)" = LAST ]; then
    echo "ok - hvt/block-file-contents"
else
    echo "not ok - hvt/block-file-contents: FIRST/LAST not where the unikernel wrote them"
fi
chmod 444 "$disk"
check block-read-only 0 '^SUCCESS: block read-only$' --block:disk="$disk" -- "$(img uk_block)" 512 ro
disk4k=$out/disk4k.img
rm -f "$disk4k" && truncate -s 2M "$disk4k"
check block-4096 0 '^SUCCESS: block$' --block:disk="$disk4k" --block-sector-size:disk=4096 \
    -- "$(img uk_block)" 4096 rw

# ---- net: frames out and in, poll, through a socket that echoes (--net:service=@3) ----
if cc -O2 -Wall -Wextra -Werror -o "$out/net_echo" tests/system/hvt/net_echo.c 2>"$out/net_echo.log"; then
    check net 0 '^SUCCESS: net$' --net:service=@3 -- "$(img uk_net)"
else
    echo "not ok - hvt/net: the echo helper does not build"
fi

# ---- the tender's own sandbox ----
n=$("$HVT" --list-syscalls | wc -l)
if [ "$n" -ge 1 ] && [ "$n" -le 8 ]; then echo "ok - hvt/syscall-list: $n system calls"; else
    echo "not ok - hvt/syscall-list: $n system calls listed"; fi
sdisk=$out/sleep.img
rm -f "$sdisk" && truncate -s 8K "$sdisk"
"$HVT" --block:disk="$sdisk" -- "$(img uk_hostile)" sleep >"$out/sleep.log" 2>&1 &
pid=$!
sleep 0.5
mode=$(sed -n 's/^Seccomp:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null)
wait "$pid"
src=$?
if [ "$mode" = 2 ] && [ "$src" -eq 0 ]; then echo "ok - hvt/seccomp-active: filter mode while the guest runs"; else
    echo "not ok - hvt/seccomp-active: Seccomp: '$mode', exit status $src"; fi

# ---- images and command lines the tender refuses (status 1, a message) ----
h=$(img uk_hello)
check refuse-missing-device 1 "needs the block device 'disk': give --block:disk=FILE" -- "$(img uk_block)"
check refuse-extra-device 1 "the image has no device 'extra'" --block:extra="$sdisk" -- "$h"
check refuse-not-elf 1 'not an ELF file' -- tests/system/hvt.sh
head -c 100 "$h" >"$out/truncated.hvt"
check refuse-truncated 1 'past the end of the file' -- "$out/truncated.hvt"
cp "$h" "$out/rwx.hvt"
printf '\007' | dd of="$out/rwx.hvt" bs=1 seek=68 conv=notrunc 2>/dev/null
check refuse-rwx 1 'writable and executable \(W\^X\)' -- "$out/rwx.hvt"
check refuse-mem-too-big 1 'at most 3072 MiB' --mem=3073 -- "$h"
check refuse-small-mem 1 'not a number of MiB' --mem=1 -- "$h"
check help 0 'list-syscalls' --help
check version 0 '^mirage-hvt [0-9]' --version

# A size to watch (docs/benchmarks.md): the hello image, stripped.
strip -o "$out/hello.stripped" "$h"
size=$(wc -c <"$out/hello.stripped")
if [ "$size" -lt 65536 ]; then echo "ok - hvt/hello-size: $size bytes stripped"; else
    echo "not ok - hvt/hello-size: $size bytes stripped (more than 64 KiB)"; fi
exit 0
