#!/bin/sh
# tenders.sh: unit tests of tenders/common (and the guests' command-line splitter), under ASan and UBSan.
#
# Each tests/tenders/test_*.c is a tests/unit/check.h program whose first
# line names the sources it links, as in tests/unit:  /* sources: ... */
# They need no freestanding build: tenders/common is host code.
set -u
cd "$(dirname "$0")/../.."
out=build/tests/tenders
mkdir -p "$out"
SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
CFLAGS="-std=gnu11 -O1 -g -Wall -Wextra -Werror -Wshadow -Wno-missing-field-initializers -Wno-format-truncation -D_GNU_SOURCE"
INC="-Iinclude -Iplatform -Iplatform/spt -Itenders/common -Itests/unit"
status=0
for t in tests/tenders/test_*.c; do
    name=$(basename "$t" .c)
    srcs=$(head -n 1 "$t" | sed -n 's|^/\* sources: \(.*\) \*/$|\1|p')
    # shellcheck disable=SC2086
    if ! cc $CFLAGS $SAN $INC -o "$out/$name" "$t" $srcs >"$out/$name.build.log" 2>&1; then
        echo "not ok - tenders/$name: does not build"
        sed 's/^/    /' "$out/$name.build.log" | head -n 30
        status=1
        continue
    fi
    "$out/$name" || status=1
done
exit $status
