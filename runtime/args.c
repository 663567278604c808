/* args.c: mg_args_parse: the unikernel's command line, then the environment, then the checks. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mirage/args.h>
#include <mirage/error.h>
#include <mirage/log.h>

#include "args_value.h"
#include "platform.h"
#include "rt.h"

static const char *version_text;

void mg_args_set_version(const char *version) { version_text = version; }

static void out(const char *s) { mg_plat_console_write(s, strlen(s)); }

/* `PROG: what is wrong`, then where to look; the caller returns 64. */
static int bad(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(const char *prog, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    out(prog);
    out(": ");
    out(msg);
    out("\nTry '");
    out(prog);
    out(" --help' for more information.\n");
    mg_plat_console_flush();
    return MG_EXIT_BADARGS;
}

static const struct mg_arg *find_long(const struct mg_arg *args, size_t n, const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(args[i].name) == len && memcmp(args[i].name, name, len) == 0)
            return &args[i];
    return NULL;
}

static const struct mg_arg *find_short(const struct mg_arg *args, size_t n, char c)
{
    for (size_t i = 0; i < n; i++)
        if (args[i].short_name && args[i].short_name == c)
            return &args[i];
    return NULL;
}

/* The next word is a value unless it looks like an option ("-5" does not). */
static bool value_like(const char *s)
{
    return s[0] != '-' || s[1] == '\0' || (s[1] >= '0' && s[1] <= '9');
}

/* A parser of one argument's text, as struct mg_arg.parse. */
typedef int (*parser_fn)(const struct mg_arg *a, const char *text, const char **why);

/* Parse text into a with a's own parser, else with by_kind (mg_arg_store
 * for mg_args_parse; NULL for mg_args_parse_named: refused). */
static int store(const char *prog, const struct mg_arg *a, const char *text, const char *from,
                 parser_fn by_kind)
{
    const char *why = "";
    parser_fn fn = a->parse ? a->parse : by_kind;
    if (!fn)
        return bad(prog, "%s: no parser for its kind in this image", from);
    if (fn(a, text, &why) == 0) {
        if (a->present)
            *a->present = true;
        return 0;
    }
    if (a->kind == MG_ARG_ENUM) {
        char list[256] = "";
        size_t len = 0;
        for (const char *const *c = a->choices; c && *c; c++) {
            int k = snprintf(list + len, sizeof list - len, "%s'%s'", len ? ", " : "", *c);
            if (k < 0 || (size_t)k >= sizeof list - len)
                break;
            len += (size_t)k;
        }
        return bad(prog, "%s: invalid value '%s', expected one of %s", from, text, list);
    }
    return bad(prog, "%s: invalid value '%s' (%s)", from, text, why);
}

static int parse_argv(const char *prog, const struct mg_arg *args, size_t nargs, int argc, char **argv,
                      bool *seen, parser_fn by_kind)
{
    bool options = true;
    char from[160];
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (options && strcmp(s, "--") == 0) {
            options = false;
            continue;
        }
        if (!options || s[0] != '-' || s[1] == '\0')
            return bad(prog, "unexpected argument '%s'", s);
        const struct mg_arg *a;
        const char *value = NULL;
        if (s[1] == '-') {
            const char *name = s + 2, *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            if (len == 4 && memcmp(name, "help", 4) == 0) {
                mg_args_help(prog, args, nargs);
                return MG_EXIT_HELP;
            }
            if (!eq && strcmp(name, "version") == 0) {
                out(prog);
                out(" ");
                out(version_text ? version_text : "(version unknown)");
                out("\n");
                return MG_EXIT_HELP;
            }
            a = find_long(args, nargs, name, len);
            if (!a)
                return bad(prog, "unknown option '--%.*s'", (int)len, name);
            snprintf(from, sizeof from, "option '--%s'", a->name);
            if (eq)
                value = eq + 1;
            else if (a->kind == MG_ARG_BOOL)
                value = "true";
        } else {
            a = find_short(args, nargs, s[1]);
            if (!a)
                return bad(prog, "unknown option '-%c'", s[1]);
            snprintf(from, sizeof from, "option '-%c'", s[1]);
            if (a->kind == MG_ARG_BOOL) {
                if (s[2])
                    return bad(prog, "%s takes no value (write --%s=%s)", from, a->name, s + 2);
                value = "true";
            } else if (s[2]) {
                value = s + 2;
            }
        }
        if (!value) {
            if (i + 1 >= argc || !value_like(argv[i + 1]))
                return bad(prog, "%s needs a value", from);
            value = argv[++i];
        }
        size_t k = (size_t)(a - args);
        if (seen[k])
            return bad(prog, "option '--%s' given more than once", a->name);
        seen[k] = true;
        int rc = store(prog, a, value, from, by_kind);
        if (rc)
            return rc;
    }
    return 0;
}

static int finish(const char *prog, const struct mg_arg *args, size_t nargs, const bool *seen,
                  parser_fn by_kind)
{
    char from[160];
    for (size_t i = 0; i < nargs; i++) {
        const struct mg_arg *a = &args[i];
        const char *v = !seen[i] && a->env ? mg_plat_getenv(a->env) : NULL;
        if (v) {
            snprintf(from, sizeof from, "environment variable %s", a->env);
            int rc = store(prog, a, v, from, by_kind);
            if (rc)
                return rc;
        }
    }
    /* The log spec is applied even when it keeps its default. */
    for (size_t i = 0; i < nargs; i++) {
        const struct mg_arg *a = &args[i];
        const char *spec = a->kind == MG_ARG_LOGS ? *(const char **)a->var : NULL;
        const char *err = "";
        if (spec && mg_log_set_spec(spec, &err) != 0)
            return bad(prog, "option '--%s': invalid log spec '%s' (%s)", a->name, spec, err);
    }
    for (size_t i = 0; i < nargs; i++) {
        const struct mg_arg *a = &args[i];
        const char *err = "invalid value";
        if (a->check && a->check(a, &err) != 0)
            return bad(prog, "option '--%s': %s", a->name, err);
    }
    return 0;
}

static int parse(const char *prog, const struct mg_arg *args, size_t nargs, int argc, char **argv,
                 parser_fn by_kind)
{
    bool one;
    bool *seen = nargs ? malloc(nargs * sizeof *seen) : &one;
    if (!seen)
        return bad(prog, "out of memory");
    for (size_t i = 0; i < nargs; i++) {
        seen[i] = false;
        if (args[i].present)
            *args[i].present = false;
    }
    int rc = parse_argv(prog, args, nargs, argc, argv, seen, by_kind);
    if (rc == 0)
        rc = finish(prog, args, nargs, seen, by_kind);
    if (nargs)
        free(seen);
    return rc;
}

int mg_args_parse(const char *prog, const struct mg_arg *args, size_t nargs, int argc, char **argv)
{
    return parse(prog, args, nargs, argc, argv, mg_arg_store);
}

int mg_args_parse_named(const char *prog, const struct mg_arg *args, size_t nargs, int argc,
                        char **argv)
{
    return parse(prog, args, nargs, argc, argv, NULL);
}

void mg_args_help(const char *prog, const struct mg_arg *args, size_t nargs)
{
    out("Usage: ");
    out(prog);
    out(" [OPTION]...\n\nOptions:\n");
    for (size_t i = 0; i < nargs; i++) {
        const struct mg_arg *a = &args[i];
        const char *docv = mg_arg_docv(a);
        bool flag = a->kind == MG_ARG_BOOL;
        char line[512];
        if (a->short_name)
            snprintf(line, sizeof line, "  -%c%s%s, --%s%s%s\n", a->short_name, flag ? "" : " ",
                     flag ? "" : docv, a->name, flag ? "" : "=", flag ? "" : docv);
        else
            snprintf(line, sizeof line, "  --%s%s%s\n", a->name, flag ? "" : "=", flag ? "" : docv);
        out(line);
        out("      ");
        out(a->doc ? a->doc : "(undocumented)");
        if (a->kind == MG_ARG_ENUM) {
            out(" One of:");
            for (const char *const *c = a->choices; c && *c; c++) {
                out(" ");
                out(*c);
            }
            out(".");
        }
        if (a->dflt) {
            out(" Default: ");
            out(a->dflt);
            out(".");
        }
        if (a->env) {
            out(" Environment: ");
            out(a->env);
            out(".");
        }
        out("\n");
    }
    out("  --help\n      Show this help and exit.\n  --version\n      Show the version and exit.\n");
    mg_plat_console_flush();
}
