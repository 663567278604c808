#!/bin/sh
# kv_seeds.sh KIND DIR: seed inputs for fuzz_tar (KIND tar) or fuzz_fat (KIND fat) in DIR:
# small archives written by GNU tar in each format, small FAT12 images by mkfs.vfat + mcopy.
# Tools that are missing give fewer seeds, never a failure.
set -u
kind=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
src=$tmp/src
mkdir -p "$src/sub/deeper" "$src/empty"
printf 'hello\n' >"$src/a.txt"
printf 'in a folder\n' >"$src/sub/b.txt"
: >"$src/sub/deeper/zero"
head -c 1300 /dev/zero | tr '\0' 'x' >"$src/sub/three-blocks.bin"
long=$(printf '%0120d' 0 | tr 0 L)
printf 'long\n' >"$src/sub/$long"
ln -s a.txt "$src/link"
ln "$src/a.txt" "$src/hard"
case $kind in
tar)
    command -v tar >/dev/null 2>&1 || exit 0
    for f in ustar gnu pax v7; do
        # -b 1: no padding to 10 KiB records, so the seeds stay small. ustar and
        # v7 leave out the long name (tar says so and exits 2): still a seed.
        tar --format=$f -b 1 -cf "$dir/seed-$f.tar" -C "$src" . 2>/dev/null
        [ -s "$dir/seed-$f.tar" ] || rm -f "$dir/seed-$f.tar"
    done
    ;;
fat)
    command -v mcopy >/dev/null 2>&1 || exit 0
    mkfs=$(command -v mkfs.vfat || echo /usr/sbin/mkfs.vfat)
    [ -x "$mkfs" ] || exit 0
    rm -f "$src/link" # FAT has no links
    for s in 1 2; do
        img=$dir/seed-fat12-s$s.img
        rm -f "$img"
        truncate -s 64K "$img"
        "$mkfs" -F 12 -r 16 -s $s "$img" >/dev/null &&
            (cd "$src" && MTOOLS_SKIP_CHECK=1 mcopy -s -m -i "$img" ./* ::/) || rm -f "$img"
    done
    ;;
esac
exit 0
