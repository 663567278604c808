/* mft.c: finding, parsing and binding the device manifest note (tn_mft.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "tn_mft.h"

static uint32_t get32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

int tn_mft_find(const uint8_t *notes, size_t len, uint64_t align, size_t *desc_off,
                size_t *desc_len, struct tn_err *e)
{
    uint64_t a = align == 8 ? 8 : 4;
    uint64_t off = 0;
    bool found = false;
    while (off < len) {
        if (len - off < 12)
            return tn_fail(e, MG_EINVAL, "offset 0x%llx: truncated note header",
                           (unsigned long long)off);
        uint64_t namesz = get32(notes + off), descsz = get32(notes + off + 4);
        uint32_t type = get32(notes + off + 8);
        /* All in 64 bits: each term is below 2^32, so no sum can wrap. */
        uint64_t name = off + 12;
        uint64_t desc = (name + namesz + a - 1) & ~(a - 1);
        uint64_t end = desc + descsz;
        if (name + namesz > len || end > len)
            return tn_fail(e, MG_EINVAL,
                           "offset 0x%llx: note (name %llu bytes, desc %llu bytes) runs past the "
                           "end",
                           (unsigned long long)off, (unsigned long long)namesz,
                           (unsigned long long)descsz);
        if (namesz == sizeof MG_MFT_NOTE_NAME &&
            memcmp(notes + name, MG_MFT_NOTE_NAME, sizeof MG_MFT_NOTE_NAME) == 0) {
            if (type != MG_MFT_NOTE_TYPE)
                return tn_fail(e, MG_EINVAL, "offset 0x%llx: unknown MIRAGE note type 0x%x",
                               (unsigned long long)off, type);
            if (found)
                return tn_fail(e, MG_EINVAL, "offset 0x%llx: a second manifest note",
                               (unsigned long long)off);
            found = true;
            *desc_off = (size_t)desc;
            *desc_len = (size_t)descsz;
        }
        off = (end + a - 1) & ~(a - 1);
    }
    if (!found)
        return tn_fail(e, MG_ENOENT, "no manifest note");
    return 0;
}

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

static const char *type_name(uint32_t t)
{
    return t == MG_MFT_NET ? "net" : "block";
}

int tn_mft_parse(const uint8_t *desc, size_t len, struct tn_mft *out, struct tn_err *e)
{
    struct mg_mft h;
    memset(out, 0, sizeof *out);
    if (len < sizeof h)
        return tn_fail(e, MG_EINVAL, "manifest: %zu bytes, shorter than its header", len);
    memcpy(&h, desc, sizeof h);
    if (h.version != MG_ABI_VERSION)
        return tn_fail(e, MG_EINVAL,
                       "manifest: ABI version %u; this tender runs version %d (rebuild the image "
                       "or use its tender)",
                       h.version, MG_ABI_VERSION);
    if (h.entries > MG_MFT_MAX_ENTRIES)
        return tn_fail(e, MG_EINVAL, "manifest: %u devices, at most %d", h.entries,
                       MG_MFT_MAX_ENTRIES);
    if (len != sizeof h + (size_t)h.entries * sizeof(struct mg_mft_entry))
        return tn_fail(e, MG_EINVAL, "manifest: %zu bytes do not hold %u devices", len, h.entries);
    for (uint32_t i = 0; i < h.entries; i++) {
        struct mg_mft_entry *m = &out->e[i];
        memcpy(m, desc + sizeof h + i * sizeof *m, sizeof *m);
        size_t n = strnlen(m->name, sizeof m->name);
        if (n == 0 || n == sizeof m->name)
            return tn_fail(e, MG_EINVAL, "manifest: device %u: the name is %s", i,
                           n ? "not NUL-terminated" : "empty");
        for (size_t j = 0; j < sizeof m->name; j++)
            if (j < n ? !name_char(m->name[j]) : m->name[j] != '\0')
                return tn_fail(e, MG_EINVAL, "manifest: device %u: bad byte 0x%02x in its name", i,
                               (unsigned char)m->name[j]);
        if (m->type != MG_MFT_BLOCK && m->type != MG_MFT_NET)
            return tn_fail(e, MG_EINVAL, "manifest: device '%s': unknown type %u", m->name,
                           m->type);
        if (m->reserved != 0)
            return tn_fail(e, MG_EINVAL, "manifest: device '%s': reserved field is not 0", m->name);
        for (uint32_t j = 0; j < i; j++)
            if (strcmp(out->e[j].name, m->name) == 0)
                return tn_fail(e, MG_EINVAL, "manifest: device '%s' is named twice", m->name);
    }
    out->n = h.entries;
    return 0;
}

int tn_mft_bind(const struct tn_mft *m, const struct tn_opts *o, unsigned map[MG_MFT_MAX_ENTRIES],
                struct tn_err *e)
{
    for (uint32_t i = 0; i < m->n; i++) {
        const struct mg_mft_entry *x = &m->e[i];
        unsigned j = 0;
        while (j < o->ndevs && strcmp(o->devs[j].name, x->name) != 0)
            j++;
        if (j == o->ndevs)
            return tn_fail(e, MG_EINVAL, "the image needs the %s device '%s': give --%s:%s=%s",
                           type_name(x->type), x->name, type_name(x->type), x->name,
                           x->type == MG_MFT_NET ? "TAP" : "FILE");
        if (o->devs[j].type != x->type)
            return tn_fail(e, MG_EINVAL,
                           "--%s:%s: the image's device '%s' is a %s device, not a %s device",
                           type_name(o->devs[j].type), x->name, x->name, type_name(x->type),
                           type_name(o->devs[j].type));
        map[i] = j;
    }
    for (unsigned j = 0; j < o->ndevs; j++) {
        uint32_t i = 0;
        while (i < m->n && strcmp(m->e[i].name, o->devs[j].name) != 0)
            i++;
        if (i == m->n)
            return tn_fail(e, MG_EINVAL, "--%s:%s: the image has no device '%s'",
                           type_name(o->devs[j].type), o->devs[j].name, o->devs[j].name);
    }
    return 0;
}
