#!/bin/sh
# run.sh: builds the freestanding libc (libc/src) with the Makefile's CFLAGS_FS and runs its tests
# as Linux executables on a test-only shim (shim_linux.c): no glibc in them.
set -u
cd "$(dirname "$0")/../.."
out=build/tests/libc
mkdir -p "$out/obj"
CC=${CC:-cc}
# The flags images are built with, read from the Makefile so they cannot drift.
CFLAGS_FS=$(printf 'print-cflags-fs:\n\t@echo $(CFLAGS_FS)\n' |
    make -s --no-print-directory -f Makefile -f - print-cflags-fs) || {
    echo "not ok - libc/build: cannot read CFLAGS_FS from the Makefile"; exit 1; }
LDFLAGS_FS="-nostdlib -static -no-pie -Wl,--gc-sections"

fail_build() { echo "not ok - libc/build: $1"; exit 1; }

# The libc archive, as the Makefile builds it for a target (no target files).
rm -f "$out"/obj/*.o "$out/libc.a"
for src in libc/src/*.c; do
    case "$src" in *_unix.c | *_spt.c | *_hvt.c | *_virtio.c | *_xen.c) continue ;; esac
    # shellcheck disable=SC2086
    $CC $CFLAGS_FS -c -o "$out/obj/$(basename "$src" .c).o" "$src" || fail_build "$src"
done
ar rcs "$out/libc.a" "$out"/obj/*.o || fail_build "ar"
echo "ok - libc/build"

# A test program: tests/libc/NAME.c + the shim + extra archives + the libc.
build() { # name, extra archives...
    name=$1; shift
    # shellcheck disable=SC2086
    $CC $CFLAGS_FS -Itests/libc -c -o "$out/$name.o" "tests/libc/$name.c" &&
        $CC $CFLAGS_FS -fno-stack-protector -c -o "$out/shim_linux.o" tests/libc/shim_linux.c &&
        $CC $LDFLAGS_FS -o "$out/$name" "$out/$name.o" "$out/shim_linux.o" "$@" "$out/libc.a" ||
        fail_build "$name"
}
for t in t_string t_malloc t_fmt t_fail t_min; do build $t; done
BEARSSL_A=/usr/lib/x86_64-linux-gnu/libbearssl.a
ZLIB_A=/usr/lib/x86_64-linux-gnu/libz.a # zlib1g-dev: not a dependency of the tree
build t_bearssl "$BEARSSL_A"
[ -f "$ZLIB_A" ] && build t_zlib "$ZLIB_A"

# Case tables: their own ok / not ok lines.
rc=0
"$out/t_string" || rc=1
"$out/t_malloc" || rc=1

# snprintf against glibc: the same table built once on glibc, once on ours.
$CC -std=gnu11 -O1 -w -o "$out/t_fmt_glibc" tests/libc/t_fmt.c || fail_build "t_fmt (glibc)"
"$out/t_fmt_glibc" 2>&1 | sed -f tests/libc/fmt_glibc_bugs.sed >"$out/fmt.glibc"
"$out/t_fmt" >"$out/fmt.ours" 2>&1
total=$(wc -l <"$out/fmt.glibc")
if [ "$total" -gt 1000 ] && cmp -s "$out/fmt.glibc" "$out/fmt.ours"; then
    echo "ok - libc/snprintf_matches_glibc ($total formatted values)"
else
    diff "$out/fmt.glibc" "$out/fmt.ours" | head -n 20
    echo "not ok - libc/snprintf_matches_glibc: $(diff "$out/fmt.glibc" "$out/fmt.ours" | grep -c '^>') of $total lines differ"
    rc=1
fi

# Expected failures: each must end with status 255 and its message.
expect_abort() { # case, message
    msg=$("$out/t_fail" "$1" 2>&1)
    st=$?
    if [ "$st" -eq 255 ] && printf '%s\n' "$msg" | grep -qF -- "$2"; then
        echo "ok - libc/aborts_on_$1"
    else
        echo "not ok - libc/aborts_on_$1: status $st, output: $(printf '%s' "$msg" | tail -n 1)"
        rc=1
    fi
}
expect_abort double_free "libc: free(): double free or invalid pointer"
expect_abort free_of_stack_pointer "libc: free(): invalid pointer"
expect_abort free_of_interior_pointer "libc: free(): "
expect_abort realloc_after_free "libc: realloc(): double free or invalid pointer"
expect_abort memcpy_chk_overflow "libc: buffer overflow detected in memcpy"
expect_abort memset_chk_overflow "libc: buffer overflow detected in memset"
expect_abort snprintf_chk_overflow "libc: buffer overflow detected in snprintf"
expect_abort stack_smash "libc: stack smashing detected"
expect_abort abort "libc: abort() called"
expect_abort assert "t_fail.c:"
# ... and the same program exits 0 when asked for nothing bad.
if "$out/t_fail" nothing >/dev/null 2>&1; then echo "ok - libc/t_fail_control"; else echo "not ok - libc/t_fail_control"; rc=1; fi

# Debian's libbearssl.a on our libc: SHA-256 of a string against sha256sum.
str="The quick brown fox jumps over the lazy dog, freestanding"
got=$("$out/t_bearssl" "$str")
want=$(printf '%s' "$str" | sha256sum | cut -d' ' -f1)
if [ -n "$got" ] && [ "$got" = "$want" ]; then echo "ok - libc/bearssl_sha256"; else
    echo "not ok - libc/bearssl_sha256: got '$got', want '$want'"; rc=1; fi
"$out/t_zlib" || rc=1

# Sizes, for the record (not cases).
echo "# sizes of the libc objects (text data bss dec hex file):"
size "$out"/obj/*.o | sed 's|build/tests/libc/obj/||; s/^/#   /'
echo "# minimal linked test (t_min: snprintf + puts):"
size "$out/t_min" | sed 's/^/#   /'
exit $rc
