/* sources: tenders/common/mft.c tenders/common/opts.c tenders/common/err.c */
/* test_mft.c: the manifest: finding the note, parsing it strictly, matching it with the command
 * line. */
#include "check.h"
#include "image.h"
#include "tn_mft.h"

static struct tn_err err;

struct desc {
    struct mg_mft h;
    struct mg_mft_entry e[MG_MFT_MAX_ENTRIES + 1];
};

static size_t desc_len(unsigned n)
{
    return sizeof(struct mg_mft) + n * sizeof(struct mg_mft_entry);
}

static void entry(struct desc *d, unsigned i, const char *name, uint32_t type)
{
    memset(&d->e[i], 0, sizeof d->e[i]);
    strncpy(d->e[i].name, name, sizeof d->e[i].name - 1);
    d->e[i].type = type;
}

/* A manifest of two devices: block "disk", net "service". */
static void two(struct desc *d)
{
    memset(d, 0, sizeof *d);
    d->h = (struct mg_mft){MG_ABI_VERSION, 2};
    entry(d, 0, "disk", MG_MFT_BLOCK);
    entry(d, 1, "service", MG_MFT_NET);
}

static int parse(struct desc *d, size_t len, struct tn_mft *m)
{
    return tn_mft_parse((const uint8_t *)d, len, m, &err);
}

static void parse_valid(void)
{
    struct desc d;
    struct tn_mft m;
    two(&d);
    CHECK(parse(&d, desc_len(2), &m) == 0);
    CHECK(m.n == 2 && m.e[1].type == MG_MFT_NET);
    CHECK_EQ_STR(m.e[0].name, "disk");
    d.h.entries = 0;
    CHECK(parse(&d, desc_len(0), &m) == 0 && m.n == 0);
}

static void parse_refused(void)
{
    struct desc d;
    struct tn_mft m;
    two(&d);
    CHECK(parse(&d, 4, &m) == MG_EINVAL && strstr(err.msg, "shorter than its header"));
    d.h.version = MG_ABI_VERSION + 1;
    CHECK(parse(&d, desc_len(2), &m) == MG_EINVAL && strstr(err.msg, "ABI version"));
    two(&d);
    CHECK(parse(&d, desc_len(2) - 1, &m) == MG_EINVAL && strstr(err.msg, "do not hold"));
    CHECK(parse(&d, desc_len(2) + 72, &m) == MG_EINVAL);
    d.h.entries = MG_MFT_MAX_ENTRIES + 1;
    CHECK(parse(&d, desc_len(MG_MFT_MAX_ENTRIES + 1), &m) == MG_EINVAL &&
          strstr(err.msg, "at most"));
    d.h.entries = UINT32_MAX;
    CHECK(parse(&d, desc_len(2), &m) == MG_EINVAL);
    two(&d);
    entry(&d, 1, "", MG_MFT_NET);
    CHECK(parse(&d, desc_len(2), &m) == MG_EINVAL && strstr(err.msg, "empty"));
    two(&d);
    memset(d.e[1].name, 'a', sizeof d.e[1].name);
    CHECK(parse(&d, desc_len(2), &m) == MG_EINVAL && strstr(err.msg, "NUL-terminated"));
    two(&d);
    entry(&d, 1, "bad name", MG_MFT_NET);
    CHECK(parse(&d, desc_len(2), &m) == MG_EINVAL && strstr(err.msg, "bad byte 0x20"));
    two(&d);
    d.e[1].name[40] = 'x'; /* garbage after the NUL */
    CHECK(parse(&d, desc_len(2), &m) == MG_EINVAL && strstr(err.msg, "bad byte"));
    two(&d);
    d.e[0].type = 3;
    CHECK(parse(&d, desc_len(2), &m) == MG_EINVAL && strstr(err.msg, "unknown type"));
    two(&d);
    d.e[0].reserved = 1;
    CHECK(parse(&d, desc_len(2), &m) == MG_EINVAL && strstr(err.msg, "reserved"));
    two(&d);
    entry(&d, 1, "disk", MG_MFT_NET);
    CHECK(parse(&d, desc_len(2), &m) == MG_EINVAL && strstr(err.msg, "named twice"));
}

static void find_notes(void)
{
    uint8_t notes[256];
    size_t off, len;
    memset(notes, 0, sizeof notes);
    /* A foreign note first (name "GNU", 4 bytes of desc), then ours. */
    uint32_t gnu[3] = {4, 4, 1};
    memcpy(notes, gnu, 12);
    memcpy(notes + 12, "GNU", 4);
    size_t n = 20 + img_note(notes + 20, "disk", MG_MFT_BLOCK);
    CHECK(tn_mft_find(notes, n, 4, &off, &len, &err) == 0);
    CHECK(off == 20 + sizeof(struct mg_mft_note_hdr) && len == desc_len(1));
    CHECK(tn_mft_find(notes, 20, 4, &off, &len, &err) == MG_ENOENT);
    CHECK(tn_mft_find(notes, n - 1, 4, &off, &len, &err) == MG_EINVAL);
    CHECK(tn_mft_find(notes, 11, 4, &off, &len, &err) == MG_EINVAL && strstr(err.msg, "truncated"));
    n += img_note(notes + n, "disk", MG_MFT_BLOCK);
    CHECK(tn_mft_find(notes, n, 4, &off, &len, &err) == MG_EINVAL && strstr(err.msg, "second"));
    /* 8-byte alignment (as GNU property notes use): our note's desc moves. */
    memset(notes, 0, sizeof notes);
    n = img_note(notes, "disk", MG_MFT_BLOCK);
    memmove(notes + 24, notes + 20, n - 20);
    CHECK(tn_mft_find(notes, n + 4, 8, &off, &len, &err) == 0 && off == 24);
}

static int opts(struct tn_opts *o, const char *a1, const char *a2, const char *a3)
{
    char *argv[] = {"tender", (char *)a1, (char *)a2, (char *)a3, NULL, NULL};
    int argc = 4;
    while (argc > 1 && argv[argc - 1] == NULL)
        argc--;
    argv[argc++] = "image";
    argv[argc] = NULL;
    return tn_opts_parse(o, argc, argv, &err);
}

static void bind(void)
{
    struct desc d;
    struct tn_mft m;
    struct tn_opts o;
    unsigned map[MG_MFT_MAX_ENTRIES];
    two(&d);
    CHECK(parse(&d, desc_len(2), &m) == 0);
    CHECK(opts(&o, "--net:service=tap0", "--block:disk=disk.img", NULL) == TN_OPTS_RUN);
    CHECK(tn_mft_bind(&m, &o, map, &err) == 0);
    CHECK(map[0] == 1 && map[1] == 0);
    CHECK(opts(&o, "--net:service=tap0", NULL, NULL) == TN_OPTS_RUN);
    CHECK(tn_mft_bind(&m, &o, map, &err) == MG_EINVAL);
    CHECK_EQ_STR(err.msg, "the image needs the block device 'disk': give --block:disk=FILE");
    CHECK(opts(&o, "--net:service=tap0", "--block:disk=a", "--block:extra=b") == TN_OPTS_RUN);
    CHECK(tn_mft_bind(&m, &o, map, &err) == MG_EINVAL);
    CHECK_EQ_STR(err.msg, "--block:extra: the image has no device 'extra'");
    CHECK(opts(&o, "--block:service=x", "--block:disk=a", NULL) == TN_OPTS_RUN);
    CHECK(tn_mft_bind(&m, &o, map, &err) == MG_EINVAL);
    CHECK(strstr(err.msg, "is a net device, not a block device"));
    m.n = 0;
    CHECK(opts(&o, NULL, NULL, NULL) == TN_OPTS_RUN);
    CHECK(tn_mft_bind(&m, &o, map, &err) == 0);
}

static const struct check_case cases[] = {
    CASE_ENTRY(parse_valid),
    CASE_ENTRY(parse_refused),
    CASE_ENTRY(find_notes),
    CASE_ENTRY(bind),
};
CHECK_MAIN(cases)
