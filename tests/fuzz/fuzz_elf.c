/* fuzz_elf.c: libFuzzer harness for the tenders' ELF loader (tn_elf_parse, tn_elf_load) and the
 * manifest in the image. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../tenders/image.h"
#include "tn_elf.h"
#include "tn_mft.h"

#define MEM (4u << 20)

/* An input starting with the ELF magic is an image; any other input is a
 * list of (offset, byte) patches to a valid image, so that the fuzzer
 * starts deep in the structure. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t *mem;
    static uint8_t img[IMG_LEN];
    if (!mem && !(mem = malloc(MEM)))
        abort();
    const uint8_t *file = data;
    size_t len = size;
    if (size < 4 || memcmp(data, ELFMAG, 4) != 0) {
        img_build(img);
        for (size_t i = 0; i + 3 <= size; i += 3) {
            size_t at = ((size_t)data[i] | (size_t)data[i + 1] << 8) % IMG_LEN;
            img[at] = data[i + 2];
        }
        file = img;
        len = IMG_LEN;
    }
    struct tn_elf elf;
    struct tn_err err;
    if (tn_elf_parse(file, len, MEM, &elf, &err) != 0)
        return 0;
    /* Accepted: it must fit guest memory and load without leaving it. */
    struct tn_mem m = {(uintptr_t)mem, TN_IMAGE_BASE, MEM};
    if (elf.end > MEM || elf.mft_offset > len || elf.mft_len > len - elf.mft_offset)
        abort();
    if (tn_elf_load(&elf, file, len, &m, &err) != 0)
        abort();
    struct tn_mft mft;
    tn_mft_parse(file + elf.mft_offset, elf.mft_len, &mft, &err);
    return 0;
}
