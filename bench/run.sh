#!/bin/sh
# run.sh: runs every bench/*.sh driver; each prints markdown table rows
# (question | peer | ratio | detail) that go into docs/benchmarks.md by hand
# with the date and the machine.
set -eu
cd "$(dirname "$0")/.."
export PATH="$(pwd)/build/bin:$PATH"
echo "| question | peer (same run) | result | detail |"
echo "|---|---|---|---|"
for b in bench/[a-z]*.sh; do
    [ "$b" = bench/run.sh ] && continue
    sh "$b"
done
