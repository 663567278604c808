/* mirage.h: the configuration eDSL that config.c is written in (Functoria in C).
 *
 * config.c defines `void configure(void)`. `mirage configure` compiles it
 * against the engine, runs it, and the engine turns the device graph it
 * describes into mirage/main.c, mirage/NAME.h and a Makefile.
 *
 * Every combinator is a macro that records the file and line it was written
 * at, so a mistake is reported as `config.c:LINE: ...`. Optional arguments
 * are designated initialisers (`key_int("port", 8080, .doc = "...")`); lists
 * are KEYS(...), JOBS(...), PACKAGES(...), DEPS(...), LIBS(...), ...
 *
 * Errors found while configure() runs (type errors, bad names) are collected
 * and reported together once it returns; the engine then exits non-zero.
 * Nothing here returns NULL: a combinator given bad input records the error
 * and returns a placeholder so that configure() can go on and report more.
 */
#ifndef MIRAGE_H
#define MIRAGE_H

#include <stdbool.h>
#include <stddef.h>

struct typ;     /* a module type: CONSOLE, KV_RO, fn(CONSOLE, JOB), typ("x") */
struct impl;    /* a module implementation: a device, an application, a branch */
struct key;     /* a command-line key, read at configure time and/or run time */
struct value;   /* a configure-time value computed from keys */
struct package; /* a Debian package the unikernel needs */
struct info;    /* what is known once configured: name, target, keys, ... */

/* The application's entry point: written in config.c. */
void configure(void);

/* ------------------------------------------------------------------ */
/* Module types                                                        */

struct typ_opts {
    int _; /* keeps the initialiser non-empty; never set it */
    /* The C type of a handle, e.g. "struct mg_store". Default for
     * typ("store"): "struct store". */
    const char *ctype;
    /* The header that defines ctype, included by generated code. */
    const char *header;
};

struct typ *mg_edsl_typ(const char *file, int line, const char *name, struct typ_opts o);
struct typ *mg_edsl_fn(const char *file, int line, struct typ *const *list);

/* typ("name"): a user module type; two typ() of the same name are equal. */
#define typ(name, ...) \
    mg_edsl_typ(__FILE__, __LINE__, (name), (struct typ_opts){._ = 0, __VA_ARGS__})
/* fn(a, b, ..., r): a functor from a, b, ... to r (the seed's a @-> b @-> r). */
#define fn(...) mg_edsl_fn(__FILE__, __LINE__, (struct typ *const[]){__VA_ARGS__, NULL})

/* The module types of the seed. Their handles are `struct mg_<name>` and
 * their signatures `<mirage/...h>`. UDP, TCP and IP are polymorphic like the
 * seed's 'a udp, 'a tcp, 'a ip: they match any of their versions. */
extern struct typ mg_typ_job, mg_typ_info, mg_typ_argv, mg_typ_tracing, mg_typ_qubesdb,
    mg_typ_time, mg_typ_pclock, mg_typ_mclock, mg_typ_reporter, mg_typ_random,
    mg_typ_console, mg_typ_block, mg_typ_kv_ro, mg_typ_kv_rw, mg_typ_network,
    mg_typ_ethernet, mg_typ_arpv4, mg_typ_ip, mg_typ_ipv4, mg_typ_ipv6, mg_typ_ipv4v6,
    mg_typ_udp, mg_typ_udpv4v6, mg_typ_tcp, mg_typ_tcpv4v6, mg_typ_stackv4v6,
    mg_typ_resolver, mg_typ_dns_client, mg_typ_happy_eyeballs, mg_typ_syslog,
    mg_typ_conduit, mg_typ_http, mg_typ_http_client, mg_typ_git_client;

#define JOB (&mg_typ_job)
#define INFO (&mg_typ_info)
#define ARGV (&mg_typ_argv)
#define TRACING (&mg_typ_tracing)
#define QUBESDB (&mg_typ_qubesdb)
#define TIME (&mg_typ_time)
#define PCLOCK (&mg_typ_pclock)
#define MCLOCK (&mg_typ_mclock)
#define REPORTER (&mg_typ_reporter)
#define RANDOM (&mg_typ_random)
#define CONSOLE (&mg_typ_console)
#define BLOCK (&mg_typ_block)
#define KV_RO (&mg_typ_kv_ro)
#define KV_RW (&mg_typ_kv_rw)
#define NETWORK (&mg_typ_network)
#define ETHERNET (&mg_typ_ethernet)
#define ARPV4 (&mg_typ_arpv4)
#define IP (&mg_typ_ip)
#define IPV4 (&mg_typ_ipv4)
#define IPV6 (&mg_typ_ipv6)
#define IPV4V6 (&mg_typ_ipv4v6)
#define UDP (&mg_typ_udp)
#define UDPV4V6 (&mg_typ_udpv4v6)
#define TCP (&mg_typ_tcp)
#define TCPV4V6 (&mg_typ_tcpv4v6)
#define STACKV4V6 (&mg_typ_stackv4v6)
#define RESOLVER (&mg_typ_resolver)
#define DNS_CLIENT (&mg_typ_dns_client)
#define HAPPY_EYEBALLS (&mg_typ_happy_eyeballs)
#define SYSLOG (&mg_typ_syslog)
#define CONDUIT (&mg_typ_conduit)
#define HTTP (&mg_typ_http)
#define HTTP_CLIENT (&mg_typ_http_client)
#define GIT_CLIENT (&mg_typ_git_client)

/* ------------------------------------------------------------------ */
/* Keys                                                                */

enum stage {
    STAGE_DEFAULT = 0, /* = BOTH */
    CONFIGURE = 1,     /* read by `mirage configure`; selects implementations */
    RUNTIME = 2,       /* a unikernel argument, parsed by the generated main.c */
    BOTH = 3,          /* both; a value given at configure time becomes the
                          unikernel's default */
};

struct key_opts {
    int _;
    const char *doc;   /* one line for --help */
    enum stage stage;
    const char *group; /* prefixes the name: group "service", key "ipv4" is --service-ipv4 */
    const char *env;   /* environment variable read when the key is not given */
    const char *docv;  /* the value's name in --help (INT, ADDR, ...) */
    char short_name;   /* a one-letter alias, e.g. 'l' for --logs */
    const char *const *choices; /* key_enum: the accepted values, CHOICES(...) */
};

struct key *mg_edsl_key_bool(const char *file, int line, const char *name, bool dflt, struct key_opts o);
struct key *mg_edsl_key_int(const char *file, int line, const char *name, long dflt, struct key_opts o);
/* For the kinds below the default is given as text (NULL: no default, the
 * key is optional and absent unless given). */
enum mg_key_kind {
    MG_KEY_BOOL, MG_KEY_INT, MG_KEY_STRING, MG_KEY_ENUM, MG_KEY_LIST,
    MG_KEY_IPV4, MG_KEY_IPV4_PREFIX, MG_KEY_IPV6, MG_KEY_IPV6_PREFIX, MG_KEY_IP,
    MG_KEY_INT64,
    MG_KEY_LOGS, /* a log spec (see <mirage/log.h>), checked and applied by the runtime */
};
struct key *mg_edsl_key_text(const char *file, int line, enum mg_key_kind kind, const char *name,
                             const char *dflt, struct key_opts o);

#define MG_KEY_OPTS(...) ((struct key_opts){._ = 0, __VA_ARGS__})
#define key_bool(name, dflt, ...) mg_edsl_key_bool(__FILE__, __LINE__, name, dflt, MG_KEY_OPTS(__VA_ARGS__))
#define key_int(name, dflt, ...) mg_edsl_key_int(__FILE__, __LINE__, name, dflt, MG_KEY_OPTS(__VA_ARGS__))
#define key_int64(name, dflt, ...) \
    mg_edsl_key_text(__FILE__, __LINE__, MG_KEY_INT64, name, dflt, MG_KEY_OPTS(__VA_ARGS__))
#define key_string(name, dflt, ...) \
    mg_edsl_key_text(__FILE__, __LINE__, MG_KEY_STRING, name, dflt, MG_KEY_OPTS(__VA_ARGS__))
#define key_enum(name, dflt, ...) \
    mg_edsl_key_text(__FILE__, __LINE__, MG_KEY_ENUM, name, dflt, MG_KEY_OPTS(__VA_ARGS__))
/* A comma-separated list of strings. */
#define key_list(name, dflt, ...) \
    mg_edsl_key_text(__FILE__, __LINE__, MG_KEY_LIST, name, dflt, MG_KEY_OPTS(__VA_ARGS__))
#define key_ipv4(name, dflt, ...) \
    mg_edsl_key_text(__FILE__, __LINE__, MG_KEY_IPV4, name, dflt, MG_KEY_OPTS(__VA_ARGS__))
#define key_ipv4_prefix(name, dflt, ...) \
    mg_edsl_key_text(__FILE__, __LINE__, MG_KEY_IPV4_PREFIX, name, dflt, MG_KEY_OPTS(__VA_ARGS__))
#define key_ipv6(name, dflt, ...) \
    mg_edsl_key_text(__FILE__, __LINE__, MG_KEY_IPV6, name, dflt, MG_KEY_OPTS(__VA_ARGS__))
#define key_ipv6_prefix(name, dflt, ...) \
    mg_edsl_key_text(__FILE__, __LINE__, MG_KEY_IPV6_PREFIX, name, dflt, MG_KEY_OPTS(__VA_ARGS__))
/* A log threshold spec ("*:info,net:debug"), as default_reporter's --logs / -l. */
#define key_logs(name, dflt, ...) \
    mg_edsl_key_text(__FILE__, __LINE__, MG_KEY_LOGS, name, dflt, MG_KEY_OPTS(__VA_ARGS__))
/* An IPv4 or IPv6 address. */
#define key_ip(name, dflt, ...) \
    mg_edsl_key_text(__FILE__, __LINE__, MG_KEY_IP, name, dflt, MG_KEY_OPTS(__VA_ARGS__))

#define CHOICES(...) ((const char *const[]){__VA_ARGS__, NULL})
#define KEYS(...) ((struct key *const[]){__VA_ARGS__, NULL})

/* The built-in configure-time key `target` (-t): unix, spt, hvt, virtio, ... */
struct key *key_target(void);

/* ------------------------------------------------------------------ */
/* Values: configure-time computations over keys                       */

struct value *mg_edsl_value_of(const char *file, int line, struct key *k);
struct value *mg_edsl_value_eq(const char *file, int line, struct value *v, const char *text);
struct value *mg_edsl_value_bool(const char *file, int line, bool b);
struct value *mg_edsl_value_not(const char *file, int line, struct value *v);
struct value *mg_edsl_value_and(const char *file, int line, struct value *a, struct value *b);
struct value *mg_edsl_value_or(const char *file, int line, struct value *a, struct value *b);

/* The key's value (a configure-time read: the key gets stage CONFIGURE). */
#define value_of(k) mg_edsl_value_of(__FILE__, __LINE__, (k))
/* A bool value: does v's text (as given on the command line) equal text? */
#define value_eq(v, text) mg_edsl_value_eq(__FILE__, __LINE__, (v), (text))
#define value_bool(b) mg_edsl_value_bool(__FILE__, __LINE__, (b))
#define value_not(v) mg_edsl_value_not(__FILE__, __LINE__, (v))
#define value_and(a, b) mg_edsl_value_and(__FILE__, __LINE__, (a), (b))
#define value_or(a, b) mg_edsl_value_or(__FILE__, __LINE__, (a), (b))

/* ------------------------------------------------------------------ */
/* Packages: Debian packages, checked by `mirage configure`            */

enum scope { SCOPE_DEFAULT = 0, SCOPE_MONOREPO, SCOPE_SWITCH };

struct package_opts {
    int _;
    const char *min;            /* lowest acceptable version (>=) */
    const char *max;            /* first unacceptable version (<) */
    const char *const *libs;    /* linker libraries it provides: LIBS("bearssl") */
    const char *const *sublibs;
    bool build;                 /* needed to build only (a tool), not linked */
    const char *pin;            /* where the package must come from (recorded, reported) */
    const char *pin_version;    /* exactly this version */
    enum scope scope;
};
struct package *mg_edsl_package(const char *file, int line, const char *name, struct package_opts o);
#define package(name, ...) \
    mg_edsl_package(__FILE__, __LINE__, (name), (struct package_opts){._ = 0, __VA_ARGS__})
#define PACKAGES(...) ((struct package *const[]){__VA_ARGS__, NULL})
#define LIBS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ------------------------------------------------------------------ */
/* Implementations                                                     */

/* A device's connect code: returns a malloc'd C expression of type int,
 * evaluated by the generated main.c in dependency order. It must store the
 * connected handle in `var` (an lvalue of the type's ctype pointer, e.g.
 * `struct mg_console *`) and evaluate to 0 or a negative MG_E* code. For an
 * impl of type JOB, var is NULL and the expression is the job's body, run in
 * its own fiber; its value is the job's result. args are C expressions for
 * the functor arguments, in order. */
typedef char *(*mg_connect_fn)(struct info *info, struct impl *self, const char *var,
                               const char *const *args);

struct impl_opts {
    int _;
    struct package *const *packages;   /* PACKAGES(...) */
    struct key *const *keys;           /* keys the device reads: KEYS(...) */
    struct key *const *runtime_keys;   /* foreign: extra start-function parameters */
    struct impl *const *extra_deps;    /* connected before this one: DEPS(...) */
    mg_connect_fn connect;
    /* Run by `mirage configure` when the device is in the selected graph;
     * 0 or an error already reported with info_error(). */
    int (*configure)(struct info *info, struct impl *self);
    const char *const *files;          /* files configure() writes: FILES(...) */
    /* Extra Makefile text (rules for generated sources, ...), malloc'd. */
    char *(*build)(struct info *info, struct impl *self);
    const char *const *libs;           /* project libraries: "console" links libmirage-console.a */
    const char *const *headers;        /* headers the connect code needs: HEADERS("mirage/console.h") */
    const char *const *sources;        /* extra C sources compiled into the unikernel */
    /* NULL if the device can run on info's target, else why it cannot. */
    const char *(*unsupported)(struct info *info, struct impl *self);
    const void *data;                  /* the constructor's own data: impl_data(self) */
    /* A device the platform provides by name (the tenders' --block:NAME=FILE,
     * --net:NAME=TAP): on spt and hvt it is listed in the image's device
     * manifest, which the tender checks against its command line. Devices
     * with one plat_name are one platform device; plat_name is 1 to 63
     * letters, digits, - and _ on those targets (checked by configure). */
    enum mg_plat_device {
        PLAT_DEVICE_NONE = 0,
        PLAT_DEVICE_BLOCK = 1, /* = the ABI's MG_MFT_BLOCK */
        PLAT_DEVICE_NET = 2,   /* = the ABI's MG_MFT_NET */
    } plat_device;
    const char *plat_name;
};
struct impl *mg_edsl_impl(const char *file, int line, const char *name, struct typ *t, struct impl_opts o);
/* A device. Two impl() with the same name, type and arguments are one device,
 * connected once: name must say everything that makes the device differ
 * (e.g. "console_serial0", not "console"). */
#define impl(name, t, ...) \
    mg_edsl_impl(__FILE__, __LINE__, (name), (t), (struct impl_opts){._ = 0, __VA_ARGS__})
#define DEPS(...) ((struct impl *const[]){__VA_ARGS__, NULL})
#define FILES(...) ((const char *const[]){__VA_ARGS__, NULL})
#define HEADERS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define SOURCES(...) ((const char *const[]){__VA_ARGS__, NULL})

/* foreign("start_fn", fn(A, B, JOB), ...): the application, a functor whose
 * C entry point is start_fn. Its prototype is generated from the type: one
 * `struct mg_<t> *` per argument, then one parameter per runtime key, and
 * for a result other than JOB a last `struct mg_<r> **` out-parameter. */
struct foreign_opts {
    int _;
    struct package *const *packages;
    struct key *const *keys;         /* configure-time keys it reads */
    struct key *const *runtime_keys; /* passed to start_fn after the devices */
    struct impl *const *deps;        /* connected before start_fn is called */
    const char *const *libs;
    const char *const *headers;
};
struct impl *mg_edsl_foreign(const char *file, int line, const char *fname, struct typ *t,
                             struct foreign_opts o);
#define foreign(fname, t, ...) \
    mg_edsl_foreign(__FILE__, __LINE__, (fname), (t), (struct foreign_opts){._ = 0, __VA_ARGS__})
#define main_impl(fname, t, ...) foreign(fname, t, __VA_ARGS__)

/* apply(f, a, b, ...): f applied to a, then b, ...; checked at once. */
struct impl *mg_edsl_apply(const char *file, int line, struct impl *f, struct impl *const *args);
#define apply(f, ...) mg_edsl_apply(__FILE__, __LINE__, (f), (struct impl *const[]){__VA_ARGS__, NULL})

/* dep(i): a build-time dependency on i, for DEPS(...) (the seed's abstract). */
struct impl *mg_edsl_dep(const char *file, int line, struct impl *i);
#define dep(i) mg_edsl_dep(__FILE__, __LINE__, (i))

/* if_impl(v, a, b): a if the bool value v is true, else b; a and b have one type. */
struct impl *mg_edsl_if(const char *file, int line, struct value *v, struct impl *a, struct impl *b);
#define if_impl(v, a, b) mg_edsl_if(__FILE__, __LINE__, (v), (a), (b))

/* match_impl(v, dflt, CASE("x", a), CASE("y", b), ...): the case whose text
 * equals v's, else dflt. */
struct mg_case {
    const char *text;
    struct impl *impl;
};
#define CASE(text, i) ((struct mg_case){(text), (i)})
struct impl *mg_edsl_match(const char *file, int line, struct value *v, struct impl *dflt,
                           const struct mg_case *cases);
#define match_impl(v, dflt, ...) \
    mg_edsl_match(__FILE__, __LINE__, (v), (dflt), (const struct mg_case[]){__VA_ARGS__, {NULL, NULL}})

/* ------------------------------------------------------------------ */
/* Registering the unikernel                                           */

struct register_opts {
    int _;
    struct impl *argv;       /* default: default_argv() */
    struct impl *reporter;   /* default: default_reporter() */
    struct impl *tracing;    /* default: none */
    struct key *const *keys; /* extra keys, as if a device read them */
    struct package *const *packages;
    const char *const *sources; /* the unikernel's C files; default: every
                                   *.c beside config.c but config.c */
    const char *const *cflags;  /* extra flags for the unikernel's sources */
    const char *const *ldflags;
};
void mg_edsl_register(const char *file, int line, const char *name, struct impl *const *jobs,
                      struct register_opts o);
#define register_unikernel(name, jobs, ...) \
    mg_edsl_register(__FILE__, __LINE__, (name), (jobs), (struct register_opts){._ = 0, __VA_ARGS__})
#define JOBS(...) ((struct impl *const[]){__VA_ARGS__, NULL})
#define CFLAGS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define LDFLAGS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ------------------------------------------------------------------ */
/* Info: for connect, configure and build hooks                        */

const char *info_name(const struct info *i);     /* as registered */
const char *info_target(const struct info *i);   /* "unix", "hvt", ... */
const char *info_srcdir(const struct info *i);   /* the folder of config.c (absolute) */
const char *info_builddir(const struct info *i); /* where generated sources go (absolute mirage/) */
/* The configure-time value of k, as text ("true", "8080", NULL if unset). */
const char *info_get(const struct info *i, struct key *k);
/* The C variable that holds k's run-time value in the generated main.c. */
const char *info_key_var(const struct info *i, struct key *k);
/* Report an error against the device's config.c line; returns -1. */
int info_error(const struct info *i, struct impl *self, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Write a file below the build folder only if its content differs. */
int info_write_file(const struct info *i, const char *relpath, const char *content, size_t len);

const void *impl_data(const struct impl *i);
/* printf into a new malloc'd string (for connect code). */
char *strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ------------------------------------------------------------------ */
/* Devices: the seed's constructors, in C                              */

/* Jobs and info */
struct impl *noop(void);              /* a job that does nothing */
struct impl *keys_job(struct impl *argv); /* a job that loads argv */
struct impl *app_info(void);          /* INFO: what configure knew, at run time */

/* Argv */
struct impl *default_argv(void);
struct impl *no_argv(void);

/* Console, time, clocks */
struct impl *default_console(void);
struct impl *custom_console(const char *name);
struct impl *default_time(void);
struct impl *default_posix_clock(void);
struct impl *default_monotonic_clock(void);

/* Random */
struct impl *default_random(void);
struct rng_opts {
    int _;
    struct impl *time;
    struct impl *mclock;
};
struct impl *mg_edsl_rng(const char *file, int line, struct rng_opts o);
#define rng(...) mg_edsl_rng(__FILE__, __LINE__, (struct rng_opts){._ = 0, __VA_ARGS__})

/* Block devices (BLOCK, <mirage/block.h>). The name says which device:
 * two block_of_file("disk") are one device. */
struct impl *mg_edsl_block_of_file(const char *file, int line, const char *name);
struct impl *mg_edsl_ramdisk(const char *file, int line, const char *name);
struct impl *mg_edsl_block_of_xenstore_id(const char *file, int line, const char *id);
/* The platform's block device `name`: on unix the file of that name
 * (relative to the folder the unikernel runs in; read-only if it cannot be
 * written), on spt/hvt the tender's --block:name=FILE. */
#define block_of_file(name) mg_edsl_block_of_file(__FILE__, __LINE__, (name))
/* A disk in memory named name, zeroes until written; its capacity is the
 * run-time key --NAME-ramdisk-size=MIB (default 16). */
#define ramdisk(name) mg_edsl_ramdisk(__FILE__, __LINE__, (name))
/* A Xen block device by XenStore id ("51760", "/dev/xvdi1"). It type-checks,
 * but configure refuses it: the xen target is not available. */
#define block_of_xenstore_id(id) mg_edsl_block_of_xenstore_id(__FILE__, __LINE__, (id))
struct generic_block_opts {
    int _;
    const char *group; /* prefixes the key: group "data" gives --data-block */
    /* Chooses the device by its text: "xenstore", "file" or "ramdisk" (any
     * other text: ramdisk). Default: value_of the configure-time key
     * --block=xenstore|file|ramdisk, default file. */
    struct value *key;
};
struct impl *mg_edsl_generic_block(const char *file, int line, const char *name,
                                   struct generic_block_opts o);
#define generic_block(name, ...) \
    mg_edsl_generic_block(__FILE__, __LINE__, (name), (struct generic_block_opts){._ = 0, __VA_ARGS__})

/* Key-value stores (KV_RO, KV_RW, <mirage/kv.h>). A folder is relative to
 * config.c's folder for crunch, to where the unikernel runs for the direct
 * stores (or absolute); two constructors of one folder are one device. */
struct impl *mg_edsl_crunch(const char *file, int line, const char *dir);
struct impl *mg_edsl_direct_kv_ro(const char *file, int line, const char *dir);
struct impl *mg_edsl_direct_kv_rw(const char *file, int line, const char *dir);
/* crunch("dir"): every file and folder under dir embedded in the image at
 * build time (any size: the assembler includes the bytes), with its
 * modification time; the build re-embeds it when something under dir
 * changes. Symbolic links, devices, FIFOs and sockets are skipped (with a
 * warning). A missing folder is a configure error at this line. Every target. */
#define crunch(dir) mg_edsl_crunch(__FILE__, __LINE__, (dir))
/* direct_kv_ro("dir"): on unix the host folder dir, read at run time, never
 * escaping it through ".." or symbolic links; on other targets crunch(dir). */
#define direct_kv_ro(dir) mg_edsl_direct_kv_ro(__FILE__, __LINE__, (dir))
/* direct_kv_rw("dir"): the host folder dir, read and written; writes survive
 * crashes (see <mirage/kv_stores.h>). Only on unix: configure refuses it
 * elsewhere. */
#define direct_kv_rw(dir) mg_edsl_direct_kv_rw(__FILE__, __LINE__, (dir))
struct kv_rw_mem_opts {
    int _;
    struct impl *clock; /* PCLOCK for modification times; default default_posix_clock() */
};
struct impl *mg_edsl_kv_rw_mem(const char *file, int line, struct kv_rw_mem_opts o);
/* kv_rw_mem(): a KV_RW store in memory, empty at start. */
#define kv_rw_mem(...) \
    mg_edsl_kv_rw_mem(__FILE__, __LINE__, (struct kv_rw_mem_opts){._ = 0, __VA_ARGS__})
struct generic_kv_ro_opts {
    int _;
    const char *group; /* prefixes the key: group "data" gives --data-kv_ro */
    /* Chooses the store by its text: "crunch" or "direct" (any other text:
     * direct). Default: value_of the configure-time key --kv_ro=crunch|direct,
     * default crunch (as MirageOS 4's Key.kv_ro). */
    struct value *key;
};
struct impl *mg_edsl_generic_kv_ro(const char *file, int line, const char *dir,
                                   struct generic_kv_ro_opts o);
/* generic_kv_ro("dir", ...): crunch(dir) or direct_kv_ro(dir), chosen at configure time. */
#define generic_kv_ro(dir, ...) \
    mg_edsl_generic_kv_ro(__FILE__, __LINE__, (dir), (struct generic_kv_ro_opts){._ = 0, __VA_ARGS__})

/* Key-value stores over a block device (KV_RO, <mirage/kv_block.h>): the
 * names are read once at connect, the values from the device when asked;
 * on every target that carries the block device. */
struct impl *mg_edsl_archive(const char *file, int line, struct impl *block);
struct impl *mg_edsl_fat_ro(const char *file, int line, struct impl *block);
/* archive(block): the tar archive (ustar, GNU, pax) written on block. */
#define archive(block) mg_edsl_archive(__FILE__, __LINE__, (block))
/* fat_ro(block): the FAT12, FAT16 or FAT32 file system on block. */
#define fat_ro(block) mg_edsl_fat_ro(__FILE__, __LINE__, (block))

/* Network interfaces and the link layer (NETWORK, ETHERNET, ARPV4;
 * <mirage/net.h>, <mirage/ethernet.h>, <mirage/arp.h>). */
/* default_network(): the network device "service" (the tenders'
 * --net:service=TAP); on unix the tap interface of the run-time key
 * --interface, default tap0. */
struct impl *default_network(void);
struct netif_opts {
    int _;
    const char *group; /* prefixes the keys: group "eth1" gives --eth1-interface */
};
struct impl *mg_edsl_netif(const char *file, int line, const char *name, struct netif_opts o);
/* netif("eth1", ...): the network device eth1 (--net:eth1=TAP on spt/hvt).
 * On unix, a tap interface given by the run-time key --interface (default:
 * the name; it must exist) and the MAC by --mac (default: random, locally
 * administered). */
#define netif(name, ...) \
    mg_edsl_netif(__FILE__, __LINE__, (name), (struct netif_opts){._ = 0, __VA_ARGS__})
struct impl *mg_edsl_etif(const char *file, int line, struct impl *net);
/* etif(net): Ethernet framing over the network device net. */
#define etif(net) mg_edsl_etif(__FILE__, __LINE__, (net))
struct arp_opts {
    int _;
    struct impl *time; /* TIME; default default_time() */
};
struct impl *mg_edsl_arp(const char *file, int line, struct impl *eth, struct arp_opts o);
/* arp(eth, ...): ARP on the Ethernet layer eth, with the run-time key
 * --arp-probe (default false, as MirageOS: addresses are announced at once
 * with gratuitous ARP; true: RFC 5227 probes before an address is used,
 * and a conflict is detected). */
#define arp(eth, ...) mg_edsl_arp(__FILE__, __LINE__, (eth), (struct arp_opts){._ = 0, __VA_ARGS__})

/* Socket stacks (unix only: the host's sockets; STACKV4V6, TCPV4V6,
 * UDPV4V6; <mirage/socket.h>). Their run-time keys, group-prefixed:
 * --ipv4=PREFIX and --ipv6=PREFIX, the addresses they listen on and send
 * from (default the argument given, else 0.0.0.0/0 and ::/0: every address
 * of the host), --ipv4-only and --ipv6-only. Other targets refuse them at
 * configure time. */
struct socket_opts {
    int _;
    const char *group; /* prefixes the keys: group "service" gives --service-ipv4 */
};
struct impl *mg_edsl_socket_stackv4v6(const char *file, int line, struct socket_opts o);
struct impl *mg_edsl_socket_tcpv4v6(const char *file, int line, const char *ipv4, const char *ipv6,
                                    struct socket_opts o);
struct impl *mg_edsl_socket_udpv4v6(const char *file, int line, const char *ipv4, const char *ipv6,
                                    struct socket_opts o);
/* socket_stackv4v6(...): TCP and UDP over the host's sockets, no IP layer of ours. */
#define socket_stackv4v6(...) \
    mg_edsl_socket_stackv4v6(__FILE__, __LINE__, (struct socket_opts){._ = 0, __VA_ARGS__})
/* socket_tcpv4v6(ipv4, ipv6, ...), socket_udpv4v6(ipv4, ipv6, ...): the
 * addresses as text ("10.0.0.2", "fc00::2"), NULL for every address. */
#define socket_tcpv4v6(ipv4, ipv6, ...) \
    mg_edsl_socket_tcpv4v6(__FILE__, __LINE__, (ipv4), (ipv6), (struct socket_opts){._ = 0, __VA_ARGS__})
#define socket_udpv4v6(ipv4, ipv6, ...) \
    mg_edsl_socket_udpv4v6(__FILE__, __LINE__, (ipv4), (ipv6), (struct socket_opts){._ = 0, __VA_ARGS__})

/* IP layers, UDP and stacks (IPV4, IPV6, IPV4V6, UDP, UDPV4V6, STACKV4V6;
 * <mirage/ip.h>, <mirage/ipv4.h>, <mirage/udp.h>, <mirage/stack.h>). The
 * IPv6 types exist and the API is dual-stack, but the IPv6 protocol is not
 * implemented yet: an IPv6 layer is only accepted as the disabled IPv6 part
 * of a dual layer or stack, and giving it an address is refused. */
struct ipv4_config {
    const char *network; /* "10.0.0.2/24": the address and its prefix */
    const char *gateway; /* "10.0.0.1", or NULL for none */
};
struct ipv6_config {
    const char *network;
    const char *gateway;
};
struct create_ipv4_opts {
    int _;
    const char *group;         /* prefixes the keys: group "service" gives --service-ipv4 */
    struct ipv4_config config; /* the keys' defaults; default 10.0.0.2/24, no gateway */
    struct key *no_init;       /* a bool key: true leaves ARP untold of the address */
    struct impl *random;       /* RANDOM; default default_random() */
    struct impl *clock;        /* MCLOCK; default default_monotonic_clock() */
};
struct impl *mg_edsl_create_ipv4(const char *file, int line, struct impl *eth, struct impl *arp,
                                 struct create_ipv4_opts o);
/* create_ipv4(eth, arp, ...): IPv4 with ICMP over eth and arp (an IPV4),
 * with the run-time keys --ipv4=PREFIX (default .config.network, else
 * 10.0.0.2/24) and --ipv4-gateway=IPV4 (default .config.gateway, else none),
 * both prefixed by .group. */
#define create_ipv4(eth, arp, ...) \
    mg_edsl_create_ipv4(__FILE__, __LINE__, (eth), (arp), (struct create_ipv4_opts){._ = 0, __VA_ARGS__})
struct create_ipv6_opts {
    int _;
    const char *group;
    struct ipv6_config config; /* refused: IPv6 is not implemented yet */
    struct key *no_init;
    struct impl *random, *time, *clock;
};
struct impl *mg_edsl_create_ipv6(const char *file, int line, struct impl *net, struct impl *eth,
                                 struct create_ipv6_opts o);
/* create_ipv6(net, eth, ...): an IPV6 layer, disabled (keys --ipv6 and
 * --ipv6-gateway refuse any value); configure refuses it anywhere but as
 * the IPv6 part of create_ipv4v6 or direct_stackv4v6. */
#define create_ipv6(net, eth, ...) \
    mg_edsl_create_ipv6(__FILE__, __LINE__, (net), (eth), (struct create_ipv6_opts){._ = 0, __VA_ARGS__})
struct create_ipv4v6_opts {
    int _;
    const char *group;
    struct key *ipv4_only, *ipv6_only; /* bool keys; default --ipv4-only, --ipv6-only */
};
struct impl *mg_edsl_create_ipv4v6(const char *file, int line, struct impl *ipv4,
                                   struct impl *ipv6, struct create_ipv4v6_opts o);
/* create_ipv4v6(ipv4, ipv6, ...): the dual IPV4V6 layer; with IPv6 disabled
 * it is the IPv4 layer (IPv6 addresses are refused); --ipv6-only=true is refused. */
#define create_ipv4v6(ipv4, ipv6, ...) \
    mg_edsl_create_ipv4v6(__FILE__, __LINE__, (ipv4), (ipv6), (struct create_ipv4v6_opts){._ = 0, __VA_ARGS__})
struct direct_udp_opts {
    int _;
    struct impl *random; /* RANDOM (ephemeral ports); default default_random() */
};
struct impl *mg_edsl_direct_udp(const char *file, int line, struct impl *ip, struct direct_udp_opts o);
/* direct_udp(ip, ...): UDP over an IP layer of ours (UDPV4V6 over an IPV4V6, else UDP). */
#define direct_udp(ip, ...) \
    mg_edsl_direct_udp(__FILE__, __LINE__, (ip), (struct direct_udp_opts){._ = 0, __VA_ARGS__})
/* TCP of our own (TCP, TCPV4V6, <mirage/tcp.h>): RFC 9293 over an IP layer. */
struct direct_tcp_opts {
    int _;
    struct impl *mclock; /* MCLOCK for its timers; default default_monotonic_clock() */
    struct impl *time;   /* TIME; default default_time() */
    struct impl *random; /* RANDOM for sequence numbers and SYN cookies; default default_random() */
};
struct impl *mg_edsl_direct_tcp(const char *file, int line, struct impl *ip, struct direct_tcp_opts o);
/* direct_tcp(ip, ...): TCP over an IP layer of ours (TCPV4V6 over an IPV4V6, else TCP). */
#define direct_tcp(ip, ...) \
    mg_edsl_direct_tcp(__FILE__, __LINE__, (ip), (struct direct_tcp_opts){._ = 0, __VA_ARGS__})
struct direct_stackv4v6_opts {
    int _;
    const char *group;
    struct key *ipv4_only, *ipv6_only; /* the seed's labelled keys; default --ipv4-only, --ipv6-only */
    struct impl *mclock, *random, *time;
};
struct impl *mg_edsl_direct_stackv4v6(const char *file, int line, struct impl *net,
                                      struct impl *eth, struct impl *arp, struct impl *ipv4,
                                      struct impl *ipv6, struct direct_stackv4v6_opts o);
/* direct_stackv4v6(net, eth, arp, ipv4, ipv6, ...): our stack: the dual
 * layer of ipv4 and ipv6, direct_udp and direct_tcp over it; connecting it
 * starts its receiving fiber, then gives ipv4's address to ARP (a
 * create_ipv4 under a stack waits for it), so that with --arp-probe=true an
 * address another host holds is heard and fails the connect. */
#define direct_stackv4v6(net, eth, arp, ipv4, ipv6, ...)                                \
    mg_edsl_direct_stackv4v6(__FILE__, __LINE__, (net), (eth), (arp), (ipv4), (ipv6),   \
                             (struct direct_stackv4v6_opts){._ = 0, __VA_ARGS__})
struct static_ipv4v6_stack_opts {
    int _;
    const char *group;
    struct ipv6_config ipv6_config;
    struct ipv4_config ipv4_config;
    struct impl *(*arp)(struct impl *eth); /* default: arp(eth) */
};
struct impl *mg_edsl_static_ipv4v6_stack(const char *file, int line, struct impl *net,
                                         struct static_ipv4v6_stack_opts o);
/* static_ipv4v6_stack(net, ...): etif, arp, create_ipv4 (keys --ipv4,
 * --ipv4-gateway), create_ipv6 and direct_stackv4v6 over net. */
#define static_ipv4v6_stack(net, ...) \
    mg_edsl_static_ipv4v6_stack(__FILE__, __LINE__, (net), (struct static_ipv4v6_stack_opts){._ = 0, __VA_ARGS__})
struct generic_stackv4v6_opts {
    int _;
    const char *group;
    struct ipv6_config ipv6_config;
    struct ipv4_config ipv4_config;
    /* bool: DHCP instead of static addresses; default value_of the
     * configure-time key --dhcp (default false). */
    struct value *dhcp_key;
    /* "socket", "direct" or "" (unset: socket on unix, direct elsewhere);
     * default value_of the configure-time key --net. */
    struct value *net_key;
};
struct impl *mg_edsl_generic_stackv4v6(const char *file, int line, struct impl *net,
                                       struct generic_stackv4v6_opts o);
/* generic_stackv4v6(net, ...): socket_stackv4v6 or a direct stack over net,
 * configured statically (static_ipv4v6_stack) or by DHCP (with the run-time
 * key --dhcp-timeout=SECONDS, default 30, for the first lease). */
#define generic_stackv4v6(net, ...) \
    mg_edsl_generic_stackv4v6(__FILE__, __LINE__, (net), (struct generic_stackv4v6_opts){._ = 0, __VA_ARGS__})
struct impl *mg_edsl_tcpv4v6_of_stackv4v6(const char *file, int line, struct impl *stack);
/* tcpv4v6_of_stackv4v6(stack): the stack's TCP (a TCPV4V6). */
#define tcpv4v6_of_stackv4v6(stack) mg_edsl_tcpv4v6_of_stackv4v6(__FILE__, __LINE__, (stack))

/* Conduits and HTTP servers (CONDUIT, HTTP; <mirage/conduit.h>,
 * <mirage/http.h>). */
struct conduit_direct_opts {
    int _;
    bool tls;            /* TLS: refused at configure time until the TLS issue */
    struct impl *random; /* RANDOM for TLS; connected only when given */
};
struct impl *mg_edsl_conduit_direct(const char *file, int line, struct impl *stack,
                                    struct conduit_direct_opts o);
/* conduit_direct(stack, ...): listen and connect by port over the stack's
 * TCP, in plain text. */
#define conduit_direct(stack, ...) \
    mg_edsl_conduit_direct(__FILE__, __LINE__, (stack), (struct conduit_direct_opts){._ = 0, __VA_ARGS__})
struct impl *mg_edsl_cohttp_server(const char *file, int line, struct impl *conduit);
struct impl *mg_edsl_httpaf_server(const char *file, int line, struct impl *conduit);
/* cohttp_server(conduit), httpaf_server(conduit): the HTTP/1.1 server
 * engine over conduit (the same engine behind both names). */
#define cohttp_server(conduit) mg_edsl_cohttp_server(__FILE__, __LINE__, (conduit))
#define httpaf_server(conduit) mg_edsl_httpaf_server(__FILE__, __LINE__, (conduit))

/* Resolvers and the HTTP client (RESOLVER, HTTP_CLIENT; <mirage/resolver.h>,
 * <mirage/http_client.h>). */
struct impl *mg_edsl_resolver_unix_system(const char *file, int line);
/* resolver_unix_system(): host names through the host's resolver
 * (getaddrinfo: /etc/hosts, the host's DNS). Only on unix: configure
 * refuses it elsewhere. */
#define resolver_unix_system() mg_edsl_resolver_unix_system(__FILE__, __LINE__)
struct resolver_dns_opts {
    int _;
    const char *ns; /* the name server's address ("9.9.9.9"); default: the client's */
    int ns_port;    /* default 53 */
    struct impl *time, *mclock, *pclock, *random; /* defaults: the default devices */
};
struct impl *mg_edsl_resolver_dns(const char *file, int line, struct impl *stack,
                                  struct resolver_dns_opts o);
/* resolver_dns(stack, ...): our DNS client over stack. It type-checks, but
 * configure refuses it: the DNS client is a later issue. */
#define resolver_dns(stack, ...) \
    mg_edsl_resolver_dns(__FILE__, __LINE__, (stack), (struct resolver_dns_opts){._ = 0, __VA_ARGS__})
struct cohttp_client_opts {
    int _;
    struct impl *pclock; /* PCLOCK; default default_posix_clock() */
};
struct impl *mg_edsl_cohttp_client(const char *file, int line, struct impl *resolver,
                                   struct impl *conduit, struct cohttp_client_opts o);
/* cohttp_client(resolver, conduit, ...): HTTP/1.1 requests (http:// only
 * until TLS) to hosts resolver finds, over conduit. */
#define cohttp_client(resolver, conduit, ...)                                 \
    mg_edsl_cohttp_client(__FILE__, __LINE__, (resolver), (conduit),         \
                          (struct cohttp_client_opts){._ = 0, __VA_ARGS__})

/* Log reporters */
enum mg_level { LEVEL_DEFAULT = 0, LEVEL_APP, LEVEL_ERROR, LEVEL_WARNING, LEVEL_INFO, LEVEL_DEBUG, LEVEL_QUIET };
struct reporter_opts {
    int _;
    struct impl *clock; /* PCLOCK; default default_posix_clock() */
    int ring_size;      /* messages kept for a dump on failure; default 0 (none) */
    enum mg_level level; /* default threshold; default LEVEL_INFO */
};
struct impl *mg_edsl_default_reporter(const char *file, int line, struct reporter_opts o);
#define default_reporter(...) \
    mg_edsl_default_reporter(__FILE__, __LINE__, (struct reporter_opts){._ = 0, __VA_ARGS__})
struct impl *no_reporter(void);

#endif
