#!/bin/sh
# run.sh: runs every test of the tree and ends with "N passed, N failed, N skipped".
#
# A test is an executable script tests/*/NAME.sh or a unit program built by
# tests/unit/build.sh. Each prints one line per case:
#     ok - NAME | not ok - NAME: why | skip - NAME: why
# Lines are counted; a test that exits non-zero without a "not ok" line
# counts as one failure of its own. Output of each test goes to a fresh
# build/test-logs.XXXX/ (build/test-logs links to the latest), and failing
# lines are echoed. Scripts in tests/<kind>/lib/ are helpers, not tests.
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
mkdir -p "$ROOT/build"
find "$ROOT/build" -maxdepth 1 -name "test-logs.*" -mmin +120 -exec rm -rf {} + 2>/dev/null
LOGS=$(mktemp -d "$ROOT/build/test-logs.XXXX")
ln -sfn "$(basename "$LOGS")" "$ROOT/build/test-logs"
export MIRAGE_ROOT="$ROOT" PATH="$ROOT/build/bin:$PATH"
only=${TESTS:-}

pass=0 fail=0 skip=0
run_one() { # name, command...
    name=$1; shift
    log=$LOGS/$(echo "$name" | tr '/' '_').log
    start=$(date +%s)
    "$@" >"$log" 2>&1 </dev/null
    rc=$?
    p=$(grep -c '^ok - ' "$log"); f=$(grep -c '^not ok - ' "$log"); s=$(grep -c '^skip - ' "$log")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1; echo "not ok - $name: exited $rc" >>"$log"
    fi
    if [ "$rc" -eq 0 ] && [ $((p + f + s)) -eq 0 ]; then
        f=1; echo "not ok - $name: reported no case" >>"$log"
    fi
    pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
    printf '%-40s %3d ok %3d failed %3d skipped  (%ss)\n' "$name" "$p" "$f" "$s" $(($(date +%s) - start))
    grep -E '^(not ok|skip) - ' "$log" | sed 's/^/    /'
    if [ "$f" -gt 0 ]; then tail -n 30 "$log" | grep -v -E '^(ok|not ok|skip) - ' | sed 's/^/    | /'; fi
}

# Unit programs (host, under ASan and UBSan).
if [ -z "$only" ] || [ "$only" = unit ]; then
    if sh tests/unit/build.sh >"$LOGS/unit-build.log" 2>&1; then
        for t in build/tests/unit/*; do
            [ -x "$t" ] && run_one "unit/$(basename "$t")" "$t"
        done
    else
        echo "not ok - unit build failed"; tail -n 40 "$LOGS/unit-build.log"; fail=$((fail + 1))
    fi
fi
# Script tests, one folder a kind.
for t in tests/*/*.sh; do
    [ -f "$t" ] || continue
    case "$t" in tests/unit/*) continue ;; esac
    kind=$(basename "$(dirname "$t")")
    if [ -n "$only" ] && [ "$only" != "$kind" ] && [ "$only" != "${t#tests/}" ]; then continue; fi
    run_one "${t#tests/}" sh "$t"
done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
