/* sources: tenders/common/elf.c tenders/common/mft.c tenders/common/mem.c tenders/common/err.c */
/* test_elf.c: the strict ELF loader: a valid image loads; each malformed field is refused with
 * where and why. */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "image.h"
#include "tn_elf.h"

#define MEM (4u << 20)
static uint8_t img[IMG_LEN];
static struct tn_elf elf;
static struct tn_err err;

/* Parse img as it is now: rc, with the message in err.msg. */
static int parse(void)
{
    return tn_elf_parse(img, IMG_LEN, MEM, &elf, &err);
}

/* Refused, and the message says so. */
#define REFUSED(what)                                                                              \
    do {                                                                                           \
        CHECK(parse() == MG_EINVAL);                                                               \
        if (!strstr(err.msg, what))                                                                \
            printf("# message: %s\n", err.msg);                                                    \
        CHECK(strstr(err.msg, what) != NULL);                                                      \
    } while (0)

static void valid_loads(void)
{
    img_build(img);
    CHECK(parse() == 0);
    CHECK(elf.entry == 0x100000 && elf.nsegs == 3 && elf.end == 0x104000);
    CHECK(elf.mft_offset == IMG_NOTE_OFF + sizeof(struct mg_mft_note_hdr));
    CHECK(elf.mft_len == sizeof(struct mg_mft) + sizeof(struct mg_mft_entry));
    CHECK(elf.segs[0].flags == (TN_SEG_R | TN_SEG_X) && elf.segs[2].flags == (TN_SEG_R | TN_SEG_W));
    uint8_t *mem = malloc(MEM);
    CHECK(mem);
    memset(mem, 0xff, MEM);
    struct tn_mem m = {(uintptr_t)mem, TN_IMAGE_BASE, MEM};
    CHECK(tn_elf_load(&elf, img, IMG_LEN, &m, &err) == 0);
    CHECK(mem[0x100000] == 0x90 && mem[0x1000ff] == 0x90);
    CHECK(memcmp(mem + 0x102000, "initialised data", 0x10) == 0);
    for (unsigned i = 0x102010; i < 0x104000; i++)
        CHECK(mem[i] == 0);       /* bss zeroed */
    CHECK(mem[0x104000] == 0xff); /* nothing past the segment */
    /* Too small a memory for the same image: refused by the loader too. */
    struct tn_mem small = {(uintptr_t)mem, TN_IMAGE_BASE, 0x103000};
    CHECK(tn_elf_load(&elf, img, IMG_LEN, &small, &err) == MG_EINVAL);
    free(mem);
}

static void header_fields(void)
{
    img_build(img);
    CHECK(tn_elf_parse(img, 63, MEM, &elf, &err) == MG_EINVAL && strstr(err.msg, "too short"));
    img[1] = 'X';
    REFUSED("not an ELF");
    img_build(img);
    img[EI_CLASS] = ELFCLASS32;
    REFUSED("ELF64");
    img_build(img);
    img[EI_DATA] = ELFDATA2MSB;
    REFUSED("little-endian");
    img_build(img);
    img[EI_OSABI] = ELFOSABI_FREEBSD;
    REFUSED("OS ABI");
    img_build(img);
    img_ehdr(img)->e_type = ET_DYN;
    REFUSED("not a static executable");
    img_build(img);
    img_ehdr(img)->e_machine = EM_AARCH64;
    REFUSED("not x86-64");
    img_build(img);
    img_ehdr(img)->e_version = 2;
    REFUSED("ELF version");
    img_build(img);
    img_ehdr(img)->e_phentsize = 32;
    REFUSED("header sizes");
}

static void program_header_table(void)
{
    img_build(img);
    img_ehdr(img)->e_phnum = 0;
    REFUSED("program headers");
    img_build(img);
    img_ehdr(img)->e_phnum = TN_ELF_PHNUM_MAX + 1;
    REFUSED("program headers");
    img_build(img);
    img_ehdr(img)->e_phoff = IMG_LEN - 100;
    REFUSED("past the end of the file");
    img_build(img);
    img_ehdr(img)->e_phoff = UINT64_MAX - 8; /* would wrap */
    REFUSED("past the end of the file");
}

static void segment_permissions(void)
{
    img_build(img);
    img_ph(img, PH_TEXT)->p_flags = PF_R | PF_W | PF_X;
    REFUSED("writable and executable");
    CHECK(strstr(err.msg, "program header 0 at offset 0x40"));
    img_build(img);
    img_ph(img, PH_DATA)->p_flags = PF_W;
    REFUSED("not readable");
    img_build(img);
    img_ph(img, PH_DATA)->p_flags = PF_R | PF_W | 0x100000;
    REFUSED("unknown segment flags");
    img_build(img);
    img_ph(img, PH_STACK)->p_flags = PF_R | PF_W | PF_X;
    REFUSED("executable stack");
}

static void segment_geometry(void)
{
    img_build(img);
    img_ph(img, PH_RODATA)->p_vaddr = 0x101010;
    REFUSED("not page aligned");
    img_build(img);
    img_ph(img, PH_DATA)->p_filesz = 0x3000;
    REFUSED("sizes");
    img_build(img);
    img_ph(img, PH_DATA)->p_filesz = 0x100; /* 0x3000 + 0x100 > the file */
    REFUSED("past the end of the file");
    img_build(img);
    img_ph(img, PH_DATA)->p_offset = UINT64_MAX - 4;
    REFUSED("past the end of the file");
    img_build(img);
    img_ph(img, PH_TEXT)->p_vaddr = 0;
    REFUSED("outside guest memory");
    img_build(img);
    img_ph(img, PH_TEXT)->p_vaddr = 0xff000; /* below 1 MiB */
    REFUSED("outside guest memory");
    img_build(img);
    img_ph(img, PH_DATA)->p_memsz = MEM; /* past the end of memory */
    REFUSED("outside guest memory");
    img_build(img);
    img_ph(img, PH_DATA)->p_memsz = UINT64_MAX; /* would wrap */
    REFUSED("outside guest memory");
    img_build(img);
    img_ph(img, PH_DATA)->p_vaddr = UINT64_MAX & ~0xfffull;
    REFUSED("outside guest memory");
}

static void segment_overlap(void)
{
    img_build(img);
    img_ph(img, PH_RODATA)->p_vaddr = 0x100000;
    REFUSED("shares pages");
    /* Disjoint bytes, one shared page: W^X is per page, so refused. */
    img_build(img);
    img_ph(img, PH_TEXT)->p_memsz = 0x1001;
    REFUSED("shares pages");
    img_build(img);
    img_ph(img, PH_DATA)->p_vaddr = 0x100000;
    img_ph(img, PH_DATA)->p_memsz = 0x10000;
    REFUSED("shares pages");
}

static void entry_point(void)
{
    img_build(img);
    img_ehdr(img)->e_entry = 0x101000; /* rodata */
    REFUSED("entry point");
    img_build(img);
    img_ehdr(img)->e_entry = 0x100100; /* just past the code */
    REFUSED("entry point");
    img_build(img);
    img_ehdr(img)->e_entry = 0x1000ff;
    CHECK(parse() == 0);
}

static void segment_types(void)
{
    static const struct {
        uint32_t type;
        const char *why;
    } bad[] = {{PT_INTERP, "dynamically linked"},
               {PT_DYNAMIC, "dynamically linked"},
               {PT_TLS, "PT_TLS"},
               {PT_SHLIB, "unsupported segment type"},
               {0x12345678, "unsupported segment type"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        img_build(img);
        img_ph(img, PH_STACK)->p_type = bad[i].type;
        REFUSED(bad[i].why);
    }
    img_build(img);
    img_ph(img, PH_STACK)->p_type = PT_NULL;
    CHECK(parse() == 0);
    /* An empty PT_LOAD maps nothing and is accepted. */
    img_build(img);
    *img_ph(img, PH_STACK) = (Elf64_Phdr){PT_LOAD, PF_R | PF_W, 0, 0, 0, 0, 0, 0x1000};
    CHECK(parse() == 0 && elf.nsegs == 3);
    img_build(img);
    img_ehdr(img)->e_phnum = 9;
    for (int i = 0; i < 9; i++)
        *img_ph(img, i) =
            (Elf64_Phdr){PT_LOAD, PF_R, 0x1000, 0x100000 + 0x1000 * (uint64_t)i, 0, 1, 1, 0x1000};
    REFUSED("loadable segments");
}

static void manifest_note(void)
{
    img_build(img);
    memcpy(img + IMG_NOTE_OFF + 12, "MIRAGF", 6);
    REFUSED("no MIRAGE manifest");
    img_build(img);
    img_ph(img, PH_STACK)->p_type = PT_NOTE; /* a second PT_NOTE over the same note */
    img_ph(img, PH_STACK)->p_offset = IMG_NOTE_OFF;
    img_ph(img, PH_STACK)->p_filesz = IMG_NOTE_LEN;
    REFUSED("second manifest");
    img_build(img);
    uint32_t huge = 0xfffffff0;
    memcpy(img + IMG_NOTE_OFF + 4, &huge, 4);
    REFUSED("runs past the end");
    img_build(img);
    img_ph(img, PH_NOTE)->p_filesz = IMG_NOTE_LEN - 1;
    REFUSED("runs past the end");
    img_build(img);
    img_ph(img, PH_NOTE)->p_offset = IMG_LEN;
    img_ph(img, PH_NOTE)->p_filesz = 1;
    REFUSED("past the end of the file");
    img_build(img);
    uint32_t type = 1;
    memcpy(img + IMG_NOTE_OFF + 8, &type, 4);
    REFUSED("unknown MIRAGE note type");
}

/* Random damage: whatever the bytes, parse and load stay inside their
 * buffers (ASan watches) and an accepted image fits guest memory. */
static void random_damage(void)
{
    uint8_t *mem = malloc(MEM);
    CHECK(mem);
    struct tn_mem m = {(uintptr_t)mem, TN_IMAGE_BASE, MEM};
    uint32_t seed = 1;
    unsigned accepted = 0;
    for (int round = 0; round < 20000; round++) {
        img_build(img);
        int flips = 1 + round % 4;
        for (int k = 0; k < flips; k++) {
            seed = seed * 1664525u + 1013904223u;
            /* Mostly the headers, where the structure is. */
            unsigned at = (seed >> 8) % (round % 3 ? 0x40 + 56 * PH_COUNT : IMG_LEN);
            img[at] ^= (uint8_t)(1u << ((seed >> 4) & 7));
        }
        if (parse() != 0)
            continue;
        accepted++;
        CHECK(elf.end <= MEM && elf.nsegs >= 1);
        CHECK(tn_elf_load(&elf, img, IMG_LEN, &m, &err) == 0);
    }
    printf("# random damage: %u of 20000 still accepted\n", accepted);
    free(mem);
}

static void map_file_errors(void)
{
    const uint8_t *buf;
    size_t len;
    CHECK(tn_map_file("/nonexistent/image", &buf, &len, &err) == MG_ENOENT);
    CHECK(strstr(err.msg, "/nonexistent/image"));
    CHECK(tn_map_file("/", &buf, &len, &err) == MG_EINVAL);
    CHECK(strstr(err.msg, "not a regular file"));
    char path[] = "/tmp/tn-image-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(tn_map_file(path, &buf, &len, &err) == 0 && len == 0); /* empty: the parser says why */
    CHECK(tn_elf_parse(buf, len, MEM, &elf, &err) == MG_EINVAL && strstr(err.msg, "too short"));
    tn_unmap_file(buf, len);
    CHECK(write(fd, img, 100) == 100);
    close(fd);
    CHECK(tn_map_file(path, &buf, &len, &err) == 0 && len == 100 && memcmp(buf, img, 100) == 0);
    tn_unmap_file(buf, len);
    unlink(path);
}

static const struct check_case cases[] = {
    CASE_ENTRY(valid_loads),         CASE_ENTRY(header_fields),    CASE_ENTRY(program_header_table),
    CASE_ENTRY(segment_permissions), CASE_ENTRY(segment_geometry), CASE_ENTRY(segment_overlap),
    CASE_ENTRY(entry_point),         CASE_ENTRY(segment_types),    CASE_ENTRY(manifest_note),
    CASE_ENTRY(random_damage),       CASE_ENTRY(map_file_errors),
};
CHECK_MAIN(cases)
