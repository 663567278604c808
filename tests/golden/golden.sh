#!/bin/sh
# golden.sh: configures each tests/golden/CASE/config.c (with the arguments in
# CASE/args) and compares the generated files with CASE/expected/*; checks the
# generated main.c compiles. UPDATE=1 rewrites the expected files instead.
# A case for a target this build does not have is skipped.
# Absolute paths and the version are normalised to @SRCDIR@ and @VERSION@.
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
MIRAGE=${MIRAGE:-$ROOT/build/bin/mirage}
VERSION=$(cat VERSION)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

normalise() { # file
    sed -e "s|$work|@SRCDIR@|g" -e "s|\"$VERSION\"|\"@VERSION@\"|g" "$1"
}

for dir in tests/golden/*/; do
    name=$(basename "$dir")
    [ -f "$dir/config.c" ] || continue
    work=$tmp/$name
    mkdir -p "$work"
    for f in "$dir"*; do
        [ -f "$f" ] && cp "$f" "$work/"
    done
    args=$(cat "$dir/args" 2>/dev/null || true)
    # shellcheck disable=SC2086
    if ! (set -f && cd "$work" && env -u MIRAGE_DEFAULT_TARGET -u HELLO_NAME "$MIRAGE" configure $args) \
            >"$tmp/$name.log" 2>&1; then
        if grep -q "is not available in this installation" "$tmp/$name.log"; then
            echo "skip - $name: $(sed -n 's/^mirage: //p' "$tmp/$name.log" | head -n 1)"
            continue
        fi
        echo "not ok - $name: mirage configure $args failed"
        sed 's/^/    /' "$tmp/$name.log"
        continue
    fi
    if [ "${UPDATE:-}" = 1 ]; then
        mkdir -p "$dir/expected"
        for g in "$work"/mirage/*.c "$work"/mirage/*.h; do
            normalise "$g" >"$dir/expected/$(basename "$g")"
            echo "ok - $name/$(basename "$g") (updated)"
        done
        continue
    fi
    for want in "$dir"expected/*; do
        base=$(basename "$want")
        got=$work/mirage/$base
        if [ ! -f "$got" ]; then
            echo "not ok - $name/$base: not generated"
        elif normalise "$got" | cmp -s - "$want"; then
            echo "ok - $name/$base"
        else
            echo "not ok - $name/$base: differs from tests/golden/$name/expected/$base"
            normalise "$got" | diff -u "$want" - | head -n 40 | sed 's/^/    /'
        fi
    done
    # The generated C compiles (as the Makefile compiles it, warnings as errors).
    header=$(cd "$work/mirage" && ls *.h)
    if (cd "$work" && cc -std=gnu11 -Wall -Wextra -Werror -fsyntax-only -I. -I"$ROOT/include" \
            -include "mirage/$header" mirage/main.c) >"$tmp/$name.cc" 2>&1; then
        echo "ok - $name: main.c compiles"
    else
        echo "not ok - $name: main.c does not compile"
        sed 's/^/    /' "$tmp/$name.cc" | head -n 30
    fi
done
