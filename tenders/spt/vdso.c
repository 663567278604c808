/* vdso.c: finding the kernel's vDSO clock_gettime in this process, for the guest's clock. */
#include <elf.h>
#include <string.h>
#include <sys/auxv.h>

#include "spt.h"

/* The vDSO is the kernel's own small ELF image mapped into every process;
 * its dynamic symbol table names the entry points. Read defensively: a
 * malformed or missing vDSO means 0 (the guest then makes system calls). */
uint64_t spt_vdso_clock_gettime(void)
{
    uintptr_t base = (uintptr_t)getauxval(AT_SYSINFO_EHDR);
    if (!base)
        return 0;
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        eh->e_phentsize != sizeof(Elf64_Phdr))
        return 0;
    const Elf64_Phdr *ph = (const Elf64_Phdr *)(base + eh->e_phoff);
    uintptr_t bias = 0;
    const Elf64_Dyn *dyn = NULL;
    bool loaded = false;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD && !loaded) {
            bias = base + ph[i].p_offset - ph[i].p_vaddr;
            loaded = true;
        } else if (ph[i].p_type == PT_DYNAMIC) {
            dyn = (const Elf64_Dyn *)(base + ph[i].p_offset);
        }
    }
    if (!loaded || !dyn)
        return 0;
    const Elf64_Sym *sym = NULL;
    const char *str = NULL;
    const Elf64_Word *hash = NULL;
    for (; dyn->d_tag != DT_NULL; dyn++) {
        if (dyn->d_tag == DT_SYMTAB)
            sym = (const Elf64_Sym *)(bias + dyn->d_un.d_ptr);
        else if (dyn->d_tag == DT_STRTAB)
            str = (const char *)(bias + dyn->d_un.d_ptr);
        else if (dyn->d_tag == DT_HASH)
            hash = (const Elf64_Word *)(bias + dyn->d_un.d_ptr);
    }
    if (!sym || !str || !hash)
        return 0;
    /* DT_HASH: nbucket, nchain; nchain is the number of symbols. */
    for (Elf64_Word i = 0; i < hash[1]; i++) {
        if (ELF64_ST_TYPE(sym[i].st_info) != STT_FUNC || sym[i].st_shndx == SHN_UNDEF ||
            (ELF64_ST_BIND(sym[i].st_info) != STB_GLOBAL &&
             ELF64_ST_BIND(sym[i].st_info) != STB_WEAK))
            continue;
        if (strcmp(str + sym[i].st_name, "__vdso_clock_gettime") == 0)
            return (uint64_t)(bias + sym[i].st_value);
    }
    return 0;
}
