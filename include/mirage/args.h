/* args.h: the unikernel's run-time arguments, as the generated main.c declares them.
 *
 * Syntax: --name=value or --name value; -c value / -cvalue for a key with a
 * short name; bools also as --name (true). Unknown arguments, missing or
 * malformed values are errors. A key not given keeps its default (baked in
 * by `mirage configure`), or, on targets with an environment, the value of
 * its environment variable.
 */
#ifndef MIRAGE_ARGS_H
#define MIRAGE_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <mirage/ipaddr.h>

enum mg_arg_kind {
    MG_ARG_BOOL,        /* bool */
    MG_ARG_INT,         /* long */
    MG_ARG_INT64,       /* int64_t */
    MG_ARG_STRING,      /* const char * (NULL: absent) */
    MG_ARG_ENUM,        /* const char *, one of choices */
    MG_ARG_LIST,        /* const char * (comma-separated, as given) */
    MG_ARG_IPV4,        /* struct mg_ipv4 */
    MG_ARG_IPV4_PREFIX, /* struct mg_ipv4_prefix */
    MG_ARG_IPV6,        /* struct mg_ipv6 */
    MG_ARG_IPV6_PREFIX, /* struct mg_ipv6_prefix */
    MG_ARG_IP,          /* struct mg_ip */
    MG_ARG_LOGS,        /* const char *: a log spec, checked, then applied with mg_log_set_spec */
};

struct mg_arg {
    const char *name;       /* without dashes, group prefix included */
    char short_name;        /* 0 if none */
    enum mg_arg_kind kind;
    void *var;              /* where the value is stored; holds the default */
    bool *present;          /* if not NULL, set when the key is given */
    const char *doc;
    const char *docv;       /* the value's name in --help */
    const char *dflt;       /* the default as text, for --help; NULL if none */
    const char *env;        /* environment variable, or NULL */
    const char *const *choices; /* MG_ARG_ENUM: NULL-terminated */
    /* Called after parsing with the stored value; 0 or MG_EINVAL with
     * *err set (e.g. the log spec). May be NULL. */
    int (*check)(const struct mg_arg *a, const char **err);
    /* The parser of the value's text, one of mg_arg_parse_* below for the
     * kind; NULL: mg_args_parse picks it by kind. Naming it lets an image
     * carry only the parsers of its own keys (see mg_args_parse_named). */
    int (*parse)(const struct mg_arg *a, const char *text, const char **why);
};

/* The parsers of each kind: text into a->var (a->kind's type). 0, or
 * MG_EINVAL / MG_ERANGE (nothing stored) with *why saying what was
 * expected ("expected an integer"). */
int mg_arg_parse_bool(const struct mg_arg *a, const char *text, const char **why);
int mg_arg_parse_int(const struct mg_arg *a, const char *text, const char **why);
int mg_arg_parse_int64(const struct mg_arg *a, const char *text, const char **why);
/* MG_ARG_STRING, MG_ARG_LIST and MG_ARG_LOGS: the text as it is. */
int mg_arg_parse_text(const struct mg_arg *a, const char *text, const char **why);
int mg_arg_parse_enum(const struct mg_arg *a, const char *text, const char **why);
int mg_arg_parse_ipv4(const struct mg_arg *a, const char *text, const char **why);
int mg_arg_parse_ipv4_prefix(const struct mg_arg *a, const char *text, const char **why);
int mg_arg_parse_ipv6(const struct mg_arg *a, const char *text, const char **why);
int mg_arg_parse_ipv6_prefix(const struct mg_arg *a, const char *text, const char **why);
int mg_arg_parse_ip(const struct mg_arg *a, const char *text, const char **why);

enum {
    MG_EXIT_HELP = 63,    /* after --help or --version */
    MG_EXIT_BADARGS = 64, /* a bad argument: message printed */
};

/* Parse argv[1..argc) against args. Returns 0 to go on, or MG_EXIT_HELP /
 * MG_EXIT_BADARGS after printing help or the error (on the console). */
int mg_args_parse(const char *prog, const struct mg_arg *args, size_t nargs, int argc,
                  char **argv);
/* mg_args_parse for tables whose every entry names its parser (the
 * generated main.c's): the parsers of other kinds are not linked. An entry
 * without one is refused as a bad argument. */
int mg_args_parse_named(const char *prog, const struct mg_arg *args, size_t nargs, int argc,
                        char **argv);
/* Print --help: usage, then each key with docv, doc, default and env. */
void mg_args_help(const char *prog, const struct mg_arg *args, size_t nargs);

/* The ARGV device: whether argv is handed to mg_args_parse at all. */
struct mg_argv {
    bool enabled;
};

#endif
