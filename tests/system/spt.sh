#!/bin/sh
# spt.sh: system tests of the spt target: the tests/system/uk_*.c unikernels under build/bin/mirage-spt,
# expected successes, expected failures (faults, aborts, refused system calls) and images the tender refuses.
set -u
cd "$(dirname "$0")/../.."
tender=build/bin/mirage-spt
lib=build/lib/mirage/spt
out=build/tests/system/spt
if [ ! -x "$tender" ] || [ ! -f "$lib/.stamp" ]; then
    echo "skip - system/spt: the spt target is not built (make FREESTANDING=spt)"
    exit 0
fi
if ! grep -q '^Seccomp:' /proc/self/status; then
    echo "skip - system/spt: this kernel has no seccomp"
    exit 0
fi
rm -rf "$out" && mkdir -p "$out"

images=""
for src in tests/system/uk_*.c; do
    name=$(basename "$src" .c)
    if sh tests/system/build-image.sh spt "$out/$name.spt" "$src" >"$out/$name.build.log" 2>&1; then
        images="$images $name"
    else
        echo "not ok - spt/build/$name: does not build"
        sed 's/^/    /' "$out/$name.build.log" | head -n 20
    fi
done

# check NAME STATUS REGEX TENDER-ARGS...: runs the tender (stdout and stderr
# together), wants exit status STATUS and a line matching REGEX.
check() {
    name=$1 want=$2 re=$3
    shift 3
    log=$out/$name.log
    timeout 60 "$tender" "$@" >"$log" 2>&1
    rc=$?
    if [ "$rc" -ne "$want" ]; then
        echo "not ok - spt/$name: exit status $rc, wanted $want"
        tail -n 5 "$log" | sed 's/^/    /'
    elif ! grep -Eq -- "$re" "$log"; then
        echo "not ok - spt/$name: no line matches /$re/"
        tail -n 5 "$log" | sed 's/^/    /'
    else
        echo "ok - spt/$name"
    fi
}
img() { echo "$out/$1.spt"; }

# ---- unikernels that must succeed ----
check hello 0 '^SUCCESS: hello$' --mem=2 -- "$(img uk_hello)"
check cmdline 0 '^SUCCESS: cmdline$' -- "$(img uk_cmdline)" --hello=hi 'a b' '' 'back\slash' ' lead'
check globals 0 '^SUCCESS: globals$' --mem=4 "$(img uk_globals)"
check clock 0 '^SUCCESS: clock$' "$(img uk_clock)"
check fpu 0 '^SUCCESS: fpu$' "$(img uk_fpu)"
check tls 0 '^SUCCESS: tls$' "$(img uk_tls)"
# The canary is random: two runs differ.
c1=$(grep -o 'canary 0x[0-9a-f]*' "$out/tls.log")
check tls-again 0 '^SUCCESS: tls$' "$(img uk_tls)"
c2=$(grep -o 'canary 0x[0-9a-f]*' "$out/tls-again.log")
if [ -n "$c1" ] && [ "$c1" != "$c2" ]; then echo "ok - spt/tls-canary-random"; else
    echo "not ok - spt/tls-canary-random: '$c1' then '$c2'"; fi
check alloc 0 '^SUCCESS: alloc$' --mem=16 "$(img uk_alloc)"

# ---- block devices ----
disk=$out/disk.img
truncate -s 1M "$disk"
check block 0 '^SUCCESS: block$' --block:disk="$disk" -- "$(img uk_block)" 512 rw
if [ "$(head -c 5 "$disk")" = FIRST ] && [ "$(tail -c 512 "$disk" | head -c 4)" = LAST ]; then
    echo "ok - spt/block-file-contents"
else
    echo "not ok - spt/block-file-contents: FIRST/LAST not where the unikernel wrote them"
fi
chmod 444 "$disk"
check block-read-only 0 '^SUCCESS: block read-only$' --block:disk="$disk" -- "$(img uk_block)" 512 ro
disk4k=$out/disk4k.img
truncate -s 2M "$disk4k"
check block-4096 0 '^SUCCESS: block$' --block:disk="$disk4k" --block-sector-size:disk=4096 \
    -- "$(img uk_block)" 4096 rw
truncate -s 1000 "$out/odd.img"
check block-odd-size 1 'not a non-zero multiple of the sector size 512' \
    --block:disk="$out/odd.img" -- "$(img uk_block)" 512 rw

# ---- expected failures: faults end with 254, aborts with 255, and say why ----
f=$(img uk_fault)
check fault-zero-page 254 'SIGSEGV reading address 0x0 ' --mem=4 "$f" zero
check fault-wild-address 254 'SIGSEGV reading address 0xdead0000000 ' --mem=4 "$f" wild
check fault-write-code 254 'SIGSEGV writing address 0x1' --mem=4 "$f" code
check fault-write-rodata 254 'SIGSEGV writing address 0x1' --mem=4 "$f" rodata
check fault-exec-data 254 'SIGSEGV executing address 0x1' --mem=4 "$f" exec
check fault-exec-heap 254 'SIGSEGV executing address 0x1' --mem=4 "$f" heap-exec
check fault-stack-overflow 254 'SIGSEGV writing address' --mem=4 "$f" overflow
check fault-ud2 254 'SIGILL at rip 0x1' --mem=4 "$f" ud2
check fault-div0 254 'SIGFPE at rip 0x1' --mem=4 "$f" div0
check stack-smash 255 '^libc: stack smashing detected$' --mem=4 "$f" smash
check abort 255 'abort\(\) called' --mem=4 "$f" abort
check exit-status-flushed 7 'unflushed tail' --mem=4 "$f" exit7
for log in "$out"/fault-*.log "$out"/stack-smash.log "$out"/abort.log; do
    if grep -q SUCCESS "$log"; then echo "not ok - spt/$(basename "$log" .log): went on after the fault"; fi
done

# ---- the sandbox: at most 8 system calls, arguments pinned ----
n=$("$tender" --list-syscalls | wc -l)
if [ "$n" -ge 1 ] && [ "$n" -le 8 ]; then echo "ok - spt/syscall-budget: $n system calls"; else
    echo "not ok - spt/syscall-budget: $n system calls listed"; fi
sb=$(img uk_sandbox)
sdisk=$out/sandbox.img
truncate -s 64K "$sdisk"
# The net device: a FIFO open both ways as fd 3, so a frame written comes back.
mkfifo "$out/net.fifo"
exec 3<>"$out/net.fifo"
check sandbox-allowed 0 '^SUCCESS: allowed$' --block:disk="$sdisk" --net:service=@3 -- "$sb" allowed
check sandbox-net 0 '^SUCCESS: net$' --block:disk="$sdisk" --net:service=@3 -- "$sb" net
for c in int80:'32-bit number 20 ' getpid:'number 39 ' open:'number 2 ' mprotect:'number 10 ' write-fd:'write with arguments' \
    read-block:'read with arguments' clock:'clock_gettime with arguments' \
    pread-unaligned:'pread64 with arguments' pread-offset:'pread64 with arguments' \
    pwrite-far:'pwrite64 with arguments' ppoll-mask:'ppoll with arguments' \
    ppoll-too-many:'ppoll with arguments'; do
    check "sandbox-${c%%:*}" 254 "sandbox refuses: ${c#*:}" --block:disk="$sdisk" --net:service=@3 \
        -- "$sb" "${c%%:*}"
done
exec 3<&-

# ---- images and command lines the tender refuses (status 1, a message) ----
h=$(img uk_hello)
check refuse-missing-device 1 "needs the block device 'disk': give --block:disk=FILE" -- "$(img uk_block)"
check refuse-extra-device 1 "the image has no device 'extra'" --block:extra="$sdisk" -- "$h"
check refuse-wrong-type 1 "is a block device, not a net device" --net:disk=@1 -- "$(img uk_block)"
check refuse-not-elf 1 'not an ELF file' -- tests/system/spt.sh
head -c 100 "$h" >"$out/truncated.spt"
check refuse-truncated 1 'past the end of the file' -- "$out/truncated.spt"
# The text segment's flags (first program header, offset 64 + 4) made R+W+X.
cp "$h" "$out/rwx.spt"
printf '\007' | dd of="$out/rwx.spt" bs=1 seek=68 conv=notrunc 2>/dev/null
check refuse-rwx 1 'writable and executable \(W\^X\)' -- "$out/rwx.spt"
check refuse-small-mem 1 'not a number of MiB' --mem=1 -- "$h"
check refuse-no-image 1 'no image given' --mem=4
check refuse-no-file 1 'No such file' -- "$out/nonexistent.spt"
check refuse-option 1 'unknown option --frobnicate' --frobnicate "$h"
check help 0 'list-syscalls' --help
check version 0 '^mirage-spt [0-9]' --version

# A size to watch (docs/benchmarks.md): the hello image, stripped.
strip -o "$out/hello.stripped" "$h"
size=$(wc -c <"$out/hello.stripped")
if [ "$size" -lt 65536 ]; then echo "ok - spt/hello-size: $size bytes stripped"; else
    echo "not ok - spt/hello-size: $size bytes stripped (more than 64 KiB)"; fi
exit 0
