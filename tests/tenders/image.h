/* image.h: a small valid unikernel image built in memory, for the loader's tests to break one field
 * at a time.
 *
 * Layout (file offsets): ELF header at 0, program headers at 0x40 (PH_*
 * below), text at 0x1000 -> 0x100000 (R+X), rodata at 0x2000 -> 0x101000
 * (R, starts with the manifest note naming the block device "disk"), data
 * at 0x3000 -> 0x102000 (R+W, 0x10 bytes of file, 0x2000 in memory).
 */
#ifndef TESTS_TENDERS_IMAGE_H
#define TESTS_TENDERS_IMAGE_H

#include <elf.h>
#include <stdint.h>
#include <string.h>

#include "abi.h"

enum { PH_TEXT, PH_RODATA, PH_DATA, PH_NOTE, PH_STACK, PH_COUNT };
#define IMG_LEN 0x3010
#define IMG_NOTE_OFF 0x2000
#define IMG_NOTE_LEN                                                                               \
    (sizeof(struct mg_mft_note_hdr) + sizeof(struct mg_mft) + sizeof(struct mg_mft_entry))

static inline Elf64_Ehdr *img_ehdr(uint8_t *img)
{
    return (Elf64_Ehdr *)img;
}
static inline Elf64_Phdr *img_ph(uint8_t *img, int i)
{
    return (Elf64_Phdr *)(img + 0x40) + i;
}

/* Write the manifest note (one entry of type, name) at p; returns its length. */
static inline size_t img_note(uint8_t *p, const char *name, uint32_t type)
{
    struct mg_mft_note_hdr h = {7, sizeof(struct mg_mft) + sizeof(struct mg_mft_entry),
                                MG_MFT_NOTE_TYPE, "MIRAGE"};
    struct mg_mft m = {MG_ABI_VERSION, 1};
    struct mg_mft_entry e;
    memset(&e, 0, sizeof e);
    strncpy(e.name, name, sizeof e.name - 1);
    e.type = type;
    memcpy(p, &h, sizeof h);
    memcpy(p + sizeof h, &m, sizeof m);
    memcpy(p + sizeof h + sizeof m, &e, sizeof e);
    return sizeof h + sizeof m + sizeof e;
}

/* Build the image into img (at least IMG_LEN bytes); returns IMG_LEN. */
static inline size_t img_build(uint8_t *img)
{
    memset(img, 0, IMG_LEN);
    Elf64_Ehdr *h = img_ehdr(img);
    memcpy(h->e_ident, ELFMAG, SELFMAG);
    h->e_ident[EI_CLASS] = ELFCLASS64;
    h->e_ident[EI_DATA] = ELFDATA2LSB;
    h->e_ident[EI_VERSION] = EV_CURRENT;
    h->e_type = ET_EXEC;
    h->e_machine = EM_X86_64;
    h->e_version = EV_CURRENT;
    h->e_entry = 0x100000;
    h->e_phoff = 0x40;
    h->e_ehsize = sizeof *h;
    h->e_phentsize = sizeof(Elf64_Phdr);
    h->e_phnum = PH_COUNT;
    *img_ph(img, PH_TEXT) =
        (Elf64_Phdr){PT_LOAD, PF_R | PF_X, 0x1000, 0x100000, 0x100000, 0x100, 0x100, 0x1000};
    *img_ph(img, PH_RODATA) =
        (Elf64_Phdr){PT_LOAD, PF_R, 0x2000, 0x101000, 0x101000, IMG_NOTE_LEN, IMG_NOTE_LEN, 0x1000};
    *img_ph(img, PH_DATA) =
        (Elf64_Phdr){PT_LOAD, PF_R | PF_W, 0x3000, 0x102000, 0x102000, 0x10, 0x2000, 0x1000};
    *img_ph(img, PH_NOTE) = (Elf64_Phdr){PT_NOTE,  PF_R,         IMG_NOTE_OFF, 0x101000,
                                         0x101000, IMG_NOTE_LEN, IMG_NOTE_LEN, 4};
    *img_ph(img, PH_STACK) = (Elf64_Phdr){PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0, 16};
    memset(img + 0x1000, 0x90, 0x100); /* nops */
    img_note(img + IMG_NOTE_OFF, "disk", MG_MFT_BLOCK);
    memcpy(img + 0x3000, "initialised data", 0x10);
    return IMG_LEN;
}

#endif
