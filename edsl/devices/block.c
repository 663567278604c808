/* block.c: the eDSL's BLOCK constructors: block_of_file, ramdisk, generic_block, ... */
#include <stdlib.h>
#include <string.h>

#include <mirage.h>
#include <mirage/block.h>

#include "../engine.h"

/* What a ramdisk's connect code needs. */
struct ramdisk_data {
    const char *name;
    struct key *size;
};

/* `mg_f(&var, "name"<rest>)`: name as a C string literal, whatever it holds. */
static char *connect_call(const char *fn, const char *var, const char *name, const char *rest)
{
    struct buf b = {0};
    buf_printf(&b, "%s(&%s, ", fn, var);
    buf_cstr(&b, name);
    buf_printf(&b, "%s)", rest);
    char *code = strf("%s", buf_str(&b));
    buf_free(&b);
    return code;
}

/* ---- block_of_file ----------------------------------------------------- */

static char *file_connect(struct info *info, struct impl *self, const char *var,
                          const char *const *args)
{
    (void)info;
    (void)args;
    return connect_call("mg_block_of_file_connect", var, impl_data(self), "");
}

struct impl *mg_edsl_block_of_file(const char *file, int line, const char *name)
{
    if (!name || !*name) {
        ed_error(file, line, "block_of_file: a block device needs a name");
        name = "?";
    }
    /* On unix the name is a path; on spt and hvt it is the tender's
     * --block:NAME=FILE, listed in the image's manifest (which checks it). */
    const char *data = ed_strdup(name);
    return mg_edsl_impl(file, line, ed_fmt("block_of_file_%s", name), BLOCK,
                        (struct impl_opts){
                            .connect = file_connect,
                            .libs = LIBS("block"),
                            .headers = HEADERS("mirage/block.h"),
                            .data = data,
                            .plat_device = PLAT_DEVICE_BLOCK,
                            .plat_name = data,
                        });
}

/* ---- ramdisk ----------------------------------------------------------- */

static char *ramdisk_connect(struct info *info, struct impl *self, const char *var,
                             const char *const *args)
{
    (void)args;
    const struct ramdisk_data *d = impl_data(self);
    char *rest = strf(", %s", info_key_var(info, d->size));
    char *code = connect_call("mg_ramdisk_connect_mib", var, d->name, rest);
    free(rest);
    return code;
}

struct impl *mg_edsl_ramdisk(const char *file, int line, const char *name)
{
    if (!name || !*name) {
        ed_error(file, line, "ramdisk: a ramdisk needs a name");
        name = "?";
    }
    /* Each ramdisk has its own size key, --NAME-ramdisk-size: the name's
     * characters that a key cannot carry become '-'. */
    char *group = ed_strdup(name);
    for (char *p = group; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || (*p == '-' && p != group)))
            *p = p == group ? '_' : '-';
    struct ramdisk_data *d = ed_alloc(sizeof *d);
    d->name = ed_strdup(name);
    d->size = mg_edsl_key_int(
        file, line, "ramdisk-size", MG_RAMDISK_DEFAULT_MIB,
        MG_KEY_OPTS(.group = group, .stage = RUNTIME, .docv = "MIB",
                    .doc = ed_fmt("Capacity of the ramdisk %s in MiB, at most 2^30. Memory is "
                                  "taken only for what is written.",
                                  name)));
    return mg_edsl_impl(file, line, ed_fmt("ramdisk_%s", name), BLOCK,
                        (struct impl_opts){
                            .keys = KEYS(d->size),
                            .connect = ramdisk_connect,
                            .libs = LIBS("block"),
                            .headers = HEADERS("mirage/block.h"),
                            .data = d,
                        });
}

/* ---- block_of_xenstore_id ---------------------------------------------- */

static const char *xen_unsupported(struct info *info, struct impl *self)
{
    (void)info;
    return ed_fmt("a Xen block device (XenStore id \"%s\") needs the xen target, which is not "
                  "available; use block_of_file or ramdisk",
                  (const char *)impl_data(self));
}

struct impl *mg_edsl_block_of_xenstore_id(const char *file, int line, const char *id)
{
    if (!id || !*id) {
        ed_error(file, line,
                 "block_of_xenstore_id: a XenStore id is needed (\"51760\", \"/dev/xvdi1\")");
        id = "?";
    }
    /* No connect code: no target that could run it exists, and configure
     * stops at .unsupported before any code is generated. */
    return mg_edsl_impl(file, line, ed_fmt("block_of_xenstore_id_%s", id), BLOCK,
                        (struct impl_opts){
                            .unsupported = xen_unsupported,
                            .headers = HEADERS("mirage/block.h"),
                            .data = ed_strdup(id),
                        });
}

/* ---- generic_block ----------------------------------------------------- */

struct impl *mg_edsl_generic_block(const char *file, int line, const char *name,
                                   struct generic_block_opts o)
{
    if (!name || !*name) {
        ed_error(file, line, "generic_block: a block device needs a name");
        name = "?";
    }
    struct value *v = o.key;
    if (!v) {
        struct key *k = mg_edsl_key_text(
            file, line, MG_KEY_ENUM, "block", "file",
            MG_KEY_OPTS(.group = o.group, .stage = CONFIGURE, .docv = "BLOCK",
                        .choices = CHOICES("xenstore", "file", "ramdisk"),
                        .doc = "Block device to provide: xenstore (a Xen block device), "
                               "file (block_of_file: on unix the file of the device's "
                               "name) or ramdisk (in memory)."));
        v = mg_edsl_value_of(file, line, k);
    }
    /* As in MirageOS: a value outside the three (from a user's .key) is a ramdisk. */
    struct impl *ram = mg_edsl_ramdisk(file, line, name);
    return mg_edsl_match(file, line, v, ram,
                         (const struct mg_case[]){
                             {"xenstore", mg_edsl_block_of_xenstore_id(file, line, name)},
                             {"file", mg_edsl_block_of_file(file, line, name)},
                             {"ramdisk", ram},
                             {NULL, NULL},
                         });
}
