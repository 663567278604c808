#!/bin/sh
# smoke.sh: builds each libFuzzer harness tests/fuzz/fuzz_*.c with clang (fuzzer, ASan, UBSan)
# and runs it for FUZZ_TIME seconds (default 5), one ok / not ok / skip line per harness.
# The corpus of each harness persists in build/fuzz/NAME.corpus between runs.
set -u
cd "$(dirname "$0")/../.."
time=${FUZZ_TIME:-5}
out=build/fuzz
mkdir -p "$out"
if ! command -v clang >/dev/null 2>&1; then
    echo "skip - fuzz: clang is not installed (make deps)"
    exit 0
fi
# Every runtime and unix platform source but the one holding main().
srcs="$(ls runtime/*.c platform/unix/*_unix.c)"

seed() { # harness, seed...
    d=$out/$1.corpus
    shift
    i=0
    for s in "$@"; do
        i=$((i + 1))
        printf '%b' "$s" >"$d/seed$i"
    done
}

status=0
for h in tests/fuzz/fuzz_*.c; do
    name=$(basename "$h" .c)
    bin=$out/$name
    log=$out/$name.log
    hsrcs=$srcs
    case $name in # the tenders' readers are host code of their own
    fuzz_elf | fuzz_manifest) hsrcs="$(ls tenders/common/*.c)" ;;
    esac
    # shellcheck disable=SC2086
    if ! clang -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-missing-field-initializers \
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
        -Iinclude -Iplatform -Iplatform/unix -Itenders/common -D_GNU_SOURCE -o "$bin" "$h" $hsrcs >"$log" 2>&1; then
        echo "not ok - fuzz/$name: does not build"
        tail -n 20 "$log"
        status=1
        continue
    fi
    mkdir -p "$out/$name.corpus"
    case $name in
    fuzz_args) seed "$name" '--port=80\n-v\n--ipv6=fd00::1' '-l\n*:debug,net:info\n--\n' \
        '--mode=slow\n--ipv4-net\n10.0.0.2/24\n--big=-0x10' '--help' ;;
    fuzz_log_spec) seed "$name" '*:info,net:debug' 'debug' 'quiet' 'a:warning, b : error' ;;
    fuzz_ipaddr) seed "$name" '10.0.0.2' '10.0.0.2/24' '2001:db8::1' '::ffff:192.0.2.1' 'fd00::/64' '1:2:3:4:5:6:7:8' ;;
    esac
    # The harness's console output goes to stdout; libFuzzer reports on stderr.
    if "$bin" -max_total_time="$time" -print_final_stats=1 "$out/$name.corpus" >/dev/null 2>"$log"; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        echo "ok - fuzz/$name: ${runs:-?} runs in ${time}s"
    else
        echo "not ok - fuzz/$name: crashed (see $log)"
        grep -E 'ERROR|SUMMARY|abort|Test unit written' "$log" | head -n 10
        status=1
    fi
done
exit $status
