#!/bin/sh
# faults_hvt.sh: on hvt, faults and hostile hypercalls end the unikernel with the right status and a clear message; the tender never crashes.
. "$(dirname "$0")/hvt/lib.sh"
hvt_setup faults_hvt

hvt_image "$HVT_OUT/fault.hvt" tests/system/uk_fault.c || { echo "not ok - faults_hvt: build uk_fault"; exit 1; }
hvt_image "$HVT_OUT/hostile.hvt" tests/system/hvt/uk_hostile.c || { echo "not ok - faults_hvt: build uk_hostile"; exit 1; }
hvt_image "$HVT_OUT/hostile_net.hvt" tests/system/hvt/uk_hostile_net.c || { echo "not ok - faults_hvt: build uk_hostile_net"; exit 1; }
disk=$HVT_OUT/hostile.disk
rm -f "$disk" && truncate -s 8192 "$disk" && printf LAST | dd of="$disk" bs=512 seek=15 conv=notrunc 2>/dev/null

# check IMAGE CASE STATUS PATTERN: the run ends with STATUS, PATTERN (an
# extended regex, or - for none) is in its stderr+stdout, and the guest did
# not go on.
check() {
    img=$1 c=$2 want=$3 pat=$4
    o=$HVT_OUT/$c.out e=$HVT_OUT/$c.err
    if [ "$img" = hostile ]; then
        hvt_run "$o" "$e" --mem=4 --block:disk="$disk" -- "$HVT_OUT/hostile.hvt" "$c"
    elif [ "$img" = hostile_net ]; then
        # /dev/null for the net device: not a tap, so no offloads; writes vanish, reads find nothing.
        hvt_run "$o" "$e" --mem=4 --net:service=@3 -- "$HVT_OUT/hostile_net.hvt" "$c" 3<>/dev/null
    else
        hvt_run "$o" "$e" --mem=4 -- "$HVT_OUT/fault.hvt" "$c"
    fi
    if [ "$rc" -ne "$want" ]; then
        echo "not ok - faults_hvt $c: status $rc, want $want: $(cat "$e" "$o" | tr '\n' ' ' | cut -c1-300)"
    elif [ "$pat" != - ] && ! cat "$e" "$o" | grep -E -q "$pat"; then
        echo "not ok - faults_hvt $c: no /$pat/ in: $(cat "$e" "$o" | tr '\n' ' ' | cut -c1-300)"
    elif grep -q -e SURVIVED -e SUCCESS "$o"; then
        echo "not ok - faults_hvt $c: the guest went on after the fault"
    else
        echo "ok - faults_hvt $c"
    fi
}

T=254 # MG_EXIT_TRAP
# The CPU's faults: W^X, the zero page, the guard page, all against the unikernel itself.
check fault zero $T '#PF page fault: read of 0x0 in the zero page; rip 0x[0-9a-f]+ in code'
check fault wild $T '#PF page fault: read of 0xdead0000000 in no memory'
check fault code $T '#PF page fault: write to 0x[0-9a-f]+ in code;'
check fault rodata $T '#PF page fault: write to 0x[0-9a-f]+ in read-only data;'
check fault exec $T '#PF page fault: execution of 0x[0-9a-f]+ in data;'
check fault heap-exec $T '#PF page fault: execution of 0x[0-9a-f]+ in heap;'
check fault overflow $T 'in the stack guard page: a stack overflow'
check fault ud2 $T '#UD invalid opcode'
check fault div0 $T '#DE divide error'
check fault smash 255 'stack smashing detected'
check fault abort 255 'abort\(\) called'
check fault exit7 7 'buffered line before exitunflushed tail'

# Instructions for ring 0 only, and the tender's own pages.
for c in hlt cli outb wrmsr mov-cr3 lgdt; do check hostile $c $T '#GP general protection; rip 0x[0-9a-f]+ in code'; done
check hostile int80 $T 'trap: #(GP|UD)'
check hostile syscall $T 'trap: #(UD|PF)'
check hostile write-gdt $T "write to 0x1000 in the tender's pages"
check hostile write-stub $T "write to 0x3000 in the tender's pages"
check hostile read-pagetables $T "read of 0x10000 in the tender's pages"
check hostile write-bootinfo $T 'write to 0x[0-9a-f]+ in the boot information'

# Hostile hypercalls: a message naming the call, status 1.
check hostile nr-unknown 1 'mirage-hvt: unknown hypercall 200$'
check hostile nr-last 1 'mirage-hvt: unknown hypercall 511$'
check hostile hc-read 1 'hypercall page: 8-byte read'
check hostile hc-short 1 'hypercall page: 4-byte write'
check hostile hc-misaligned 1 'hypercall page: 4-byte write at offset 0x44'
check hostile trap-forged 1 'wrote to the trap slot'
check hostile block-wild 1 'console write: argument block at 0xdead0000000 .* outside guest memory'
check hostile block-low 1 'console write: argument block at 0x4000 .* outside guest memory'
check hostile block-misaligned 1 'console write: argument block .* misaligned'
check hostile block-end 1 'console write: argument block .* outside guest memory'
check hostile block-max 1 'console write: argument block at 0xfffffffffffffff8 .* outside guest memory'
check hostile console-wild 1 'console write: buffer \[0xdead0000000, \+16\) is outside guest memory'
check hostile console-wrap 1 'console write: buffer .* outside guest memory'
check hostile console-huge 1 'console write: buffer .* outside guest memory'
check hostile console-low 1 'console write: buffer \[0x1000, \+64\) is outside guest memory'
check hostile abort-wild 1 'abort: message .* outside guest memory'
check hostile block-past 1 "block read: sectors \[16, \+1\) are past the end of block device 'disk'"
check hostile block-straddle 1 'block write: sectors \[15, \+2\) are past the end'
check hostile block-wrap 1 'block read: sectors \[18446744073709551615, \+2\) are past the end'
check hostile block-count-wrap 1 'block read: sectors .* past the end'
check hostile block-buf-wild 1 'block read: buffer \[0xdead0000000, \+512\) is outside guest memory'
check hostile block-buf-end 1 'block read: buffer .* outside guest memory'
check hostile block-handle 1 'block read: handle 7 is not a block device'
check hostile block-reserved 1 'block read: reserved field is 0x1'
check hostile net-on-block 1 'net readv: handle 0 is not a network device'
check hostile poll-forever 1 'poll: waits forever'
# Hostile batched net calls, the offload metadata above all (ABI 2).
check hostile_net count 1 'net writev: 65 frames, more than 64'
check hostile_net list-wild 1 'net readv: frame list \[0xdead0000000, \+64\) is outside guest memory'
check hostile_net reserved 1 'net writev: reserved field is 0x1, not 0'
check hostile_net read-buf-wild 1 'net readv: buffer 1 \[0xdead0000000, \+64\) is outside guest memory'
check hostile_net write-buf-end 1 'net writev: frame 0 \[0x[0-9a-f]+, \+64\) is outside guest memory'
check hostile_net frame-reserved 1 'net writev: frame 0: reserved byte 2 is 0x1, not 0'
check hostile_net flags 1 'net writev: frame 0: offload flags 0x2 \(only NEEDS_CSUM may be asked\)'
check hostile_net gso-type 1 'net writev: frame 0: GSO type 3 \(only TCPV4 is known\)'
check hostile_net csum-past 1 'net writev: frame 0: checksum at 60 \+ 16 is outside its 64 bytes'
check hostile_net csum-wrap 1 'net writev: frame 0: checksum at 65535 \+ 65535 is outside its 64 bytes'
check hostile_net hdr-len 1 'net writev: frame 0: header length 100 is past its 64 bytes'
check hostile_net gso-size-alone 1 'net writev: frame 0: GSO size 1448 without a GSO type'
check hostile_net gso-no-csum 1 'net writev: frame 0: GSO without NEEDS_CSUM'
check hostile_net gso-size-0 1 'net writev: frame 0: GSO size 0 \(1 to the MTU 1500\)'
check hostile_net gso-size-big 1 'net writev: frame 0: GSO size 9000 \(1 to the MTU 1500\)'
check hostile_net gso-huge 1 "net writev: frame 0: 70000 bytes, more than a GSO frame's 65549"
check hostile_net tso-not-granted 1 "net writev: frame 0: asks for TSO, which 'service' was not granted"
check hostile_net csum-not-granted 1 "net writev: frame 0: asks for checksum offload, which 'service' was not granted"
check hostile_net poll-handle 1 'net poll: handle 5 is not a network device'
check hostile_net poll-reserved 1 'net poll: reserved field is 0x1, not 0'
check hostile_net poll-count 1 'net poll: 65 frames, more than 64'
check hostile_net poll-rx-wild 1 'net poll: buffer 0 \[0xdead0000000, \+2048\) is outside guest memory'
check hostile_net poll-flags 1 'net poll: frame 0: offload flags 0x2 \(only NEEDS_CSUM may be asked\)'
check hostile_net nr-retired 1 'mirage-hvt: unknown hypercall 6$'
check hostile_net poll-ok 52 -
check hostile_net ok 52 -
# A good call still works, and halt passes the status's low byte.
check hostile block-ok 52 -
# The block device was only read.
if [ "$(dd if="$disk" bs=512 skip=15 count=1 2>/dev/null | head -c 4)" = LAST ] && [ "$(stat -c %s "$disk")" = 8192 ]; then
    echo "ok - faults_hvt disk untouched"
else
    echo "not ok - faults_hvt disk untouched: the hostile calls changed the file"
fi
