/* kv.c: the eDSL's key-value constructors: crunch, direct_kv_ro, direct_kv_rw, kv_rw_mem,
 * generic_kv_ro. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mirage.h>

#include "../engine.h"
#include "kv_edsl.h"

/* Every store's digest is SHA-256 over BearSSL (lib/kv). */
#define KV_PACKAGES PACKAGES(package("libbearssl-dev", .libs = LIBS("bearssl")))

/* `fn(&var, "text"<rest>)` with text as a C string literal. */
static char *connect_call(const char *fn, const char *var, const char *text, const char *rest)
{
    struct buf b = {0};
    buf_printf(&b, "%s(&%s, ", fn, var);
    buf_cstr(&b, text);
    buf_printf(&b, "%s)", rest);
    char *code = strf("%s", buf_str(&b));
    buf_free(&b);
    return code;
}

/* A folder as config.c wrote it, checked (errors at file:line), without the
 * trailing slashes that would make "t" and "t/" two devices. */
static const char *folder_arg(const char *file, int line, const char *who, const char *dir)
{
    if (!dir || !*dir) {
        ed_error(file, line, "%s: a folder is needed, e.g. %s(\"htdocs\")", who, who);
        return "?";
    }
    if (strchr(dir, '\n')) {
        ed_error(file, line, "%s: a folder name cannot hold a newline", who);
        return "?";
    }
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    return ed_fmt("%.*s", (int)n, dir);
}

/* ---- crunch ------------------------------------------------------------- */

static char *crunch_connect(struct info *info, struct impl *self, const char *var,
                            const char *const *args)
{
    (void)info;
    (void)args;
    const struct kv_crunch *c = impl_data(self);
    struct buf b = {0};
    /* main.c has no declaration of the table: a statement expression
     * declares it where it is used. */
    buf_printf(&b, "({ extern const struct mg_crunch_tree %s; mg_crunch_connect(&%s, &%s, ", c->sym,
               var, c->sym);
    buf_cstr(&b, self->name);
    buf_puts(&b, "); })");
    char *code = strf("%s", buf_str(&b));
    buf_free(&b);
    return code;
}

/* FNV-1a: tells apart folders whose names sanitise alike ("a-b", "a_b"). */
static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

struct impl *mg_edsl_crunch(const char *file, int line, const char *dir)
{
    dir = folder_arg(file, line, "crunch", dir);
    char *stem = ed_strdup(dir);
    for (char *p = stem; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
            *p = '_';
    if (strlen(stem) > 40)
        stem[40] = '\0';
    struct kv_crunch *c = ed_alloc(sizeof *c);
    c->dir = dir;
    c->sym = ed_fmt("mg_crunch_%s_%08x", stem, fnv1a(dir));
    c->relc = ed_fmt("%s.c", c->sym + 3);
    c->file = ed_fmt("mirage/%s", c->relc);
    return mg_edsl_impl(file, line, ed_fmt("crunch_%s", dir), KV_RO,
                        (struct impl_opts){
                            .packages = KV_PACKAGES,
                            .connect = crunch_connect,
                            .configure = kv_crunch_configure,
                            .build = kv_crunch_build,
                            .files = FILES(c->file),
                            .sources = SOURCES(c->file),
                            .libs = LIBS("crunch", "kv"),
                            .headers = HEADERS("mirage/kv_stores.h"),
                            .data = c,
                        });
}

/* ---- direct_kv_ro, direct_kv_rw ------------------------------------------ */

static char *direct_ro_connect(struct info *info, struct impl *self, const char *var,
                               const char *const *args)
{
    (void)info;
    (void)args;
    return connect_call("mg_direct_kv_ro_connect", var, impl_data(self), "");
}

static char *direct_rw_connect(struct info *info, struct impl *self, const char *var,
                               const char *const *args)
{
    (void)info;
    (void)args;
    return connect_call("mg_direct_kv_rw_connect", var, impl_data(self), "");
}

static const char *unix_only(struct info *info, struct impl *self)
{
    if (strcmp(info_target(info), "unix") == 0)
        return NULL;
    return ed_fmt("direct_kv_rw(\"%s\") is only available on unix (a host folder), not on %s; "
                  "kv_rw_mem() keeps read-write data in memory on every target",
                  (const char *)impl_data(self), info_target(info));
}

struct impl *mg_edsl_direct_kv_ro(const char *file, int line, const char *dir)
{
    dir = folder_arg(file, line, "direct_kv_ro", dir);
    struct impl *host = mg_edsl_impl(file, line, ed_fmt("direct_kv_ro_%s", dir), KV_RO,
                                     (struct impl_opts){
                                         .packages = KV_PACKAGES,
                                         .connect = direct_ro_connect,
                                         .libs = LIBS("kv_direct", "kv"),
                                         .headers = HEADERS("mirage/kv_stores.h"),
                                         .data = dir,
                                     });
    /* As in MirageOS: where there is no host folder, the folder is
     * embedded at build time. */
    return mg_edsl_match(file, line, mg_edsl_value_of(file, line, key_target()),
                         mg_edsl_crunch(file, line, dir),
                         (const struct mg_case[]){{"unix", host}, {NULL, NULL}});
}

struct impl *mg_edsl_direct_kv_rw(const char *file, int line, const char *dir)
{
    dir = folder_arg(file, line, "direct_kv_rw", dir);
    return mg_edsl_impl(file, line, ed_fmt("direct_kv_rw_%s", dir), KV_RW,
                        (struct impl_opts){
                            .packages = KV_PACKAGES,
                            .connect = direct_rw_connect,
                            .unsupported = unix_only,
                            .libs = LIBS("kv_direct", "kv"),
                            .headers = HEADERS("mirage/kv_stores.h"),
                            .data = dir,
                        });
}

/* ---- kv_rw_mem ------------------------------------------------------------ */

static char *mem_connect(struct info *info, struct impl *self, const char *var,
                         const char *const *args)
{
    (void)info;
    (void)self;
    return strf("mg_kv_mem_connect(&%s, %s)", var, args[0]);
}

struct impl *mg_edsl_kv_rw_mem(const char *file, int line, struct kv_rw_mem_opts o)
{
    struct impl *m = mg_edsl_impl(file, line, "kv_rw_mem", fn(PCLOCK, KV_RW),
                                  (struct impl_opts){
                                      .packages = KV_PACKAGES,
                                      .connect = mem_connect,
                                      .libs = LIBS("kv_mem", "kv"),
                                      .headers = HEADERS("mirage/kv_stores.h"),
                                  });
    struct impl *clock = o.clock ? o.clock : default_posix_clock();
    return mg_edsl_apply(file, line, m, (struct impl *const[]){clock, NULL});
}

/* ---- generic_kv_ro -------------------------------------------------------- */

struct impl *mg_edsl_generic_kv_ro(const char *file, int line, const char *dir,
                                   struct generic_kv_ro_opts o)
{
    dir = folder_arg(file, line, "generic_kv_ro", dir);
    struct value *v = o.key;
    if (!v) {
        /* MirageOS 4's Key.kv_ro: configure-time, crunch by default. */
        struct key *k = mg_edsl_key_text(
            file, line, MG_KEY_ENUM, "kv_ro", "crunch",
            MG_KEY_OPTS(.group = o.group, .stage = CONFIGURE, .docv = "KV_RO",
                        .choices = CHOICES("crunch", "direct"),
                        .doc = "Read-only key-value store to use: crunch (the folder embedded "
                               "in the image at build time) or direct (the host folder, read "
                               "at run time; on targets other than unix the same as crunch)."));
        v = mg_edsl_value_of(file, line, k);
    }
    /* As in MirageOS, a value other than the two (from a user's .key) is direct. */
    struct impl *direct = mg_edsl_direct_kv_ro(file, line, dir);
    return mg_edsl_match(file, line, v, direct,
                         (const struct mg_case[]){
                             {"crunch", mg_edsl_crunch(file, line, dir)},
                             {"direct", direct},
                             {NULL, NULL},
                         });
}
