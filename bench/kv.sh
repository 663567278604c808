#!/bin/sh
# kv.sh: get of a small (1 KiB) and a large (8 MiB) value from each read-only store (crunch,
# direct_kv_ro, kv_rw_mem, and the tar archive and FAT image stores when built) on unix,
# against `cat` of the same bytes from the host's page cache, in one run.
#
# The stores are timed inside bench/kv (the kv_bench unikernel: N gets, each a fresh
# malloc'd copy, by the monotonic clock); cat is timed by hyperfine from launch to exit,
# so for the small value its process start is most of its time. A last row times the
# whole unikernel (launch, one 8 MiB get from crunch, exit) against cat, both by hyperfine;
# another crunch's get_ref, which gives the embedded bytes without a copy.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
B=$tmp/kv
cp -r "$ROOT/bench/kv" "$B"
mkdir -p "$B/data"
head -c 1024 /dev/urandom >"$B/data/small"
head -c 8388608 /dev/urandom >"$B/data/large"
cat "$B/data/small" "$B/data/large" >/dev/null # into the page cache

# cat: hyperfine's mean, in microseconds
cat_us() {
    hyperfine -N --warmup 5 --runs 60 --export-csv "$tmp/cat.csv" "cat $1" >/dev/null 2>&1
    awk -F, 'NR == 2 { printf "%.0f", $2 * 1e6 }' "$tmp/cat.csv"
}
cat_small=$(cat_us "$B/data/small")
cat_large=$(cat_us "$B/data/large")

# get_ns STORE KEY N [--mem]: ns per get, from the unikernel configured for STORE
get_ns() {
    (cd "$B" && ./dist/kv_bench --key="$2" --n="$3" ${4:-}) 2>&1 |
        sed -n 's/.*kv_bench: [0-9]* bytes, [0-9]* gets, \([0-9]*\) ns\/get.*/\1/p'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { r = a / b; printf (r < 0.01 ? "%.6fx" : "%.3fx"), r }'; }
row() { # LABEL NS CAT_US SIZE
    echo "| get of a $4 value from $1, in the unikernel | \`cat\` of the same $4 from the page cache, launch to exit | $(ratio "$2" "$(($3 * 1000))") | $2 ns per get vs $3 us |"
}

stores="crunch direct"
if grep -q 'define archive(' "$ROOT/include/mirage.h" && [ -f "$ROOT/build/lib/mirage/unix/libmirage-kv_tar.a" ]; then
    tar -cf "$tmp/disk.tar" -C "$B/data" small large
    stores="$stores archive"
fi
if grep -q 'define fat_ro(' "$ROOT/include/mirage.h" && [ -f "$ROOT/build/lib/mirage/unix/libmirage-kv_fat.a" ] &&
    command -v mkfs.vfat >/dev/null && command -v mcopy >/dev/null; then
    mkfs.vfat -C "$tmp/disk.fat" 16384 >/dev/null
    mcopy -i "$tmp/disk.fat" "$B/data/small" "$B/data/large" ::/
    stores="$stores fat"
fi
for s in $stores; do
    case $s in
    archive) cp "$tmp/disk.tar" "$B/disk.img" ;;
    fat) cp "$tmp/disk.fat" "$B/disk.img" ;;
    esac
    (cd "$B" && mirage configure -t unix --store="$s" >/dev/null && make -s >/dev/null 2>&1)
    name=$s
    [ "$s" = direct ] && name=direct_kv_ro
    [ "$s" = archive ] && name="archive (tar on a block_of_file)"
    [ "$s" = fat ] && name="fat_ro (FAT16 on a block_of_file)"
    row "$name" "$(get_ns "$s" /small 100000)" "$cat_small" "1 KiB"
    row "$name" "$(get_ns "$s" /large 200)" "$cat_large" "8 MiB"
    if [ "$s" = crunch ]; then
        row kv_rw_mem "$(get_ns "$s" /small 100000 --mem)" "$cat_small" "1 KiB"
        row kv_rw_mem "$(get_ns "$s" /large 200 --mem)" "$cat_large" "8 MiB"
        ns=$(get_ns "$s" /large 100000 --ref)
        echo "| get_ref (no copy) of a 8 MiB value from crunch, in the unikernel | \`cat\` of the same 8 MiB from the page cache, launch to exit | $(ratio "$ns" "$((cat_large * 1000))") | $ns ns per get_ref vs $cat_large us |"
        hyperfine -N --warmup 5 --runs 40 --export-csv "$tmp/whole.csv" \
            "$B/dist/kv_bench --key=/large --n=1" "cat $B/data/large" >/dev/null 2>&1
        whole=$(awk -F, 'NR == 2 { printf "%.0f", $2 * 1e6 }' "$tmp/whole.csv")
        peer=$(awk -F, 'NR == 3 { printf "%.0f", $2 * 1e6 }' "$tmp/whole.csv")
        echo "| crunch: launch, one 8 MiB get, exit | \`cat\` of the 8 MiB, launch to exit | $(ratio "$whole" "$peer") | $whole us vs $peer us (hyperfine means) |"
    fi
done
