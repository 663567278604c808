#!/bin/sh
# startup.sh: start-up of unikernels on unix against /bin/true, in one run:
# hello from launch to its first log line (arguments parsed, scheduler up,
# clock and reporter connected, the job running), and noop from launch to
# exit (the same path plus a clean exit). Medians of many runs.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/first_line" "$ROOT/bench/first_line.c"
for ex in hello noop; do
    cp -r "$ROOT/examples/$ex" "$tmp/$ex"
    (cd "$tmp/$ex" && mirage configure -t unix >/dev/null && make -s >/dev/null)
done
runs=400
t_true=$("$tmp/first_line" $runs /bin/true)
t_hello=$("$tmp/first_line" $runs "$tmp/hello/dist/hello")
t_noop=$("$tmp/first_line" $runs "$tmp/noop/dist/noop")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
echo "| hello on unix, launch to first log line | \`/bin/true\`, launch to exit | $(ratio "$t_hello" "$t_true") | median ${t_hello} us vs ${t_true} us, $runs runs |"
echo "| noop on unix, launch to exit | \`/bin/true\`, launch to exit | $(ratio "$t_noop" "$t_true") | median ${t_noop} us vs ${t_true} us |"
strip -o "$tmp/hello.stripped" "$tmp/hello/dist/hello"
echo "| hello image on unix, stripped | | $(stat -c %s "$tmp/hello.stripped") bytes | dynamically linked against glibc |"
