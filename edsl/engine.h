/* engine.h: the eDSL engine's private types and stages (config.c never sees them).
 *
 * The engine is a short-lived host program: configure() builds a graph of
 * impl nodes; the stages below resolve keys, select branches, type-check,
 * collect and generate. Every node, key and string the engine keeps lives
 * in its arena (ed_alloc) and is freed at once by ed_reset().
 */
#ifndef EDSL_ENGINE_H
#define EDSL_ENGINE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <mirage.h>

#include "buf.h"

/* ---- arena ----------------------------------------------------------- */

void *ed_alloc(size_t n);       /* zeroed; aborts when memory runs out */
char *ed_strdup(const char *s); /* NULL gives NULL */
char *ed_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *ed_vfmt(const char *fmt, va_list ap);
/* A NULL-terminated copy of a NULL-terminated list of pointers (NULL gives
 * an empty list); with strings, each string is copied too. */
void **ed_copy_list(void *const *list);
const char **ed_copy_strings(const char *const *list);
size_t ed_list_len(const void *const *list);
void ed_arena_free(void);

/* ---- errors ----------------------------------------------------------- */

/* Record an error at file:line (file NULL: a global "mirage: " error). */
void ed_error(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ed_verror(const char *file, int line, const char *fmt, va_list ap);
int ed_nerrors(void);
const char *ed_error_text(int i); /* "file:line: message" */
void ed_print_errors(FILE *f);

/* ---- module types ----------------------------------------------------- */

struct typ {
    const char *name;    /* "console", or the user's name; NULL for a functor */
    const char *display; /* how messages show it: "CONSOLE", "store" */
    const char *ctype;   /* "struct mg_console" */
    const char *header;  /* defines ctype; NULL if none is needed */
    struct typ *family;  /* the polymorphic type it is a version of (IPV4 -> IP) */
    bool builtin;
    bool error; /* the placeholder type of a node built from bad input */
    /* functors */
    bool is_fn;
    size_t nparams;
    struct typ **params;
    struct typ *result;
};

extern struct typ mg_typ_error;
bool ed_typ_eq(const struct typ *a, const struct typ *b);
/* Does a parameter of type param accept an argument of type arg? */
bool ed_typ_accepts(const struct typ *param, const struct typ *arg);
const char *ed_typ_show(const struct typ *t); /* arena string */
/* The functor type left after applying n arguments (t itself for n = 0). */
struct typ *ed_typ_drop(struct typ *t, size_t n);
struct typ *ed_typ_builtin(const char *name);

/* ---- keys ------------------------------------------------------------- */

struct key {
    const char *file;
    int line;
    enum mg_key_kind kind;
    const char *name; /* with the group prefix: "service-ipv4" */
    const char *dflt; /* canonical text, NULL if none */
    const char *doc, *docv, *env, *group;
    char short_name;
    const char **choices; /* MG_KEY_ENUM */
    enum stage stage;     /* CONFIGURE, RUNTIME or BOTH (never STAGE_DEFAULT) */
    bool configure_read;  /* used by value_of() */
    bool target;          /* the built-in target key */
    struct key *next;     /* every key created, in order */
};

const char *ed_key_kind_name(enum mg_key_kind k); /* "int", "ipv4", ... */
const char *ed_key_docv(const struct key *k);     /* docv, or the kind's default */
/* Check text as a value of k's kind; 0 and *canon the canonical text, or -1
 * and *why a reason ("not an integer"). */
int ed_key_check(enum mg_key_kind kind, const char *const *choices, const char *text,
                 const char **canon, const char **why);
/* The key's configure-time value (command line, else env, else default). */
const char *ed_key_value(const struct key *k);
/* Where that value came from: "command line", "environment", "default". */
const char *ed_key_source(const struct key *k);
char *ed_key_var(const struct key *k); /* "mg_key_service_ipv4" */
/* The C type of the key's run-time variable, and a C initialiser for text. */
const char *ed_key_ctype(enum mg_key_kind kind);
char *ed_key_cinit(enum mg_key_kind kind, const char *text);

/* Addresses, parsed the way the runtime does (RFC 4291 text for IPv6). */
int ed_ipv4_parse(const char *s, unsigned char out[4]);
int ed_ipv4_prefix_parse(const char *s, unsigned char out[4], int *len);
int ed_ipv6_parse(const char *s, unsigned char out[16]);
int ed_ipv6_prefix_parse(const char *s, unsigned char out[16], int *len);
int ed_log_spec_check(const char *s, const char **why);

/* ---- values ----------------------------------------------------------- */

enum value_kind { VK_KEY, VK_EQ, VK_BOOL, VK_NOT, VK_AND, VK_OR };
struct value {
    enum value_kind kind;
    const char *file;
    int line;
    struct key *key;  /* VK_KEY */
    const char *text; /* VK_EQ */
    bool b;           /* VK_BOOL */
    struct value *a, *b2;
    bool error; /* built from bad input: evaluates to false */
};
bool ed_value_is_bool(const struct value *v);
const char *ed_value_text(const struct value *v); /* "" if unset */
bool ed_value_true(const struct value *v);
char *ed_value_show(const struct value *v);
/* Add the keys v reads to list (NULL-terminated, deduplicated by object). */
void ed_value_keys(const struct value *v, struct key ***list, size_t *n);

/* ---- packages --------------------------------------------------------- */

struct package {
    const char *file;
    int line;
    const char *name, *min, *max, *pin, *pin_version;
    const char **libs, **sublibs;
    bool build;
    enum scope scope;
};

/* A package after merging every use in the selected graph. */
struct ed_pkg {
    const char *name;
    const struct package *min, *max, *pin; /* the uses that set the tightest bounds */
    const char **libs;
    bool build;            /* every use is build-only */
    const char *installed; /* filled by ed_packages_check; NULL if not installed */
};

int ed_debver_cmp(const char *a, const char *b); /* <0, 0, >0 like dpkg */
/* Merge uses into out (arena array, *n entries); conflicts are errors. */
void ed_packages_merge(struct package *const *uses, size_t nuses, struct ed_pkg **out, size_t *n);
/* Check the merged packages are installed in acceptable versions; records
 * one error listing every problem and the apt-get command. 0 or -1. */
int ed_packages_check(struct ed_pkg *pkgs, size_t n);
/* Only fill in what is installed. */
void ed_packages_lookup(struct ed_pkg *pkgs, size_t n);
char *ed_pkg_constraint(const struct ed_pkg *p); /* ">= 1.2, < 2" or "" */

/* ---- implementations -------------------------------------------------- */

enum impl_kind { IK_DEVICE, IK_FOREIGN, IK_APP, IK_IF, IK_MATCH, IK_DEP };

struct impl {
    enum impl_kind kind;
    const char *file; /* where it was written */
    int line;
    const char *use_file; /* the first combinator that used it */
    int use_line;
    struct typ *type; /* what it is now: for an application, the type left */
    const char *name; /* device name, or the foreign's start function */
    /* devices and foreigns */
    struct package **packages;
    struct key **keys, **runtime_keys;
    struct impl **deps;
    mg_connect_fn connect;
    int (*configure)(struct info *info, struct impl *self);
    const char **files, **libs, **headers, **sources;
    char *(*build)(struct info *info, struct impl *self);
    const char *(*unsupported)(struct info *info, struct impl *self);
    const void *data;
    enum mg_plat_device plat_device; /* PLAT_DEVICE_NONE unless the platform provides it */
    const char *plat_name;
    /* applications: fn applied to args (fn is never an IK_APP) */
    struct impl *fn;
    struct impl **args;
    size_t nargs;
    /* if_impl / match_impl */
    struct value *cond;
    struct impl *then_, *else_; /* if_impl; match_impl's default is else_ */
    struct mg_case *cases;      /* match_impl, {NULL, NULL}-terminated */
    /* dep() */
    struct impl *target;
};

const char *ed_impl_label(const struct impl *i); /* a name for messages */
/* The config.c location of i: its own, else where config.c first used it. */
bool ed_impl_loc(const struct impl *i, const char **file, int *line);
bool ed_is_config_file(const char *file);

/* ---- the selected graph ----------------------------------------------- */

/* One device of the selected graph: structurally equal nodes are one. */
struct dnode {
    struct impl *head; /* IK_DEVICE or IK_FOREIGN */
    struct typ *type;  /* its type after the applied arguments */
    struct dnode **args;
    size_t nargs;
    struct dnode **deps;
    size_t ndeps;
    const char *canon; /* the structural identity */
    const char *file;  /* config.c location */
    int line;
    char *var; /* "mg_dev_console_3"; NULL for a JOB */
    int order; /* position in the connect order, 1-based; 0 if not connected */
    bool visiting, placed;
    struct dnode *next; /* every dnode, in creation order */
};

/* What register_unikernel recorded. */
struct ed_register {
    bool done;
    const char *file;
    int line;
    const char *name;
    struct impl **jobs;
    struct impl *argv, *reporter, *tracing;
    struct key **keys;
    struct package **packages;
    const char **sources, **cflags, **ldflags;
};

/* A parsed command-line option of `mirage configure`. */
struct ed_opt {
    const char *name; /* long name, or NULL for a short one */
    char short_name;
    const char *value; /* NULL: given without a value */
    struct ed_opt *next;
};

struct ed_target; /* targets.h */

/* One entry of the device manifest: a platform device of the selected
 * graph, by name (gen_manifest.c). */
struct ed_mft_entry {
    const char *name;
    enum mg_plat_device kind;
    const struct dnode *first; /* the first device that named it */
};

struct info {
    const char *name, *target, *srcdir, *builddir;
};

struct ed_state {
    /* set before configure() runs */
    const char *prefix;      /* the installation: PREFIX/include, PREFIX/lib/mirage */
    const char *config_file; /* config.c as the user named it (what __FILE__ says) */
    const char *srcdir;      /* absolute folder of config.c */
    const char *output;      /* -o NAME, or NULL */
    int cargc;               /* the arguments after the sub-command, as given */
    const char **cargv;
    bool help;
    struct ed_opt *opts; /* command-line key options, in order */
    /* built by configure() */
    struct key *keys, **keys_tail_ptr;
    struct ed_register reg;
    /* resolution */
    const char *target_name;
    const struct ed_target *target;
    struct info info;
    struct dnode *dnodes;
    struct dnode **order; /* connect order */
    size_t norder;
    struct dnode **jobs; /* unique job nodes, in registration order */
    size_t njobs;
    struct dnode *reporter, *argv, *tracing;
    struct dnode **selected; /* every device of the selected graph, connect order then jobs */
    size_t nselected;
    struct key **rkeys; /* keys of the selected graph, by name */
    size_t nrkeys;
    struct key **vkeys; /* keys read by the values on the chosen path */
    size_t nvkeys;
    struct ed_pkg *pkgs;
    size_t npkgs;
    const char **libs, **headers, **sources, **files; /* deduplicated */
    bool parse_argv;
    struct ed_mft_entry *mft; /* the platform devices, deduplicated by name, connect order */
    size_t nmft;
};
extern struct ed_state ed;

/* Forget everything (for unit tests, which build several graphs). */
void ed_reset(void);
/* What ed_reset calls in each module. */
void ed_errors_forget(void);
void ed_keys_forget(void);
void ed_graph_forget(void);
/* Start: the installation prefix, config.c as named, its folder. */
void ed_init(const char *prefix, const char *config_file, const char *srcdir);

/* Parse `mirage configure` arguments (after the sub-command) into ed.opts,
 * ed.output and ed.help. Errors recorded. */
void ed_cmdline_parse(int argc, char *const *argv);
/* The target named on the command line or by the environment, checked
 * against the known and available targets; NULL after an error. */
const char *ed_cmdline_target(void);
/* Bind ed.opts to the keys configure() created; unknown options, bad values. */
void ed_keys_bind(void);
/* Check the values of keys that come from the environment. */
void ed_keys_check_env(struct key **keys, size_t n);

/* Select branches, intern devices, type-check the result, order, collect.
 * Errors recorded; 0 or -1. */
int ed_resolve(void);
/* Keys the chosen branches can reach (device keys and the values read),
 * unique by name, sorted. */
void ed_reachable_keys(struct key ***out, size_t *n);

/* The device manifest (gen_manifest.c). */
/* Collect ed.mft from ed.selected; on a target whose images carry a
 * manifest, a name the ABI cannot carry, two kinds under one name or too
 * many devices are errors at the device's line. Called by ed_resolve. */
void ed_manifest_collect(void);
const char *ed_plat_device_name(enum mg_plat_device k); /* "block", "net" */
/* NULL if name can be a manifest entry's name, else why not. */
const char *ed_manifest_name_problem(const char *name);
/* mirage/manifest.c: the ELF note (platform/abi.h's layout). */
void ed_gen_manifest(struct buf *b);
/* How to run the artefact: "./dist/hello", "mirage-hvt --block:disk=FILE -- dist/x.hvt". */
char *ed_run_hint(void);

/* Generation (into b, appended). */
void ed_gen_main(struct buf *b);
void ed_gen_header(struct buf *b);
int ed_gen_makefile(struct buf *b); /* -1 after an error */
void ed_gen_context(struct buf *b, int argc, char *const *argv);
void ed_help_configure(struct buf *b);
void ed_help_keys(struct buf *b);
void ed_describe_keys(struct buf *b, const char *indent);
void ed_describe(struct buf *b);
void ed_describe_dot(struct buf *b, bool eval);

/* Names */
char *ed_header_name(void); /* "hello.h" */
char *ed_artefact(void);    /* "dist/hello" */
bool ed_valid_ident(const char *s);

/* Files */
/* Write path (absolute) only if its content differs; creates folders.
 * 1 if written, 0 if unchanged, -1 (error recorded) on failure. */
int ed_write_if_changed(const char *path, const char *content, size_t len);
int ed_mkdirs(const char *dir);
extern const char ed_generated_banner[]; /* "Generated by mirage configure; do not edit." */

/* The whole program: argv = prog PREFIX CONFIG SUBCMD [sub-options] -- [arguments]. */
int ed_main(int argc, char **argv);

#endif
