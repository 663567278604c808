#!/bin/sh
# configure_build.sh: how long a cold `mirage configure -t unix && make` of
# hello takes, against compiling and linking a one-file C hello world with the
# same compiler (the floor any build of a C program pays), in one run.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp -r "$ROOT/examples/hello" "$tmp/hello"
printf '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n' >"$tmp/plain.c"
cd "$tmp"
hyperfine -N --warmup 1 --runs 10 --export-json "$tmp/r.json" \
    --prepare "rm -rf $tmp/hello/mirage $tmp/hello/_build $tmp/hello/dist $tmp/hello/Makefile" \
    "sh -c 'cd $tmp/hello && mirage configure -t unix >/dev/null && make -s >/dev/null'" \
    "cc -O2 -o $tmp/plain $tmp/plain.c" >/dev/null 2>&1
python3 - "$tmp/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
m, c = r[0]["mean"], r[1]["mean"]
print(f"| cold `mirage configure -t unix && make` of hello | `cc -O2` of a one-file hello | {m/c:.1f}x | {m*1000:.0f} ms vs {c*1000:.0f} ms (aim: under 2 s) |")
PY
