/* kv_block.c: the eDSL's KV_RO constructors over a block device: archive(block) and fat_ro(block).
 */
#include <mirage.h>

#include "../engine.h"

/* The stores' digests are SHA-256 over BearSSL (lib/kv_disk). */
#define KV_BLOCK_PACKAGES PACKAGES(package("libbearssl-dev", .libs = LIBS("bearssl")))

static char *archive_connect(struct info *info, struct impl *self, const char *var,
                             const char *const *args)
{
    (void)info;
    (void)self;
    return strf("mg_kv_archive_connect(&%s, %s)", var, args[0]);
}

static char *fat_connect(struct info *info, struct impl *self, const char *var,
                         const char *const *args)
{
    (void)info;
    (void)self;
    return strf("mg_kv_fat_connect(&%s, %s)", var, args[0]);
}

/* A functor from BLOCK to KV_RO applied to block: the type check of apply
 * reports a block of another type at the constructor's line. */
static struct impl *over_block(const char *file, int line, const char *who, struct impl *block,
                               mg_connect_fn connect, const char *lib)
{
    if (!block) {
        ed_error(file, line, "%s: a block device is needed, e.g. %s(block_of_file(\"disk\"))", who,
                 who);
        return mg_edsl_impl(file, line, who, KV_RO, (struct impl_opts){0});
    }
    struct impl *f = mg_edsl_impl(file, line, who, fn(BLOCK, KV_RO),
                                  (struct impl_opts){
                                      .packages = KV_BLOCK_PACKAGES,
                                      .connect = connect,
                                      .libs = LIBS(lib, "kv_disk", "kv"),
                                      .headers = HEADERS("mirage/kv_block.h"),
                                  });
    return mg_edsl_apply(file, line, f, (struct impl *const[]){block, NULL});
}

struct impl *mg_edsl_archive(const char *file, int line, struct impl *block)
{
    return over_block(file, line, "archive", block, archive_connect, "kv_tar");
}

struct impl *mg_edsl_fat_ro(const char *file, int line, struct impl *block)
{
    return over_block(file, line, "fat_ro", block, fat_connect, "kv_fat");
}
