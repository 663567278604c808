#!/bin/sh
# cli.sh: the mirage command end to end: its errors and exit statuses, configure
# rewriting nothing, --help listing reachable keys, describe (rendered by dot),
# query, clean, build, and an installed copy used outside the tree.
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
M=$ROOT/build/bin/mirage
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset MIRAGE_DEFAULT_TARGET

ok() { echo "ok - $1"; }
nok() { echo "not ok - $1: $2"; [ -f "$tmp/out" ] && sed 's/^/    | /' "$tmp/out" | head -n 20; }
# run DIR CMD...: output (both streams) in $tmp/out, status in $rc
run() { d=$1; shift; (cd "$d" && "$@") >"$tmp/out" 2>&1; rc=$?; }
has() { grep -qF -- "$1" "$tmp/out"; }
# expect NAME STATUS TEXT...: the last run ended with STATUS and said each TEXT
expect() {
    name=$1 want=$2; shift 2
    if [ "$rc" -ne "$want" ]; then nok "$name" "exit status $rc, expected $want"; return; fi
    for t in "$@"; do
        if ! has "$t"; then nok "$name" "no \"$t\" in the output"; return; fi
    done
    ok "$name"
}

[ -x "$M" ] || { echo "not ok - cli: $M is not built (run make)"; exit 1; }

# ---- a project: a console job with a run-time key, and a key per branch
p=$tmp/proj
mkdir -p "$p"
cat >"$p/config.c" <<'C'
#include <mirage.h>

void configure(void)
{
    struct key *port = key_int("port", 8080, .doc = "The port.");
    struct key *fancy = key_bool("fancy", false, .stage = CONFIGURE, .doc = "Be fancy.");
    struct key *plain_only = key_string("plain-only", "p", .doc = "Only when plain.");
    struct key *fancy_only = key_string("fancy-only", "f", .doc = "Only when fancy.");
    struct impl *plain = foreign("hello_start", fn(CONSOLE, JOB), .runtime_keys = KEYS(port, plain_only));
    struct impl *rich = foreign("hello_start", fn(CONSOLE, JOB), .runtime_keys = KEYS(port, fancy_only));
    struct impl *main = if_impl(value_of(fancy), rich, plain);
    register_unikernel("hello", JOBS(apply(main, default_console())));
}
C
cat >"$p/unikernel.c" <<'C'
#include <mirage/console.h>

int hello_start(struct mg_console *c, long port, const char *extra)
{
    mg_console_printf(c, "hello on %ld (%s)\n", port, extra);
    return 0;
}
C

# ---- errors
run "$p" "$M" configure -t solaris
expect "unknown target" 1 'mirage: unknown target "solaris"; known targets: unix, spt, hvt, virtio, xen, qubes'
# a known target this build lacks (spt and hvt exist after make FREESTANDING="spt hvt")
absent=virtio
for t in spt hvt; do [ -d "$ROOT/build/lib/mirage/$t" ] || { absent=$t; break; }; done
run "$p" "$M" configure -t "$absent"
expect "target not available" 1 "mirage: target $absent is not available in this installation (available: unix"
run "$p" env MIRAGE_DEFAULT_TARGET="$absent" "$M" configure
expect "MIRAGE_DEFAULT_TARGET" 1 "mirage: target $absent is not available in this installation"
run "$p" env MIRAGE_DEFAULT_TARGET="$absent" "$M" configure -t unix
expect "-t beats MIRAGE_DEFAULT_TARGET" 0
run "$tmp" "$M" configure
expect "missing config.c" 1 "mirage: config.c: no such file"
run "$tmp" "$M" configure -f nothere/config.c
expect "missing -f file" 1 "mirage: nothere/config.c: no such file"
run "$p" "$M" configure --colour=blue
expect "unknown option" 1 'mirage: unknown option --colour; `mirage configure --help` lists the keys'
run "$p" "$M" configure --port=eighty
expect "bad key value" 1 'mirage: --port: invalid value "eighty": not an integer'

c=$tmp/cerror
mkdir -p "$c"
printf '#include <mirage.h>\n\nvoid configure(void)\n{\n    register_unikernel("x", JOBS(noop())) /* no ; */\n}\n' >"$c/config.c"
run "$c" "$M" configure
if [ "$rc" -eq 1 ] && has "config.c:6:1: error:" && [ "$(tail -n 1 "$tmp/out")" = "mirage: config.c does not compile" ]; then
    ok "config.c with a C error"
else
    nok "config.c with a C error" "status $rc"
fi
run "$tmp" "$M" configure -f cerror/config.c
expect "C error names the file as given" 1 "cerror/config.c:6:1: error:" "mirage: cerror/config.c does not compile"

t=$tmp/typeerror
mkdir -p "$t"
cat >"$t/config.c" <<'C'
#include <mirage.h>

void configure(void)
{
    struct impl *www = foreign("www_start", fn(CONSOLE, KV_RO, JOB));
    struct impl *net = impl("net", NETWORK);
    struct impl *half = apply(www, default_console());
    register_unikernel("www", JOBS(apply(www, default_console(), net), half));
}
C
run "$t" "$M" configure
expect "type errors, all of them" 1 "config.c:8: apply: argument 2 of www_start: expected KV_RO, got NETWORK" \
    "config.c:8: register_unikernel: www_start is not fully applied: next argument KV_RO"
[ ! -e "$t/mirage" ] && [ ! -e "$t/Makefile" ] && ok "nothing written after errors" || nok "nothing written after errors" "files left"

pk=$tmp/pkg
mkdir -p "$pk"
cat >"$pk/config.c" <<'C'
#include <mirage.h>

void configure(void)
{
    register_unikernel("p", JOBS(noop()),
                       .packages = PACKAGES(package("mirage-e2e-no-such-pkg", .min = "1.0"),
                                            package("dpkg", .min = "1.0")));
}
C
run "$pk" "$M" configure
expect "missing package" 1 "mirage-e2e-no-such-pkg (>= 1.0): not installed" \
    "mirage: install them with: apt-get install mirage-e2e-no-such-pkg"

# ---- configure, then configure again: nothing rewritten
run "$p" "$M" configure --port=9090
expect "configure" 0
files="Makefile mirage/main.c mirage/hello.h mirage/context _build/config/configure"
for f in $files; do [ -f "$p/$f" ] || nok "configure writes $f" "missing"; done
before=$(cd "$p" && stat -c '%n %Y.%y' $files)
sleep 1
run "$p" "$M" configure --port=9090
after=$(cd "$p" && stat -c '%n %Y.%y' $files)
[ "$rc" -eq 0 ] && [ "$before" = "$after" ] && ok "configure twice rewrites nothing" ||
    nok "configure twice rewrites nothing" "$(printf '%s\n--\n%s' "$before" "$after")"
head -n 1 "$p/mirage/main.c" | grep -q "Generated by mirage configure; do not edit." &&
    head -n 1 "$p/Makefile" | grep -q "Generated by mirage configure; do not edit." &&
    ok "generated files say so" || nok "generated files say so" "no banner"

# ---- --help lists the keys the branches reach
run "$p" "$M" configure --help
if [ "$rc" -eq 0 ] && has "--plain-only=STRING" && ! has "fancy-only" && has "--port=INT" && has "--fancy[=BOOL]"; then
    ok "configure --help lists reachable keys"
else nok "configure --help lists reachable keys" "status $rc"; fi
run "$p" "$M" configure --fancy --help
if [ "$rc" -eq 0 ] && has "--fancy-only=STRING" && ! has "plain-only"; then
    ok "configure --help follows the keys given"
else nok "configure --help follows the keys given" "status $rc"; fi
run "$p" "$M" help keys
expect "help keys" 0 "--plain-only=STRING"

# ---- query
run "$p" "$M" query name
[ "$rc" -eq 0 ] && [ "$(cat "$tmp/out")" = hello ] && ok "query name" || nok "query name" "status $rc"
run "$p" "$M" query main.c
[ "$rc" -eq 0 ] && cmp -s "$tmp/out" "$p/mirage/main.c" && ok "query main.c (with the context's keys)" || nok "query main.c" "differs"
run "$p" "$M" query Makefile
[ "$rc" -eq 0 ] && cmp -s "$tmp/out" "$p/Makefile" && ok "query Makefile" || nok "query Makefile" "differs"
run "$p" "$M" query header
[ "$rc" -eq 0 ] && cmp -s "$tmp/out" "$p/mirage/hello.h" && ok "query header" || nok "query header" "differs"
run "$p" "$M" query keys
expect "query keys" 0 "--port=9090  [run time; command line]" "--fancy=false  [configure; default]"
run "$p" "$M" query files
expect "query files" 0 "Makefile" "mirage/main.c" "mirage/hello.h" "mirage/context"
run "$p" "$M" query libraries
expect "query libraries" 0 "mirage-console" "mirage-runtime" "mirage-platform"
run "$p" "$M" query main.c --port=1
expect "query with a key" 0 "static long mg_key_port = 1L;"
grep -q "mg_key_port = 9090L" "$p/mirage/main.c" && ok "query writes nothing" || nok "query writes nothing" "main.c changed"
run "$p" "$M" query bogus
expect "query unknown artefact" 1 'unknown artefact "bogus"'

# ---- describe
run "$p" "$M" describe
expect "describe" 0 "name      hello" "target    unix" "--port=9090" "jobs      hello_start"
for mode in "" --eval; do
    run "$p" "$M" describe --dot $mode -o "$tmp/g.dot"
    if [ "$rc" -eq 0 ] && dot -Tsvg "$tmp/g.dot" -o "$tmp/g.svg" 2>"$tmp/out" && grep -q "<svg" "$tmp/g.svg"; then
        ok "describe --dot $mode renders with dot -Tsvg"
    else nok "describe --dot $mode renders with dot -Tsvg" "status $rc"; fi
done
grep -q "diamond" "$tmp/g.dot" && nok "describe --dot --eval" "an if node is left" || ok "describe --dot --eval shows the selected graph only"
run "$p" "$M" describe --dot
expect "describe --dot shows the branches" 0 "shape=diamond" '"true"' '"false"'

# ---- build, run, relink when nothing changed
run "$p" "$M" build
if [ "$rc" -eq 0 ] && [ -x "$p/dist/hello" ]; then ok "build"; else nok "build" "status $rc"; fi
run "$p" ./dist/hello
expect "the unikernel runs with its baked default" 0 "hello on 9090 (p)"
run "$p" ./dist/hello --port 7 --plain-only=x
expect "the unikernel takes its keys" 0 "hello on 7 (x)"
run "$p" make
expect "make after configure twice rebuilds nothing" 0 "Nothing to be done"

# a start function that does not match the functor type is a compile error
sed -i 's/int hello_start(struct mg_console \*c, long port, const char \*extra)/int hello_start(struct mg_console *c, int port, const char *extra)/' "$p/unikernel.c"
run "$p" make
expect "mismatched start function is a compile error" 2 "conflicting types for ‘hello_start’"
sed -i 's/int port, const char \*extra)/long port, const char *extra)/' "$p/unikernel.c"

# ---- clean
run "$p" "$M" clean
left=$(cd "$p" && ls -A)
[ "$rc" -eq 0 ] && [ "$left" = "$(printf 'config.c\nunikernel.c')" ] && ok "clean" || nok "clean" "left: $left"
printf 'all:\n\techo mine\n' >"$p/Makefile"
run "$p" "$M" configure
expect "configure keeps a Makefile it did not write" 1 "was not written by mirage configure"
run "$p" "$M" clean
[ -f "$p/Makefile" ] && ok "clean keeps a Makefile it did not write" || nok "clean keeps a foreign Makefile" "removed"
rm -f "$p/Makefile"
run "$p" "$M" configure -o hello2
run "$p" make
[ -x "$p/dist/hello2" ] && ok "-o names the artefact" || nok "-o names the artefact" "no dist/hello2"

# ---- files a device declares: listed, and removed by clean
f=$tmp/files
mkdir -p "$f"
cat >"$f/config.c" <<'C'
#include <stdio.h>
#include <mirage.h>

static int write_data(struct info *info, struct impl *self)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/data.txt", info_srcdir(info));
    FILE *out = fopen(path, "w");
    if (!out)
        return info_error(info, self, "cannot write %s", path);
    fputs("data\n", out);
    return fclose(out) == 0 ? 0 : info_error(info, self, "cannot write %s", path);
}

void configure(void)
{
    struct impl *d = impl("data", CONSOLE, .configure = write_data, .files = FILES("data.txt"));
    register_unikernel("f", JOBS(apply(foreign("start", fn(CONSOLE, JOB)), d)));
}
C
run "$f" "$M" configure
[ "$rc" -eq 0 ] && [ -f "$f/data.txt" ] && ok "a device's configure hook runs" || nok "a device's configure hook runs" "status $rc"
run "$f" "$M" query files
expect "query files lists a device's files" 0 "data.txt"
run "$f" "$M" clean
[ "$(ls -A "$f")" = config.c ] && ok "clean removes a device's files" || nok "clean removes a device's files" "left: $(ls -A "$f")"

# ---- help and version
run "$tmp" "$M" --version
[ "$(cat "$tmp/out")" = "$(cat "$ROOT/VERSION")" ] && ok "--version" || nok "--version" "wrong"
for topic in configure build query describe clean keys; do
    run "$tmp" "$M" help $topic
    expect "help $topic" 0 "mirage-$topic"
done
run "$tmp" "$M" query --help
expect "query --help" 0 "SYNOPSIS"
run "$tmp" "$M" frobnicate
expect "unknown command" 2 'unknown command "frobnicate"'

# ---- installed elsewhere: configure and build outside the tree
inst=$tmp/prefix
if make -C "$ROOT" install PREFIX="$inst" >"$tmp/out" 2>&1; then ok "make install"; else nok "make install" "failed"; fi
o=$tmp/outside
mkdir -p "$o"
cat >"$o/config.c" <<'C'
#include <mirage.h>

void configure(void)
{
    struct key *who = key_string("who", "world", .doc = "Whom to greet.");
    register_unikernel("greet", JOBS(foreign("greet_start", JOB, .runtime_keys = KEYS(who))));
}
C
cat >"$o/greet.c" <<'C'
#include <mirage/log.h>

MG_LOG_SRC(greet_log, "greet", "the greeter");

int greet_start(const char *who)
{
    mg_log_info(&greet_log, "hello, %s", who);
    return 0;
}
C
run "$o" "$inst/bin/mirage" build
if [ "$rc" -eq 0 ] && [ -x "$o/dist/greet" ] && grep -q "MIRAGE_PREFIX := $inst" "$o/Makefile"; then
    ok "installed mirage builds outside the tree"
else nok "installed mirage builds outside the tree" "status $rc"; fi
run "$o" ./dist/greet --who=you
expect "the installed build runs" 0 "[greet] hello, you"

# ---- a unikernel named like a signature header (clock, console, time, ...):
# its generated mirage/clock.h must not hide <mirage/clock.h>.
c=$tmp/named
mkdir -p "$c"
cat >"$c/config.c" <<'C'
#include <mirage.h>

void configure(void)
{
    struct impl *j = foreign("clock_start", fn(PCLOCK, JOB));
    register_unikernel("clock", JOBS(apply(j, default_posix_clock())));
}
C
cat >"$c/unikernel.c" <<'C'
#include <mirage/clock.h>

int clock_start(struct mg_pclock *c)
{
    mg_log_info(NULL, "now %lld", (long long)mg_pclock_now_ns(c));
    return 0;
}
C
run "$c" sh -c "'$M' configure -t unix && make -s && ./dist/clock"
expect "a unikernel named clock builds and runs" 0 "[application] now "
