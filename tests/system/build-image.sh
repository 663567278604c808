#!/bin/sh
# build-image.sh: links a test unikernel for a target (spt, hvt or unix) from the tree's build/ (until `mirage configure -t` does).
#
#   sh tests/system/build-image.sh TARGET OUT SOURCE.c... [-- EXTRA-LINK-ARGS...]
#
# unix: the sources with CFLAGS_unix (plus the stack protector the
# freestanding targets always have) and build/lib/mirage/unix/libmirage-*.a
# in one group: a hosted Linux program, as `mirage configure -t unix` links.
#
# Compiles the sources with the target's freestanding flags (CFLAGS_<t> of
# the Makefile) and links them with every library of
# build/lib/mirage/TARGET/ and its linker script: a static, W^X image at
# 1 MiB. Exits non-zero with the compiler's message on failure.
#
# Run without arguments (as tests/run.sh does), it checks itself: for each
# freestanding target that is built, uk_hello.c links into a static ELF
# whose segments are W^X, at or above 1 MiB, with a PT_NOTE.
set -eu
cd "$(dirname "$0")/../.."
if [ $# -eq 0 ]; then
    for t in spt hvt; do
        if [ ! -f "build/lib/mirage/$t/.stamp" ]; then
            echo "skip - build-image/$t: the $t target is not built (make FREESTANDING=$t)"
            continue
        fi
        o=build/tests/system/build-image/uk_hello.$t
        mkdir -p "$(dirname "$o")"
        if ! sh "$0" "$t" "$o" tests/system/uk_hello.c >"$o.log" 2>&1; then
            echo "not ok - build-image/$t: uk_hello does not link"
            sed 's/^/    /' "$o.log" | head -n 20
            continue
        fi
        h=$(readelf -hlW "$o")
        if ! echo "$h" | grep -q 'Type: *EXEC'; then
            echo "not ok - build-image/$t: not a static executable"
        elif echo "$h" | grep -E '^ *LOAD' | grep -q 'RWE'; then
            echo "not ok - build-image/$t: a segment is writable and executable"
        elif echo "$h" | grep -E '^ *LOAD' | while read -r _ _ va _ _ msz _; do
            [ $((va)) -lt $((0x100000)) ] && [ $((msz)) -gt 0 ] && echo low; done | grep -q low; then
            echo "not ok - build-image/$t: a segment below 1 MiB"
        elif ! echo "$h" | grep -qE '^ *NOTE'; then
            echo "not ok - build-image/$t: no PT_NOTE (manifest)"
        else
            echo "ok - build-image/$t: uk_hello links: static, W^X, above 1 MiB, with its manifest"
        fi
    done
    exit 0
fi
t=$1 out=$2
shift 2
srcs=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do srcs="$srcs $1"; shift; done
[ $# -gt 0 ] && shift
lib=build/lib/mirage/$t
if [ "$t" = unix ]; then
    [ -f "$lib/libmirage-runtime.a" ] || { echo "build-image: $lib is not built (make)" >&2; exit 1; }
    # shellcheck disable=SC2016 # $(CFLAGS_unix) is make's, not the shell's
    flags=$(printf 'print-flags:\n\t@echo $(CFLAGS_unix)\n' |
        make --no-print-directory -s -f Makefile -f - print-flags | sed 's/ -MMD / /; s/ -MP / /')
    mkdir -p "$(dirname "$out")"
    # shellcheck disable=SC2086
    exec cc $flags -fstack-protector-strong -Itests/system -Wl,--gc-sections -o "$out" $srcs \
        -Wl,--start-group "$lib"/libmirage-*.a "$@" -Wl,--end-group
fi
[ -f "$lib/$t.ld" ] || { echo "build-image: $lib/$t.ld is missing (make FREESTANDING=$t)" >&2; exit 1; }
# The target's compile flags, from the Makefile itself so the two cannot drift.
flags=$(printf 'print-flags:\n\t@echo $(CFLAGS_%s)\n' "$t" |
    make --no-print-directory -s -f Makefile -f - FREESTANDING="$t" print-flags |
    sed 's/ -MMD / /; s/ -MP / /')
mkdir -p "$(dirname "$out")"
# -n: no page alignment of the file offsets (the tenders copy segments into
# guest memory, they do not map them there), which saves up to a page per
# segment.
# shellcheck disable=SC2086
cc $flags -Itests/system -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-n -Wl,-T,"$lib/$t.ld" \
    -Wl,--gc-sections -o "$out" $srcs \
    -Wl,--start-group "$lib"/libmirage-*.a "$@" -Wl,--end-group -lgcc
