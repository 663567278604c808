/* config.c: kv_images: a tar archive and a FAT image on two block devices, read through
 * archive() and fat_ro() and compared (on unix the files data.tar and data.img, on spt and
 * hvt the tender's --block:tar=FILE and --block:fat=FILE). */
#include <mirage.h>

void configure(void)
{
    struct value *on_unix = value_eq(value_of(key_target()), "unix");
    struct impl *tar = archive(if_impl(on_unix, block_of_file("data.tar"), block_of_file("tar")));
    struct impl *fat = fat_ro(if_impl(on_unix, block_of_file("data.img"), block_of_file("fat")));
    struct impl *job =
        foreign("kv_images_start", fn(KV_RO, KV_RO, JOB),
                .packages = PACKAGES(package("libbearssl-dev", .libs = LIBS("bearssl"))));
    register_unikernel("kv_images", JOBS(apply(job, tar, fat)));
}
