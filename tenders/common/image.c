/* image.c: tn_image_open: the image mapped and checked, its manifest bound, memory laid out. */
#include "tn_dev.h"
#include "tn_image.h"

int tn_image_open(struct tn_opts *o, struct tn_image *img, struct tn_err *e)
{
    int rc = tn_map_file(o->image, &img->file, &img->len, e);
    if (rc < 0)
        return rc;
    if ((rc = tn_elf_parse(img->file, img->len, o->mem, &img->elf, e)) < 0 ||
        (rc = tn_mft_parse(img->file + img->elf.mft_offset, img->elf.mft_len, &img->mft, e)) < 0 ||
        (rc = tn_mft_bind(&img->mft, o, img->map, e)) < 0 ||
        (rc = tn_layout_compute(img->elf.end, o->mem, &img->layout, e)) < 0 ||
        (rc = tn_dev_open_all(o, e)) < 0) {
        tn_image_close(img);
        return rc;
    }
    return 0;
}

void tn_image_close(struct tn_image *img)
{
    tn_unmap_file(img->file, img->len);
    img->file = NULL;
    img->len = 0;
}
