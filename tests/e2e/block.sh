#!/bin/sh
# block.sh: examples/block on unix against disk images made with dd and truncate
# (contents checked with dd and cmp), and generic_block's choice at configure time.
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
chmod 755 "$TMP"

if ! command -v mirage >/dev/null 2>&1; then
    echo "not ok - block: no mirage on PATH (run through tests/run.sh after make)"
    exit 1
fi

ok() { echo "ok - block/$1"; }
fail() {
    echo "not ok - block/$1: $2"
    [ -n "${3:-}" ] && [ -f "$3" ] && tail -n 20 "$3" | sed 's/^/    | /'
}

# The sector's first bytes as text: sector FILE N LEN
sector() { dd if="$1" bs=512 skip="$2" count=1 2>/dev/null | head -c "$3"; }
size_of() { stat -c %s "$1"; }
# Is sector N of FILE all zeroes? zero_sector FILE N
zero_sector() { dd if="$1" bs=512 skip="$2" count=1 2>/dev/null | cmp -s -n 512 - /dev/zero; }

# ---- examples/block with block_of_file ------------------------------------
E=$TMP/block
cp -r "$ROOT/examples/block" "$E"
if ! (cd "$E" && mirage configure -t unix && make) >"$TMP/build.log" 2>&1 || [ ! -x "$E/dist/block_test" ]; then
    fail "configure and make" "failed" "$TMP/build.log"
    exit 1
fi
ok "configure and make"

# run LOG ARGS...: the unikernel in $E with a time limit; its status in $rc
run() {
    log=$1
    shift
    (cd "$E" && timeout 30 ./dist/block_test "$@") >"$log" 2>&1 </dev/null
    rc=$?
}
has() { grep -q -F -- "$2" "$1"; }

# A 1 MiB image of zeroes, made by dd.
dd if=/dev/zero of="$E/disk.img" bs=512 count=2048 2>/dev/null
run "$TMP/rw.log"
if [ "$rc" -eq 0 ] && has "$TMP/rw.log" "block device disk.img: 2048 sectors of 512 bytes, read-write" &&
    has "$TMP/rw.log" "Total tests started: 11" && has "$TMP/rw.log" "Total tests passed: 11" &&
    has "$TMP/rw.log" "Total tests failed: 0" && ! has "$TMP/rw.log" "FAILED"; then
    ok "read-write image: every check passes"
else
    fail "read-write image: every check passes" "exit $rc" "$TMP/rw.log"
fi

# What it wrote is in the file, where it should be; the rest is still zeroes.
if [ "$(sector "$E/disk.img" 0 18)" = "[sector 0 first] [" ] &&
    [ "$(sector "$E/disk.img" 2 16)" = "[sector 2 two] [" ] &&
    [ "$(sector "$E/disk.img" 3 18)" = "[sector 3 again] [" ] &&
    [ "$(sector "$E/disk.img" 1027 21)" = "[sector 1027 middle] " ] &&
    [ "$(sector "$E/disk.img" 2047 19)" = "[sector 2047 last] " ] &&
    zero_sector "$E/disk.img" 4 && zero_sector "$E/disk.img" 1019 &&
    zero_sector "$E/disk.img" 1028 && zero_sector "$E/disk.img" 2046 &&
    ! zero_sector "$E/disk.img" 1020 &&
    [ "$(size_of "$E/disk.img")" -eq 1048576 ]; then
    ok "read-write image: the sectors written are in the file"
else
    fail "read-write image: the sectors written are in the file" \
        "sector 0: '$(sector "$E/disk.img" 0 18)', sector 2047: '$(sector "$E/disk.img" 2047 19)'"
fi

# A sparse image whose size is not whole sectors (truncate): the tail is no part of the disk.
rm -f "$E/disk.img"
truncate -s $((100 * 512 + 77)) "$E/disk.img"
printf 'TAIL' | dd of="$E/disk.img" bs=1 seek=$((100 * 512 + 10)) conv=notrunc 2>/dev/null
run "$TMP/short.log"
if [ "$rc" -eq 0 ] && has "$TMP/short.log" "disk.img: 100 sectors of 512 bytes" &&
    has "$TMP/short.log" "write and read back 1 sector at 99" &&
    has "$TMP/short.log" "Total tests failed: 0" && [ "$(size_of "$E/disk.img")" -eq 51277 ] &&
    [ "$(dd if="$E/disk.img" bs=1 skip=51210 count=4 2>/dev/null)" = "TAIL" ]; then
    ok "short image: 100 whole sectors, the tail untouched"
else
    fail "short image: 100 whole sectors, the tail untouched" "exit $rc, size $(size_of "$E/disk.img")" \
        "$TMP/short.log"
fi

# Too small for the example: it says so and fails.
truncate -s 4096 "$E/disk.img"
run "$TMP/small.log"
if [ "$rc" -ne 0 ] && has "$TMP/small.log" "8 sectors" && has "$TMP/small.log" "at least 16 sectors"; then
    ok "8-sector image refused by the example"
else
    fail "8-sector image refused by the example" "exit $rc" "$TMP/small.log"
fi

# No image: the device fails to connect, naming itself.
rm -f "$E/disk.img"
run "$TMP/missing.log"
if [ "$rc" -ne 0 ] && has "$TMP/missing.log" "device block_of_file_disk.img failed to connect: not found"; then
    ok "missing image: connect fails with not found"
else
    fail "missing image: connect fails with not found" "exit $rc" "$TMP/missing.log"
fi

# A read-only image (as root every file is writable: run as nobody).
dd if=/dev/zero of="$E/disk.img" bs=512 count=64 2>/dev/null
printf 'KEEP' | dd of="$E/disk.img" conv=notrunc 2>/dev/null
chmod 444 "$E/disk.img"
chmod -R a+rX "$E"
if [ "$(id -u)" -eq 0 ]; then
    as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
else
    as_user=""
fi
(cd "$E" && timeout 30 $as_user ./dist/block_test) >"$TMP/ro.log" 2>&1 </dev/null
rc=$?
if [ "$rc" -eq 0 ] && has "$TMP/ro.log" "64 sectors of 512 bytes, read-only" &&
    has "$TMP/ro.log" "ok: write to a read-only device is refused" &&
    has "$TMP/ro.log" "Total tests failed: 0" && [ "$(sector "$E/disk.img" 0 4)" = "KEEP" ]; then
    ok "read-only image: opened read-only, writes refused"
else
    fail "read-only image: opened read-only, writes refused" "exit $rc" "$TMP/ro.log"
fi

# ---- generic_block: the device chosen by --block at configure time ----------
G=$TMP/generic
mkdir -p "$G"
cp "$ROOT/examples/block/unikernel.c" "$G/"
cat >"$G/config.c" <<'EOF'
/* config.c: the block example over generic_block. */
#include <mirage.h>

void configure(void)
{
    struct impl *block = foreign("block_start", fn(BLOCK, JOB));
    register_unikernel("block_test", JOBS(apply(block, generic_block("disk.img"))));
}
EOF
grun() {
    log=$1
    shift
    (cd "$G" && timeout 30 ./dist/block_test "$@") >"$log" 2>&1 </dev/null
    rc=$?
}

if (cd "$G" && mirage configure -t unix --block=ramdisk && make) >"$TMP/g1.log" 2>&1; then
    grun "$TMP/g1run.log"
    if [ "$rc" -eq 0 ] && has "$TMP/g1run.log" "block device disk.img: 32768 sectors of 512 bytes, read-write" &&
        has "$TMP/g1run.log" "Total tests failed: 0" && [ ! -e "$G/disk.img" ]; then
        ok "generic_block --block=ramdisk: a 16 MiB ramdisk, no file"
    else
        fail "generic_block --block=ramdisk: a 16 MiB ramdisk, no file" "exit $rc" "$TMP/g1run.log"
    fi
    grun "$TMP/g1size.log" --disk-img-ramdisk-size=4096
    if [ "$rc" -eq 0 ] && has "$TMP/g1size.log" "disk.img: 8388608 sectors of 512 bytes" &&
        has "$TMP/g1size.log" "Total tests failed: 0"; then
        ok "generic_block --block=ramdisk: --disk-img-ramdisk-size=4096 gives 4 GiB"
    else
        fail "generic_block --block=ramdisk: --disk-img-ramdisk-size=4096 gives 4 GiB" "exit $rc" \
            "$TMP/g1size.log"
    fi
    grun "$TMP/g1bad.log" --disk-img-ramdisk-size=0
    if [ "$rc" -ne 0 ] && has "$TMP/g1bad.log" "device ramdisk_disk.img failed to connect"; then
        ok "generic_block --block=ramdisk: size 0 refused at connect"
    else
        fail "generic_block --block=ramdisk: size 0 refused at connect" "exit $rc" "$TMP/g1bad.log"
    fi
    grun "$TMP/g1help.log" --help
    if has "$TMP/g1help.log" "--disk-img-ramdisk-size=MIB"; then
        ok "generic_block --block=ramdisk: --help shows the size key"
    else
        fail "generic_block --block=ramdisk: --help shows the size key" "not listed" "$TMP/g1help.log"
    fi
else
    fail "generic_block --block=ramdisk" "configure or make failed" "$TMP/g1.log"
fi

# The default is file: the same unikernel now wants disk.img.
if (cd "$G" && mirage configure -t unix && make) >"$TMP/g2.log" 2>&1; then
    grun "$TMP/g2run.log"
    miss=$rc
    dd if=/dev/zero of="$G/disk.img" bs=512 count=32 2>/dev/null
    grun "$TMP/g2run2.log"
    if [ "$miss" -ne 0 ] && has "$TMP/g2run.log" "block_of_file_disk.img failed to connect: not found" &&
        [ "$rc" -eq 0 ] && has "$TMP/g2run2.log" "disk.img: 32 sectors of 512 bytes, read-write" &&
        [ "$(sector "$G/disk.img" 31 16)" = "[sector 31 last]" ]; then
        ok "generic_block default: block_of_file"
    else
        fail "generic_block default: block_of_file" "exit $miss then $rc" "$TMP/g2run2.log"
    fi
else
    fail "generic_block default: block_of_file" "configure or make failed" "$TMP/g2.log"
fi

# A value outside the choices is refused at configure.
if (cd "$G" && mirage configure -t unix --block=floppy) >"$TMP/g3.log" 2>&1; then
    fail "generic_block --block=floppy refused" "configure succeeded" "$TMP/g3.log"
elif has "$TMP/g3.log" "floppy"; then
    ok "generic_block --block=floppy refused"
else
    fail "generic_block --block=floppy refused" "no message naming the value" "$TMP/g3.log"
fi

# xenstore: it type-checks, but the xen target is not available.
if (cd "$G" && mirage configure -t unix --block=xenstore) >"$TMP/g4.log" 2>&1; then
    fail "generic_block --block=xenstore refused" "configure succeeded" "$TMP/g4.log"
elif has "$TMP/g4.log" "config.c:7:" &&
    has "$TMP/g4.log" "block_of_xenstore_id_disk.img cannot be used on target unix" &&
    has "$TMP/g4.log" "needs the xen target, which is not available"; then
    ok "generic_block --block=xenstore refused"
else
    fail "generic_block --block=xenstore refused" "not the expected message" "$TMP/g4.log"
fi

# block_of_xenstore_id written directly: the same refusal.
X=$TMP/xen
mkdir -p "$X"
cp "$ROOT/examples/block/unikernel.c" "$X/"
cat >"$X/config.c" <<'EOF'
/* config.c: a Xen block device, which this build cannot carry. */
#include <mirage.h>

void configure(void)
{
    struct impl *block = foreign("block_start", fn(BLOCK, JOB));
    register_unikernel("block_test", JOBS(apply(block, block_of_xenstore_id("51760"))));
}
EOF
if (cd "$X" && mirage configure -t unix) >"$TMP/x.log" 2>&1; then
    fail "block_of_xenstore_id refused" "configure succeeded" "$TMP/x.log"
elif has "$TMP/x.log" "config.c:7:" && has "$TMP/x.log" "XenStore id \"51760\"" &&
    has "$TMP/x.log" "target unix" && [ ! -e "$X/Makefile" ]; then
    ok "block_of_xenstore_id refused"
else
    fail "block_of_xenstore_id refused" "not the expected message" "$TMP/x.log"
fi
