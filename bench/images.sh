#!/bin/sh
# images.sh: the stripped image size of every example on every target (unix, spt, hvt), and the system calls each
# tender allows, as table rows for docs/benchmarks.md.
#
# Each example is copied to a scratch folder and built there as a user would
# (`mirage configure -t T && make`); one that does not build on a target is
# a "does not build" row naming the step that failed. Start-up times are
# bench/hvt.sh's.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PATH="$ROOT/build/bin:$PATH"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

targets=unix
for t in spt hvt; do
    if [ -x "build/bin/mirage-$t" ] && [ -f "build/lib/mirage/$t/.stamp" ]; then targets="$targets $t"; else
        echo "| images on $t | | skipped | the $t target is not built (make FREESTANDING=\"spt hvt\") |"
    fi
done

for ex in examples/*/; do
    ex=$(basename "$ex")
    for t in $targets; do
        d=$tmp/$ex-$t
        cp -r "examples/$ex" "$d"
        rm -rf "$d/dist" "$d/_build" "$d/mirage" "$d/Makefile"
        if ! (cd "$d" && mirage configure -t "$t") >"$d.log" 2>&1; then
            why="\`mirage configure -t $t\` fails: $(grep -m1 -i 'error\|mirage:' "$d.log" | cut -c1-120)"
            echo "| $ex image on $t, stripped | | does not build | $why |"
            continue
        fi
        if ! (cd "$d" && make -s) >>"$d.log" 2>&1; then
            echo "| $ex image on $t, stripped | | does not build | \`make\` fails: $(grep -m1 -i 'error' "$d.log" | cut -c1-120) |"
            continue
        fi
        # dist/ holds the image (unix: NAME, else NAME.T) and maybe its data.
        img=$(find "$d/dist" -maxdepth 1 -type f -perm -u+x | head -n 1)
        if [ -z "$img" ]; then
            echo "| $ex image on $t, stripped | | does not build | no executable in dist/ |"
            continue
        fi
        strip -o "$tmp/stripped" "$img"
        case $t in
        unix) note="dynamically linked against glibc" ;;
        *) note="static, $(basename "$img")" ;;
        esac
        echo "| $ex image on $t, stripped | | $(stat -c %s "$tmp/stripped") bytes | $note |"
    done
done

# The allow-lists: one line per system call, "name<TAB>how its arguments are pinned".
for t in spt hvt; do
    case " $targets " in *" $t "*) ;; *) continue ;; esac
    list=$("mirage-$t" --list-syscalls)
    n=$(echo "$list" | wc -l)
    names=$(echo "$list" | cut -f1 | paste -sd, - | sed 's/,/, /g')
    case $t in
    spt) what="the guest (seccomp, in the tender's process; aim: at most 8)" ;;
    hvt) what="the tender itself while the guest runs (seccomp)" ;;
    esac
    echo "| system calls mirage-$t allows | | $n | $what: $names |"
done
