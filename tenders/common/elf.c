/* elf.c: the strict ELF loader (tn_elf_parse, tn_elf_load, tn_map_file); the rules are in
 * tn_elf.h. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tn_elf.h"
#include "tn_mft.h"

#ifndef PT_GNU_PROPERTY
#define PT_GNU_PROPERTY 0x6474e553
#endif

static uint64_t page_up(uint64_t x)
{
    return (x + TN_PAGE - 1) & ~(TN_PAGE - 1);
}

static int check_ehdr(const Elf64_Ehdr *h, size_t len, struct tn_err *e)
{
    const unsigned char *id = h->e_ident;
    if (memcmp(id, ELFMAG, SELFMAG) != 0)
        return tn_fail(e, MG_EINVAL, "image: offset 0x0: not an ELF file");
    if (id[EI_CLASS] != ELFCLASS64 || id[EI_DATA] != ELFDATA2LSB || id[EI_VERSION] != EV_CURRENT)
        return tn_fail(e, MG_EINVAL, "image: offset 0x4: not a little-endian ELF64 file");
    if (id[EI_OSABI] != ELFOSABI_NONE && id[EI_OSABI] != ELFOSABI_GNU)
        return tn_fail(e, MG_EINVAL, "image: offset 0x7: unknown OS ABI %u", id[EI_OSABI]);
    if (h->e_type != ET_EXEC)
        return tn_fail(e, MG_EINVAL,
                       "image: offset 0x10: type %u, not a static executable (ET_EXEC)", h->e_type);
    if (h->e_machine != EM_X86_64)
        return tn_fail(e, MG_EINVAL, "image: offset 0x12: machine %u, not x86-64", h->e_machine);
    if (h->e_version != EV_CURRENT)
        return tn_fail(e, MG_EINVAL, "image: offset 0x14: unknown ELF version %u", h->e_version);
    if (h->e_ehsize != sizeof(Elf64_Ehdr) || h->e_phentsize != sizeof(Elf64_Phdr))
        return tn_fail(e, MG_EINVAL, "image: offset 0x34: unexpected header sizes");
    if (h->e_phnum == 0 || h->e_phnum > TN_ELF_PHNUM_MAX)
        return tn_fail(e, MG_EINVAL, "image: offset 0x38: %u program headers (1 to %d expected)",
                       h->e_phnum, TN_ELF_PHNUM_MAX);
    if (h->e_phoff > len || (uint64_t)h->e_phnum * sizeof(Elf64_Phdr) > len - h->e_phoff)
        return tn_fail(e, MG_EINVAL,
                       "image: offset 0x20: program headers at 0x%llx lie past the end of the "
                       "file (%zu bytes)",
                       (unsigned long long)h->e_phoff, len);
    return 0;
}

static int check_load(const Elf64_Phdr *p, const char *where, size_t len, uint64_t mem_size,
                      struct tn_elf *out, struct tn_err *e)
{
    uint32_t f = p->p_flags;
    if (out->nsegs == TN_ELF_SEGS_MAX)
        return tn_fail(e, MG_EINVAL, "%s: more than %d loadable segments", where, TN_ELF_SEGS_MAX);
    if ((f & ~(uint32_t)(PF_R | PF_W | PF_X)) != 0)
        return tn_fail(e, MG_EINVAL, "%s: unknown segment flags 0x%x", where, f);
    if ((f & PF_W) && (f & PF_X))
        return tn_fail(e, MG_EINVAL, "%s: segment is writable and executable (W^X)", where);
    if (!(f & PF_R))
        return tn_fail(e, MG_EINVAL, "%s: segment is not readable (flags 0x%x)", where, f);
    if (p->p_vaddr % TN_PAGE != 0)
        return tn_fail(e, MG_EINVAL, "%s: segment address 0x%llx is not page aligned", where,
                       (unsigned long long)p->p_vaddr);
    if (p->p_memsz == 0 || p->p_filesz > p->p_memsz)
        return tn_fail(e, MG_EINVAL, "%s: segment sizes file 0x%llx memory 0x%llx are wrong", where,
                       (unsigned long long)p->p_filesz, (unsigned long long)p->p_memsz);
    if (p->p_offset > len || p->p_filesz > len - p->p_offset)
        return tn_fail(e, MG_EINVAL,
                       "%s: segment bytes [0x%llx, +0x%llx) lie past the end of the file", where,
                       (unsigned long long)p->p_offset, (unsigned long long)p->p_filesz);
    if (p->p_vaddr < TN_IMAGE_BASE || p->p_vaddr > mem_size || p->p_memsz > mem_size - p->p_vaddr)
        return tn_fail(e, MG_EINVAL,
                       "%s: segment [0x%llx, +0x%llx) is outside guest memory [0x%llx, 0x%llx)",
                       where, (unsigned long long)p->p_vaddr, (unsigned long long)p->p_memsz,
                       TN_IMAGE_BASE, (unsigned long long)mem_size);
    uint64_t start = p->p_vaddr, end = page_up(p->p_vaddr + p->p_memsz);
    for (unsigned i = 0; i < out->nsegs; i++) {
        const struct tn_seg *s = &out->segs[i];
        if (start < page_up(s->vaddr + s->memsz) && s->vaddr < end)
            return tn_fail(e, MG_EINVAL,
                           "%s: segment [0x%llx, 0x%llx) shares pages with the segment at 0x%llx",
                           where, (unsigned long long)start, (unsigned long long)end,
                           (unsigned long long)s->vaddr);
    }
    out->segs[out->nsegs++] = (struct tn_seg){p->p_vaddr, p->p_memsz, p->p_filesz, p->p_offset, f};
    if (end > out->end)
        out->end = end;
    return 0;
}

static int check_note(const Elf64_Phdr *p, const char *where, const uint8_t *file, size_t len,
                      bool *found, struct tn_elf *out, struct tn_err *e)
{
    if (p->p_offset > len || p->p_filesz > len - p->p_offset)
        return tn_fail(e, MG_EINVAL, "%s: notes [0x%llx, +0x%llx) lie past the end of the file",
                       where, (unsigned long long)p->p_offset, (unsigned long long)p->p_filesz);
    size_t off, dlen;
    struct tn_err sub;
    int rc = tn_mft_find(file + p->p_offset, p->p_filesz, p->p_align, &off, &dlen, &sub);
    if (rc == MG_ENOENT)
        return 0;
    if (rc < 0)
        return tn_fail(e, rc, "%s: notes at 0x%llx: %s", where, (unsigned long long)p->p_offset,
                       sub.msg);
    if (*found)
        return tn_fail(e, MG_EINVAL, "%s: a second manifest note", where);
    *found = true;
    out->mft_offset = p->p_offset + off;
    out->mft_len = dlen;
    return 0;
}

int tn_elf_parse(const uint8_t *file, size_t len, uint64_t mem_size, struct tn_elf *out,
                 struct tn_err *e)
{
    Elf64_Ehdr h;
    memset(out, 0, sizeof *out);
    if (len < sizeof h)
        return tn_fail(e, MG_EINVAL, "image: %zu bytes, too short for an ELF header", len);
    memcpy(&h, file, sizeof h);
    int rc = check_ehdr(&h, len, e);
    if (rc < 0)
        return rc;
    bool found = false;
    for (unsigned i = 0; i < h.e_phnum; i++) {
        Elf64_Phdr p;
        uint64_t at = h.e_phoff + (uint64_t)i * sizeof p;
        char where[64];
        memcpy(&p, file + at, sizeof p);
        snprintf(where, sizeof where, "image: program header %u at offset 0x%llx", i,
                 (unsigned long long)at);
        switch (p.p_type) {
        case PT_LOAD:
            /* An empty one (a linker script's unused data segment) maps nothing. */
            if (p.p_memsz == 0 && p.p_filesz == 0)
                break;
            rc = check_load(&p, where, len, mem_size, out, e);
            break;
        case PT_NOTE:
            rc = check_note(&p, where, file, len, &found, out, e);
            break;
        case PT_GNU_STACK:
            if (p.p_flags & PF_X)
                rc = tn_fail(e, MG_EINVAL, "%s: executable stack requested", where);
            break;
        case PT_NULL:
        case PT_GNU_PROPERTY:
        case PT_GNU_EH_FRAME:
        case PT_GNU_RELRO:
            break;
        case PT_INTERP:
        case PT_DYNAMIC:
            rc = tn_fail(e, MG_EINVAL, "%s: dynamically linked (link the image static)", where);
            break;
        case PT_TLS:
            rc = tn_fail(e, MG_EINVAL, "%s: thread-local variables (PT_TLS) are not supported",
                         where);
            break;
        default:
            rc = tn_fail(e, MG_EINVAL, "%s: unsupported segment type 0x%x", where, p.p_type);
        }
        if (rc < 0)
            return rc;
    }
    if (out->nsegs == 0)
        return tn_fail(e, MG_EINVAL, "image: no loadable segment");
    bool entry_ok = false;
    for (unsigned i = 0; i < out->nsegs; i++) {
        const struct tn_seg *s = &out->segs[i];
        if ((s->flags & PF_X) && h.e_entry >= s->vaddr && h.e_entry - s->vaddr < s->filesz)
            entry_ok = true;
    }
    if (!entry_ok)
        return tn_fail(e, MG_EINVAL, "image: offset 0x18: entry point 0x%llx is not in code",
                       (unsigned long long)h.e_entry);
    if (!found)
        return tn_fail(e, MG_EINVAL,
                       "image: no MIRAGE manifest note (not a mirage image, or built for "
                       "another ABI)");
    out->entry = h.e_entry;
    return 0;
}

int tn_elf_load(const struct tn_elf *elf, const uint8_t *file, size_t len, const struct tn_mem *mem,
                struct tn_err *e)
{
    for (unsigned i = 0; i < elf->nsegs; i++) {
        const struct tn_seg *s = &elf->segs[i];
        uint8_t *dst = tn_guest_ptr(mem, s->vaddr, s->memsz, 1);
        if (!dst)
            return tn_fail(e, MG_EINVAL, "image: segment [0x%llx, +0x%llx) is outside guest memory",
                           (unsigned long long)s->vaddr, (unsigned long long)s->memsz);
        if (s->offset > len || s->filesz > len - s->offset || s->filesz > s->memsz)
            return tn_fail(e, MG_EINVAL, "image: segment at 0x%llx does not match the file",
                           (unsigned long long)s->vaddr);
        memcpy(dst, file + s->offset, s->filesz);
        memset(dst + s->filesz, 0, s->memsz - s->filesz);
    }
    return 0;
}

int tn_map_file(const char *path, const uint8_t **buf, size_t *len, struct tn_err *e)
{
    static const uint8_t empty[1];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return tn_fail(e, MG_ENOENT, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return tn_fail(e, MG_EINVAL, "%s: not a regular file", path);
    }
    if ((uint64_t)st.st_size > TN_IMAGE_MAX) {
        close(fd);
        return tn_fail(e, MG_EINVAL, "%s: %lld bytes, larger than the %llu MiB an image may be",
                       path, (long long)st.st_size, TN_IMAGE_MAX >> 20);
    }
    size_t n = (size_t)st.st_size;
    /* Only the pages the loader reads come in (headers, notes, segments),
     * not the symbols and debug information an unstripped image carries. */
    void *m = n ? mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0) : (void *)empty;
    int err = errno;
    close(fd);
    if (m == MAP_FAILED)
        return tn_fail(e, MG_EIO, "%s: %s", path, strerror(err));
    *buf = m;
    *len = n;
    return 0;
}

void tn_unmap_file(const uint8_t *buf, size_t len)
{
    if (len)
        munmap((void *)(uintptr_t)buf, len);
}
