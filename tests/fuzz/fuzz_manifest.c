/* fuzz_manifest.c: libFuzzer harness for the manifest note: tn_mft_find over a note segment,
 * tn_mft_parse, tn_mft_bind. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../tenders/image.h"
#include "tn_mft.h"

/* Byte 0 picks the note alignment (4 or 8); the rest is the segment. If
 * byte 0 is 'P', the rest are (offset, byte) patches to a valid note of
 * one entry followed by a foreign one, to start inside the structure. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *argv[] = {"t", "--block:disk=d", "--net:service=@3", "img", NULL};
    static struct tn_opts o;
    static int parsed;
    struct tn_err err;
    if (!parsed) {
        if (tn_opts_parse(&o, 4, argv, &err) != TN_OPTS_RUN)
            abort();
        parsed = 1;
    }
    if (size < 1)
        return 0;
    uint8_t buf[512];
    const uint8_t *notes = data + 1;
    size_t len = size - 1;
    if (data[0] == 'P') {
        memset(buf, 0, sizeof buf);
        size_t n = img_note(buf, "disk", MG_MFT_BLOCK);
        uint32_t gnu[3] = {4, 4, 1};
        memcpy(buf + n, gnu, 12);
        memcpy(buf + n + 12, "GNU", 4);
        n += 20;
        for (size_t i = 1; i + 2 <= size; i += 2)
            buf[data[i] % n] = data[i + 1];
        notes = buf;
        len = n;
    }
    size_t off, dlen;
    if (tn_mft_find(notes, len, data[0] & 8, &off, &dlen, &err) != 0)
        return 0;
    if (off > len || dlen > len - off)
        abort();
    struct tn_mft m;
    if (tn_mft_parse(notes + off, dlen, &m, &err) != 0)
        return 0;
    for (uint32_t i = 0; i < m.n; i++)
        if (strnlen(m.e[i].name, sizeof m.e[i].name) == sizeof m.e[i].name)
            abort();
    unsigned map[MG_MFT_MAX_ENTRIES];
    if (tn_mft_bind(&m, &o, map, &err) == 0)
        for (uint32_t i = 0; i < m.n; i++)
            if (map[i] >= o.ndevs || strcmp(o.devs[map[i]].name, m.e[i].name) != 0)
                abort();
    return 0;
}
