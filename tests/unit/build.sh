#!/bin/sh
# build.sh: builds each tests/unit/test_*.c into build/tests/unit/, under
# AddressSanitizer and UndefinedBehaviorSanitizer, linked with the sources it
# names in a first-line comment:  /* sources: edsl/*.c runtime/log.c ... */
set -eu
cd "$(dirname "$0")/../.."
out=build/tests/unit
mkdir -p "$out"
SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
CFLAGS="-std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-missing-field-initializers -Iinclude -Iplatform -Iplatform/unix -Itests/unit -D_GNU_SOURCE -DMIRAGE_VERSION=\"$(cat VERSION)\""
for t in tests/unit/test_*.c; do
    [ -f "$t" ] || continue
    name=$(basename "$t" .c)
    srcs=$(head -n 1 "$t" | sed -n 's|^/\* sources: \(.*\) \*/$|\1|p')
    # shellcheck disable=SC2086
    set -- $srcs
    newer=0
    [ -x "$out/$name" ] || newer=1
    for s in "$t" "$@" include/mirage.h include/mirage/*.h; do
        [ "$s" -nt "$out/$name" ] 2>/dev/null && newer=1
    done
    [ $newer -eq 1 ] || continue
    echo "cc $name"
    # shellcheck disable=SC2086
    cc $CFLAGS $SAN -o "$out/$name" "$t" "$@" $(sed -n 's|^/\* libs: \(.*\) \*/$|\1|p' "$t")
done
