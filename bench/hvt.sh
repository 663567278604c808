#!/bin/sh
# hvt.sh: the freestanding targets in one run against their peers: hello and noop start-up on unix,
# spt and hvt against /bin/true, their stripped image sizes, and compute-bound work on hvt against
# the same code as a Linux process.
#
# hello is timed from launch to its first log line (it then sleeps), noop from launch to its exit
# (bench/first_line.c). These machines are shared: the launches go in rounds, every command once a
# round, and each ratio is the median of the rounds' ratios, so load that comes and goes hits all
# alike. A target this machine or build cannot run is a "skipped" row.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PATH="$ROOT/build/bin:$PATH"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/first_line" bench/first_line.c

targets=unix
for t in spt hvt; do
    if [ ! -x "build/bin/mirage-$t" ] || [ ! -f "build/lib/mirage/$t/.stamp" ]; then
        echo "| $t | | skipped | the $t target is not built (make FREESTANDING=\"spt hvt\") |"
    elif [ "$t" = hvt ] && { [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; }; then
        echo "| hvt | | skipped | /dev/kvm not available |"
    else
        targets="$targets $t"
    fi
done

# dist images of the examples hello and noop, as `mirage configure -t T && make` builds them.
image() { # example target -> the image's path
    d=$tmp/$1-$2
    [ -d "$d" ] || {
        cp -r "examples/$1" "$d"
        (cd "$d" && mirage configure -t "$2" >/dev/null && make -s >/dev/null)
    }
    case $2 in unix) echo "$d/dist/$1" ;; *) echo "$d/dist/$1.$2" ;; esac
}
cmd() { # example target -> the command line that runs it
    case $2 in
    unix) image "$1" unix ;;
    *) echo "mirage-$2 --mem=2 -- $(image "$1" "$2")" ;;
    esac
}
for t in $targets; do image hello "$t" >/dev/null && image noop "$t" >/dev/null; done

rounds=40 runs=10
: >"$tmp/times"
for r in $(seq "$rounds"); do
    line="$r true $("$tmp/first_line" $runs /bin/true)"
    for t in $targets; do
        # shellcheck disable=SC2046
        line="$line hello-$t $("$tmp/first_line" $runs $(cmd hello "$t"))"
        # shellcheck disable=SC2046
        line="$line noop-$t $("$tmp/first_line" $runs $(cmd noop "$t"))"
    done
    echo "$line" >>"$tmp/times"
done
# The medians over the rounds of key's ratio to /bin/true, of key's time and of /bin/true's.
med() { # key -> "ratio us true-us"
    awk -v k="$1" '{ for (i = 2; i < NF; i += 2) { if ($i == "true") t = $(i + 1); if ($i == k) v = $(i + 1) }
        print v / t, v, t }' "$tmp/times" >"$tmp/med"
    for c in 1 2 3; do
        sort -n -k$c,$c "$tmp/med" | awk -v c=$c '{ x[NR] = $c } END { printf "%s ", x[int((NR + 1) / 2)] }'
    done | awk '{ printf "%.2f %d %d\n", $1, $2, $3 }'
}
aim() { # key -> the aim for it (quality.md; issue 3)
    case $1 in *-hvt) echo "; aim on PVM: 2.5x" ;; *-spt) echo "; aim: 1.5x" ;; *) echo "" ;; esac
}
for t in $targets; do
    set -- $(med "hello-$t")
    echo "| hello on $t, launch to first log line | \`/bin/true\`, launch to exit | ${1}x | medians of $rounds rounds of $runs launches: $2 us vs $3 us$(aim "hello-$t") |"
    set -- $(med "noop-$t")
    echo "| noop on $t, launch to exit | \`/bin/true\`, launch to exit | ${1}x | medians of $rounds rounds of $runs launches: $2 us vs $3 us$(aim "noop-$t") |"
done
for t in $targets; do
    for ex in hello noop; do
        strip -o "$tmp/$ex.$t.stripped" "$(image "$ex" "$t")"
        case $t in
        unix) note="dynamically linked against glibc" ;;
        spt) note="static: runtime + libc + spt platform (aim: 12 KiB)" ;;
        hvt) note="static: runtime + libc + hvt platform (aim: 16 KiB)" ;;
        esac
        echo "| $ex image on $t, stripped | | $(stat -c %s "$tmp/$ex.$t.stripped") bytes | $note |"
    done
done

case " $targets " in *" hvt "*) ;; *) exit 0 ;; esac
sh tests/system/build-image.sh hvt "$tmp/compute.hvt" tests/system/hvt/uk_compute.c tests/system/hvt/compute.c
cc -O2 -fstack-protector-strong -Itests/system/hvt -o "$tmp/compute" tests/system/hvt/compute_native.c \
    tests/system/hvt/compute.c
best() { # the best of 5 wall-clock times of a command, in ms
    b=0
    for _ in 1 2 3 4 5; do
        s=$(date +%s%N)
        "$@" >/dev/null
        t=$((($(date +%s%N) - s) / 1000000))
        if [ "$b" -eq 0 ] || [ "$t" -lt "$b" ]; then b=$t; fi
    done
    echo "$b"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
work=200000
t_native=$(best "$tmp/compute" $work)
t_vm=$(best mirage-hvt -- "$tmp/compute.hvt" $work)
echo "| integer + SSE work on hvt | the same code as a Linux process | $(ratio "$t_vm" "$t_native") | best of 5: ${t_vm} ms vs ${t_native} ms (CPL3 runs natively, PVM included) |"
