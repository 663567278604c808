#!/bin/sh
# kv.sh: the key-value stores end to end. examples/kv_ro built and run on unix with crunch
# and with direct (--kv_ro=direct), and with crunch on spt and hvt when those targets are
# built; crunch re-embedding its folder when a file changes, appears or goes; and
# tests/e2e/kv_dump (every key, size and digest of a store) over a folder of real files
# (100 MiB, empty, a 255-byte name, 40 folders deep) through crunch and direct, compared
# with each other and with sha256sum.
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

if ! command -v mirage >/dev/null 2>&1; then
    echo "not ok - kv: no mirage on PATH (run through tests/run.sh after make)"
    exit 1
fi

ok() { echo "ok - kv/$1"; }
fail() {
    echo "not ok - kv/$1: $2"
    [ -n "${3:-}" ] && [ -f "$3" ] && tail -n 15 "$3" | sed 's/^/    | /'
}
skip() { echo "skip - kv/$1: $2"; }

CONFIRMED='Contents of extremely secret vital storage confirmed!'
MISMATCH='The secret provided does not match!'

# run_expect NAME WANT_RC PATTERN CMD...: run CMD (60 s at most), want its status and a line.
run_expect() {
    name=$1 want=$2 pat=$3
    shift 3
    log=$TMP/$(echo "$name" | tr '/ ' '__').log
    timeout 60 "$@" >"$log" 2>&1 </dev/null
    rc=$?
    if [ "$rc" -eq "$want" ] && grep -qF -- "$pat" "$log"; then
        ok "$name"
    else
        fail "$name" "exit $rc (wanted $want), or no line \"$pat\"" "$log"
    fi
}

# ---- examples/kv_ro, crunch on unix ------------------------------------------------
EX=$TMP/kv_ro
cp -r examples/kv_ro "$EX"
if (cd "$EX" && mirage configure -t unix && make) >"$TMP/build.log" 2>&1; then
    ok "kv_ro/unix/crunch: configure and make"
    run_expect "kv_ro/unix/crunch" 0 "$CONFIRMED" sh -c "cd /; '$EX/dist/kv_ro'"
else
    fail "kv_ro/unix/crunch: configure and make" "failed" "$TMP/build.log"
fi

# ---- crunch re-embeds a folder that changed ----------------------------------------
# remake TAG: make in the example; 0 if it rebuilt the crunch object.
remake() {
    (cd "$EX" && make) >"$TMP/remake-$1.log" 2>&1 || return 2
    grep -q 'crunch_t_[0-9a-f]*\.o ' "$TMP/remake-$1.log"
}
if [ -x "$EX/dist/kv_ro" ]; then
    if (cd "$EX" && make) 2>&1 | grep -q "Nothing to be done"; then
        ok "crunch/unchanged: make does nothing"
    else
        fail "crunch/unchanged: make does nothing" "make rebuilt with nothing changed"
    fi
    printf 'bar\n' >"$EX/t/secret"
    if remake changed; then ok "crunch/modified: make rebuilds"; else
        fail "crunch/modified: make rebuilds" "no rebuild" "$TMP/remake-changed.log"; fi
    run_expect "crunch/modified: new content seen" 1 "$MISMATCH" "$EX/dist/kv_ro"
    printf 'foo\n' >"$EX/t/secret"
    remake restored
    run_expect "crunch/restored: content seen" 0 "$CONFIRMED" "$EX/dist/kv_ro"
    sleep 0.01
    touch "$EX/t/secret"
    if remake touched; then ok "crunch/touched: make rebuilds"; else
        fail "crunch/touched: make rebuilds" "no rebuild" "$TMP/remake-touched.log"; fi
    mkdir "$EX/t/more" && echo new >"$EX/t/more/file"
    if remake added; then ok "crunch/added: make rebuilds"; else
        fail "crunch/added: make rebuilds" "no rebuild" "$TMP/remake-added.log"; fi
    if grep -q '"file"' "$EX"/mirage/crunch_t_*.c; then ok "crunch/added: the new file is embedded"; else
        fail "crunch/added: the new file is embedded" "not in the table"; fi
    rm -r "$EX/t/more"
    if remake removed; then ok "crunch/removed: make rebuilds"; else
        fail "crunch/removed: make rebuilds" "no rebuild" "$TMP/remake-removed.log"; fi
    if grep -q '"file"' "$EX"/mirage/crunch_t_*.c; then
        fail "crunch/removed: the file is gone" "still in the table"; else
        ok "crunch/removed: the file is gone"; fi
    if (cd "$EX" && make) 2>&1 | grep -q "Nothing to be done"; then
        ok "crunch/settled: make does nothing again"
    else
        fail "crunch/settled: make does nothing again" "make rebuilt again"
    fi
    # a folder that is gone: the regeneration's configure stops, naming config.c's line
    mv "$EX/t" "$EX/t.away"
    if (cd "$EX" && make) >"$TMP/gone.log" 2>&1; then
        fail "crunch/missing folder: refused" "make succeeded" "$TMP/gone.log"
    elif grep -q 'config.c:[0-9]*: crunch_t: no folder t to embed' "$TMP/gone.log"; then
        ok "crunch/missing folder: refused at the crunch() line"
    else
        fail "crunch/missing folder: refused" "no config.c:LINE error" "$TMP/gone.log"
    fi
    mv "$EX/t.away" "$EX/t"
fi

# ---- examples/kv_ro, direct on unix ---------------------------------------------------
if (cd "$EX" && mirage configure -t unix --kv_ro=direct && make) >"$TMP/direct.log" 2>&1 &&
    ! grep -q mg_crunch_connect "$EX/mirage/main.c" && grep -q mg_direct_kv_ro_connect "$EX/mirage/main.c"; then
    ok "kv_ro/unix/direct: configure and make"
    run_expect "kv_ro/unix/direct" 0 "$CONFIRMED" sh -c "cd '$EX' && ./dist/kv_ro"
    printf 'changed at run time\n' >"$EX/t/secret"
    run_expect "kv_ro/unix/direct: the folder is read at run time" 1 "$MISMATCH" \
        sh -c "cd '$EX' && ./dist/kv_ro"
    printf 'foo\n' >"$EX/t/secret"
    run_expect "kv_ro/unix/direct: the folder must exist" 1 "cannot open the folder t" \
        sh -c "cd / && '$EX/dist/kv_ro'"
else
    fail "kv_ro/unix/direct: configure and make" "failed" "$TMP/direct.log"
fi

# ---- examples/kv_ro on spt and hvt (crunch) ----------------------------------------------
for t in spt hvt; do
    if [ ! -x "build/bin/mirage-$t" ] || [ ! -f "build/lib/mirage/$t/.stamp" ]; then
        skip "kv_ro/$t" "the $t target is not built (make FREESTANDING=\"spt hvt\")"
        continue
    fi
    if [ "$t" = hvt ] && [ ! -w /dev/kvm ]; then
        skip "kv_ro/hvt" "no usable /dev/kvm"
        continue
    fi
    if [ "$t" = spt ] && ! grep -q '^Seccomp:' /proc/self/status; then
        skip "kv_ro/spt" "this kernel has no seccomp"
        continue
    fi
    if (cd "$EX" && mirage configure -t "$t" && make) >"$TMP/$t.log" 2>&1; then
        ok "kv_ro/$t: configure and make (crunch)"
        run_expect "kv_ro/$t" 0 "$CONFIRMED" "build/bin/mirage-$t" "$EX/dist/kv_ro.$t"
        # direct_kv_ro is crunch there, and direct_kv_rw is refused
        if (cd "$EX" && mirage configure -t "$t" --kv_ro=direct) >"$TMP/$t-direct.log" 2>&1 &&
            grep -q mg_crunch_connect "$EX/mirage/main.c"; then
            ok "kv_ro/$t: direct is crunch"
        else
            fail "kv_ro/$t: direct is crunch" "configure failed or no crunch" "$TMP/$t-direct.log"
        fi
    else
        fail "kv_ro/$t: configure and make (crunch)" "failed" "$TMP/$t.log"
    fi
done

# ---- a store of real files, through crunch and direct ------------------------------------
D=$TMP/kv_dump
cp -r tests/e2e/kv_dump "$D"
mkdir -p "$D/data/sub/inner" "$D/data/emptydir"
head -c 104857600 /dev/urandom >"$D/data/big" # 100 MiB
: >"$D/data/empty"
printf 'hello\n' >"$D/data/hello.txt"
long=$(printf '%0255d' 0 | tr 0 n)
printf 'long name\n' >"$D/data/$long"
head -c 70000 /dev/urandom >"$D/data/sub/inner/mid"
printf 'spaces' >"$D/data/sub/a file with spaces"
deep=$D/data/deep
for i in $(seq 1 40); do deep=$deep/d$i; done
mkdir -p "$deep" && printf 'deep\n' >"$deep/leaf"
ln -s /etc/passwd "$D/data/link-out" # not part of either store

# what the files are: "v /KEY SIZE SHA256", sorted
(cd "$D/data" && find . -type f | while IFS= read -r f; do
    printf 'v %s %s %s\n' "/${f#./}" "$(stat -c %s "$f")" "$(sha256sum <"$f" | cut -d' ' -f1)"
done) | LC_ALL=C sort >"$TMP/files.txt"

dump() { # STORE: build and run kv_dump with --kv_ro=STORE into $TMP/dump-STORE.txt
    (cd "$D" && mirage configure -t unix --kv_ro="$1" && make) >"$TMP/dump-$1.build" 2>&1 || return 1
    (cd "$D" && timeout 120 ./dist/kv_dump) >"$TMP/dump-$1.out" 2>&1 || return 2
    sed -n 's/^.*\[application\] //p' "$TMP/dump-$1.out" | grep -v '^dump:' >"$TMP/dump-$1.txt"
}
start=$(date +%s)
if dump crunch; then
    ok "dump/crunch: a 100 MiB folder built and read ($(($(date +%s) - start)) s)"
else
    fail "dump/crunch: built and read" "failed" "$TMP/dump-crunch.build"
    tail -n 5 "$TMP/dump-crunch.out" 2>/dev/null | sed 's/^/    | /'
fi
if [ -s "$TMP/dump-crunch.txt" ]; then
    # the compiler proper never holds the bytes: the assembler includes them
    rss=$(cd "$D" && /usr/bin/time -f '%M' cc -std=gnu11 -O2 -I"$ROOT/build/include" -S -o /dev/null \
        mirage/crunch_data_*.c 2>&1 >/dev/null | tail -n 1)
    if [ -n "$rss" ] && [ "$rss" -lt 65536 ]; then
        ok "dump/crunch: the compiler used $((rss / 1024)) MiB for a 100 MiB folder"
    else
        fail "dump/crunch: the compiler's memory" "cc1 used ${rss:-?} KiB (wanted < 64 MiB)"
    fi
    grep '^v ' "$TMP/dump-crunch.txt" | LC_ALL=C sort >"$TMP/crunch-values.txt"
    if cmp -s "$TMP/crunch-values.txt" "$TMP/files.txt"; then
        ok "dump/crunch: every value's size and digest is sha256sum's ($(wc -l <"$TMP/files.txt") files)"
    else
        fail "dump/crunch: values against sha256sum" "they differ"
        diff "$TMP/crunch-values.txt" "$TMP/files.txt" | head -n 10 | sed 's/^/    | /'
    fi
    if grep -q '^d /emptydir ' "$TMP/dump-crunch.txt" && grep -q "^d /deep/d1/.*/d40 " "$TMP/dump-crunch.txt" &&
        ! grep -q link-out "$TMP/dump-crunch.txt"; then
        ok "dump/crunch: empty and deep folders kept, the link left out"
    else
        fail "dump/crunch: folders and links" "an empty or deep folder is missing, or the link is in"
    fi
fi
if dump direct; then
    ok "dump/direct: built and read"
    if cmp -s "$TMP/dump-crunch.txt" "$TMP/dump-direct.txt"; then
        ok "dump: crunch and direct agree on every key, size and digest"
    else
        fail "dump: crunch and direct agree" "they differ"
        diff "$TMP/dump-crunch.txt" "$TMP/dump-direct.txt" | head -n 10 | sed 's/^/    | /'
    fi
else
    fail "dump/direct: built and read" "failed" "$TMP/dump-direct.build"
    tail -n 5 "$TMP/dump-direct.out" 2>/dev/null | sed 's/^/    | /'
fi

# the same folder crunched into spt and hvt images: the same dump as on unix
for t in spt hvt; do
    if [ ! -x "build/bin/mirage-$t" ] || [ ! -f "build/lib/mirage/$t/.stamp" ]; then
        skip "dump/$t" "the $t target is not built (make FREESTANDING=\"spt hvt\")"
        continue
    fi
    if { [ "$t" = hvt ] && [ ! -w /dev/kvm ]; } || { [ "$t" = spt ] && ! grep -q '^Seccomp:' /proc/self/status; }; then
        skip "dump/$t" "this machine cannot run $t images"
        continue
    fi
    if ! (cd "$D" && mirage configure -t "$t" && make) >"$TMP/dump-$t.build" 2>&1; then
        fail "dump/$t: built" "failed" "$TMP/dump-$t.build"
        continue
    fi
    # the image holds the 100 MiB; get copies a value as large into the heap
    if ! timeout 120 "build/bin/mirage-$t" --mem=512 "$D/dist/kv_dump.$t" >"$TMP/dump-$t.out" 2>&1; then
        fail "dump/$t: read" "the unikernel failed" "$TMP/dump-$t.out"
        continue
    fi
    sed -n 's/^.*\[application\] //p' "$TMP/dump-$t.out" | grep -v '^dump:' >"$TMP/dump-$t.txt"
    if [ -s "$TMP/dump-$t.txt" ] && cmp -s "$TMP/dump-crunch.txt" "$TMP/dump-$t.txt"; then
        ok "dump/$t: crunch in a $t image gives unix's keys, sizes and digests"
    else
        fail "dump/$t: the same as on unix" "they differ"
        diff "$TMP/dump-crunch.txt" "$TMP/dump-$t.txt" | head -n 10 | sed 's/^/    | /'
    fi
done
exit 0
