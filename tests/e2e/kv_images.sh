#!/bin/sh
# kv_images.sh: archive() and fat_ro() end to end. tests/e2e/kv_images (every key of a tar
# archive and of a FAT image on two block devices, compared with each other) built and run
# on unix over images made by GNU tar, mkfs.vfat + mcopy, and mirage-mkimage (whose images
# tar -tvf, fsck.vfat -n and mdir check first), its lines compared with sha256sum of the
# source files; damaged images refused with the reason; and the same on spt and hvt (the
# tender's --block:tar=FILE --block:fat=FILE) when those targets are built and can run here.
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
unset MIRAGE_DEFAULT_TARGET

ok() { echo "ok - kv_images/$1"; }
fail() {
    echo "not ok - kv_images/$1: $2"
    [ -n "${3:-}" ] && [ -f "$3" ] && tail -n 15 "$3" | sed 's/^/    | /'
}
skip() { echo "skip - kv_images/$1: $2"; }

M=$ROOT/build/bin/mirage
MK=$ROOT/build/bin/mirage-mkimage
[ -x "$M" ] || { fail mirage "$M is not built (make)"; exit 1; }
[ -x "$MK" ] || { fail mkimage "$MK is not built (make)"; exit 1; }
MKFS=$(command -v mkfs.vfat || echo /usr/sbin/mkfs.vfat)
FSCK=$(command -v fsck.vfat || echo /usr/sbin/fsck.vfat)
have_mtools=1
{ [ -x "$MKFS" ] && [ -x "$FSCK" ] && command -v mcopy >/dev/null && command -v mdir >/dev/null; } ||
    have_mtools=0
MT="env MTOOLS_SKIP_CHECK=1 TZ=UTC LC_ALL=C.UTF-8"

# ---- the source folder: what both images hold ---------------------------------
S=$TMP/src
mkdir -p "$S/empty dir" "$S/many"
printf 'Hello, world!\n' >"$S/hello.txt"
: >"$S/empty"
head -c 5000000 /dev/urandom >"$S/big.bin" # several MiB, not a multiple of anything
printf 'mixed\n' >"$S/MixedCase.Txt"
printf 'utf-8\n' >"$S/été 日本.txt"
long=$(printf '%0251d' 0 | tr 0 n).txt # a name of 255 bytes
printf 'long name\n' >"$S/$long"
d=$S/deep
for i in $(seq 1 40); do d=$d/level$i; done # 40 folders deep
mkdir -p "$d"
printf 'at the bottom\n' >"$d/leaf.txt"
for i in $(seq 1 120); do head -c $((i * 37)) /dev/urandom >"$S/many/file$i.dat"; done

# The lines kv_images must print for one store of folder $1, from the host's
# own tools: "v KEY SIZE SHA256" per file, "d KEY" per folder (folder digests
# are compared between the two stores by the unikernel itself).
want_of() { # FOLDER OUT
    (cd "$1" && find . -type f | while IFS= read -r f; do
        echo "v ${f#.} $(stat -c %s "$f") $(sha256sum <"$f" | cut -d' ' -f1)"
    done
    find . -mindepth 1 -type d | while IFS= read -r f; do echo "d ${f#.}"; done
    echo "d /") | LC_ALL=C sort >"$2"
}
want_of "$S" "$TMP/want"
# What mdir -/ -b must list: "::/KEY" per file, "::/KEY/" per folder.
sed -n -e 's|^v \(.*\) [0-9]* [0-9a-f]*$|::\1|p' -e 's|^d \(/..*\)$|::\1/|p' "$TMP/want" |
    LC_ALL=C sort >"$TMP/want.mdir"
# ustar holds no name over 100 bytes or path over 255: a copy without those.
S2=$TMP/src-ustar
cp -a "$S" "$S2"
rm -rf "$S2/deep" "$S2/$long"
want_of "$S2" "$TMP/want.ustar"

# ---- the unikernel ------------------------------------------------------------
U=$TMP/u
cp -r tests/e2e/kv_images "$U"
if ! (cd "$U" && "$M" configure -t unix && make) >"$TMP/build.log" 2>&1; then
    fail "unix: configure and make" "failed" "$TMP/build.log"
    exit 1
fi
ok "unix: configure and make"

# got STORE OUT: the lines of one store, as in $TMP/want
got() {
    sed -n "s/.*\[kv_images\] $1 \([vd] .*\)/\1/p" "$2" | sed -E 's/^(d .*) [0-9a-f]{64}$/\1/' |
        LC_ALL=C sort
}

# check NAME [WANT]: run the unikernel in $U over its data.tar and data.img;
# its lines for each store must be the host's (WANT, default $TMP/want).
check() {
    name=$1 want=${2:-$TMP/want}
    log=$TMP/$(echo "$name" | tr '/ ' '__').log
    (cd "$U" && timeout 120 ./dist/kv_images) >"$log" 2>&1 </dev/null
    rc=$?
    got tar "$log" >"$log.tar"
    got fat "$log" >"$log.fat"
    if [ "$rc" -ne 0 ] || ! grep -q "same: $(wc -l <"$want") keys" "$log"; then
        fail "$name" "exit $rc, or not the same keys in both stores" "$log"
    elif ! cmp -s "$log.tar" "$want"; then
        fail "$name" "the archive's keys, sizes or digests are not the files'"
        diff "$want" "$log.tar" | head -n 10 | sed 's/^/    | /'
    elif ! cmp -s "$log.fat" "$want"; then
        fail "$name" "the FAT image's keys, sizes or digests are not the files'"
        diff "$want" "$log.fat" | head -n 10 | sed 's/^/    | /'
    else
        ok "$name: $(wc -l <"$want") keys, every size and SHA-256 as sha256sum says"
    fi
}

# ---- images made by the real tools ----------------------------------------------
if [ $have_mtools -eq 1 ]; then
    for fmt in ustar gnu pax; do
        rm -f "$U/data.tar" "$U/data.img"
        src=$S want=$TMP/want
        [ $fmt = ustar ] && src=$S2 want=$TMP/want.ustar
        tar --format=$fmt -cf "$U/data.tar" -C "$src" . 2>"$TMP/tar.err" || {
            fail "real/$fmt" "GNU tar failed" "$TMP/tar.err"
            continue
        }
        truncate -s 64M "$U/data.img"
        case $fmt in
        ustar) F=12 opts="-F 12 -s 64" ;; # FAT12 holds at most 4084 clusters: 32 KiB ones
        gnu) F=16 opts="-F 16" ;;
        pax) F=32 opts="-F 32 -s 1" ;;
        esac
        # shellcheck disable=SC2086
        "$MKFS" $opts "$U/data.img" >/dev/null &&
            (cd "$src" && $MT mcopy -s -m -i "$U/data.img" ./* ::/) 2>"$TMP/mcopy.err" || {
            fail "real/$fmt" "mkfs.vfat or mcopy failed" "$TMP/mcopy.err"
            continue
        }
        check "real: GNU tar --format=$fmt and mkfs.vfat $opts + mcopy" "$want"
    done
else
    skip "real" "mkfs.vfat, fsck.vfat, mcopy or mdir is not installed (make deps: dosfstools, mtools)"
fi

# ---- images made by mirage-mkimage, checked by the real tools ----------------------
for F in 12 16 32; do
    rm -f "$U/data.tar" "$U/data.img"
    opt=""
    [ $F = 32 ] && opt="--sector=4096"
    [ $F = 12 ] && opt="--cluster=4096"
    if ! "$MK" tar "$S" "$U/data.tar" 2>"$TMP/mk.err" ||
        ! "$MK" fat --fat=$F $opt --label=KVIMAGES "$S" "$U/data.img" 2>"$TMP/mk.err"; then
        fail "mkimage/fat$F" "mirage-mkimage failed" "$TMP/mk.err"
        continue
    fi
    # GNU tar lists every entry; fsck.vfat finds nothing wrong; mdir lists the tree.
    n=$(tar -tvf "$U/data.tar" 2>"$TMP/tar.err" | wc -l)
    if [ "$n" -ne $(($(wc -l <"$TMP/want") - 1)) ]; then
        fail "mkimage/fat$F" "tar -tvf lists $n entries, not $(($(wc -l <"$TMP/want") - 1))" "$TMP/tar.err"
        continue
    fi
    if [ $have_mtools -eq 1 ]; then
        if ! "$FSCK" -n "$U/data.img" >"$TMP/fsck.log" 2>&1; then
            fail "mkimage/fat$F" "fsck.vfat -n finds faults" "$TMP/fsck.log"
            continue
        fi
        $MT mdir -/ -b -i "$U/data.img" ::/ 2>"$TMP/mdir.err" | LC_ALL=C sort >"$TMP/mdir.out"
        if ! cmp -s "$TMP/mdir.out" "$TMP/want.mdir"; then
            fail "mkimage/fat$F" "mdir -/ does not list the folder's files and folders" "$TMP/mdir.err"
            diff "$TMP/want.mdir" "$TMP/mdir.out" | head -n 10 | sed 's/^/    | /'
            continue
        fi
        ok "mkimage/fat$F: tar -tvf lists $n entries; fsck.vfat -n finds no fault; mdir -/ lists the tree"
    fi
    check "mkimage: tar and FAT$F ${opt:-} by mirage-mkimage"
done

# ---- damaged images: refused, with what and where ---------------------------------
"$MK" tar "$S" "$U/data.tar" 2>/dev/null
"$MK" fat --fat=16 "$S" "$U/data.img" 2>/dev/null
cp "$U/data.img" "$TMP/good.img"
size=$(stat -c %s "$U/data.img")
truncate -s $((size / 2)) "$U/data.img"
(cd "$U" && timeout 60 ./dist/kv_images) >"$TMP/trunc.log" 2>&1
if [ $? -ne 0 ] && grep -q "fat:data.img: byte 19: the volume has .* but the device only [0-9]* bytes: truncated" "$TMP/trunc.log" &&
    grep -q "failed to connect" "$TMP/trunc.log"; then
    ok "damaged: a truncated FAT image is refused, naming the BPB field"
else
    fail "damaged: a truncated FAT image is refused, naming the BPB field" "not the expected error" "$TMP/trunc.log"
fi
cp "$TMP/good.img" "$U/data.img"
printf 'Z' | dd of="$U/data.tar" bs=1 seek=1 conv=notrunc 2>/dev/null # the first header's name
(cd "$U" && timeout 60 ./dist/kv_images) >"$TMP/sum.log" 2>&1
if [ $? -ne 0 ] && grep -q "archive:data.tar: byte 0: header checksum mismatch" "$TMP/sum.log"; then
    ok "damaged: a tar header changed without its checksum is refused at its offset"
else
    fail "damaged: a tar header changed without its checksum is refused at its offset" "not the expected error" "$TMP/sum.log"
fi

# ---- spt and hvt: the same lines from the tender's block devices --------------------
"$MK" tar "$S" "$TMP/t.tar" 2>/dev/null
"$MK" fat --fat=32 "$S" "$TMP/f.img" 2>/dev/null
cp "$TMP/t.tar" "$U/data.tar" && cp "$TMP/f.img" "$U/data.img"
(cd "$U" && timeout 120 ./dist/kv_images) >"$TMP/ref.log" 2>&1
got tar "$TMP/ref.log" >"$TMP/ref.tar"
for t in spt hvt; do
    if [ ! -f "build/lib/mirage/$t/.stamp" ] || [ ! -x "build/bin/mirage-$t" ]; then
        skip "$t" "the $t target is not built (make FREESTANDING=\"spt hvt\")"
        continue
    fi
    why=""
    case $t in
    spt) grep -q '^Seccomp:' /proc/self/status || why="this kernel has no seccomp" ;;
    hvt) { [ -r /dev/kvm ] && [ -w /dev/kvm ]; } || why="no usable /dev/kvm" ;;
    esac
    V=$TMP/u-$t
    cp -r tests/e2e/kv_images "$V"
    if ! (cd "$V" && "$M" configure -t "$t" && make) >"$TMP/$t.build" 2>&1; then
        fail "$t: configure and make" "failed" "$TMP/$t.build"
        continue
    fi
    ok "$t: configure and make"
    if [ -n "$why" ]; then
        skip "$t/run" "$why"
        continue
    fi
    (cd "$V" && timeout 120 "$ROOT/build/bin/mirage-$t" --mem=256 --block:tar="$TMP/t.tar" \
        --block:fat="$TMP/f.img" -- "dist/kv_images.$t") >"$TMP/$t.log" 2>&1 </dev/null
    rc=$?
    got tar "$TMP/$t.log" >"$TMP/$t.tar"
    got fat "$TMP/$t.log" >"$TMP/$t.fat"
    if [ "$rc" -eq 0 ] && cmp -s "$TMP/$t.tar" "$TMP/want" && cmp -s "$TMP/$t.fat" "$TMP/want" &&
        cmp -s "$TMP/ref.tar" "$TMP/want"; then
        ok "$t: under mirage-$t, $(wc -l <"$TMP/want") keys of both stores as sha256sum says"
    else
        fail "$t: the stores through the tender's block devices" "exit $rc, or other lines than on unix" "$TMP/$t.log"
    fi
done
