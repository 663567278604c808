/* gen_manifest.c: the device manifest: the platform devices of the graph, as the ELF note in C. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abi.h"
#include "engine.h"
#include "targets.h"

/* config.c names the kinds with <mirage.h>'s enum; the note carries the ABI's. */
_Static_assert((int)PLAT_DEVICE_BLOCK == (int)MG_MFT_BLOCK &&
                   (int)PLAT_DEVICE_NET == (int)MG_MFT_NET,
               "mirage.h's platform device kinds are the manifest's types");

const char *ed_plat_device_name(enum mg_plat_device k)
{
    switch (k) {
    case PLAT_DEVICE_BLOCK:
        return "block";
    case PLAT_DEVICE_NET:
        return "net";
    case PLAT_DEVICE_NONE:
        break;
    }
    return "none";
}

const char *ed_manifest_name_problem(const char *name)
{
    size_t n = strlen(name);
    if (n == 0)
        return "the name is empty";
    if (n >= MG_MFT_NAME_MAX)
        return ed_fmt("the name is %zu bytes long, at most %d", n, MG_MFT_NAME_MAX - 1);
    for (const char *p = name; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_')
            continue;
        return c > ' ' && c < 0x7f ? ed_fmt("'%c' is not a letter, digit, - or _", c)
                                   : ed_fmt("byte 0x%02x is not a letter, digit, - or _", c);
    }
    return NULL;
}

void ed_manifest_collect(void)
{
    /* Only where the tenders read it: on unix a block name is a file's path. */
    bool check = ed.target && ed.target->manifest;
    bool too_many = false;
    ed.mft = ed_alloc((ed.nselected + 1) * sizeof *ed.mft);
    ed.nmft = 0;
    for (size_t i = 0; i < ed.nselected; i++) {
        const struct dnode *d = ed.selected[i];
        const struct impl *h = d->head;
        if (h->plat_device == PLAT_DEVICE_NONE)
            continue;
        const char *kind = ed_plat_device_name(h->plat_device);
        size_t j = 0;
        while (j < ed.nmft && strcmp(ed.mft[j].name, h->plat_name) != 0)
            j++;
        if (j < ed.nmft) {
            /* one name, one device of the tender: --block:NAME is given once */
            if (check && ed.mft[j].kind != h->plat_device)
                ed_error(d->file, d->line,
                         "%s device \"%s\": the %s device %s (line %d) has the same name; the "
                         "tender names each device once",
                         kind, h->plat_name, ed_plat_device_name(ed.mft[j].kind),
                         ed.mft[j].first->head->name, ed.mft[j].first->line);
            continue;
        }
        if (check) {
            const char *why = ed_manifest_name_problem(h->plat_name);
            if (why) {
                ed_error(d->file, d->line,
                         "%s device \"%s\" cannot be named in a %s image's device manifest: %s "
                         "(the name is the tender's --%s:NAME)",
                         kind, h->plat_name, ed.target_name, why, kind);
                continue;
            }
            if (ed.nmft == MG_MFT_MAX_ENTRIES) {
                if (!too_many)
                    ed_error(d->file, d->line,
                             "%s device \"%s\": more than %d platform devices; a %s image's "
                             "device manifest holds at most %d",
                             kind, h->plat_name, MG_MFT_MAX_ENTRIES, ed.target_name,
                             MG_MFT_MAX_ENTRIES);
                too_many = true;
                continue;
            }
        }
        ed.mft[ed.nmft++] = (struct ed_mft_entry){h->plat_name, h->plat_device, d};
    }
}

void ed_gen_manifest(struct buf *b)
{
    size_t n = ed.nmft;
    buf_printf(b, "/* %s */\n", ed_generated_banner);
    buf_printf(
        b,
        "/* manifest.c: the device manifest of %s (target %s): the ELF note from which\n"
        " * the tender learns which devices to attach (platform/abi.h, ABI version %d). */\n",
        ed.reg.name, ed.target_name, MG_ABI_VERSION);
    buf_puts(b, "#include <stdint.h>\n\n");
    buf_printf(b,
               "struct mg_gen_mft_entry {\n"
               "    char name[%d];\n"
               "    uint32_t type; /* %d block, %d net */\n"
               "    uint32_t reserved;\n"
               "};\n\n",
               MG_MFT_NAME_MAX, MG_MFT_BLOCK, MG_MFT_NET);
    buf_puts(b,
             "__attribute__((section(\".note.mirage.manifest\"), aligned(4), used)) static const "
             "struct {\n"
             "    uint32_t namesz, descsz, type;\n"
             "    char name[8];\n"
             "    uint32_t version, entries;\n");
    if (n)
        buf_printf(b, "    struct mg_gen_mft_entry e[%zu];\n", n);
    buf_printf(b,
               "} mg_manifest = {\n"
               "    .namesz = %zu,\n"
               "    .descsz = %zu + %zu * %zu,\n"
               "    .type = 0x%xu,\n"
               "    .name = \"%s\",\n"
               "    .version = %d,\n"
               "    .entries = %zu,\n",
               sizeof MG_MFT_NOTE_NAME, sizeof(struct mg_mft), n, sizeof(struct mg_mft_entry),
               MG_MFT_NOTE_TYPE, MG_MFT_NOTE_NAME, MG_ABI_VERSION, n);
    if (n) {
        buf_puts(b, "    .e = {\n");
        for (size_t i = 0; i < n; i++) {
            buf_puts(b, "        {");
            buf_cstr(b, ed.mft[i].name);
            buf_printf(b, ", %d /* %s */, 0},\n", (int)ed.mft[i].kind,
                       ed_plat_device_name(ed.mft[i].kind));
        }
        buf_puts(b, "    },\n");
    }
    buf_puts(b, "};\n\n");
    buf_printf(
        b,
        "_Static_assert(sizeof(struct mg_gen_mft_entry) == %zu, \"a manifest entry's "
        "layout\");\n"
        "_Static_assert(sizeof mg_manifest == %zu + %zu + %zu * %zu, \"the note's layout\");\n",
        sizeof(struct mg_mft_entry), sizeof(struct mg_mft_note_hdr), sizeof(struct mg_mft), n,
        sizeof(struct mg_mft_entry));
}

/* The tender by its name if PATH finds this installation's, else by its path. */
static char *tender_command(const char *tender)
{
    char *mine = ed.prefix ? ed_fmt("%s/bin/%s", ed.prefix, tender) : NULL;
    char want[PATH_MAX], got[PATH_MAX];
    if (!mine || !realpath(mine, want))
        return mine ? mine : ed_strdup(tender);
    const char *path = getenv("PATH");
    while (path && *path) {
        size_t len = strcspn(path, ":");
        char *cand = ed_fmt("%.*s/%s", (int)len, path, tender);
        if (len && access(cand, X_OK) == 0)
            /* the first one PATH finds is the one a shell runs */
            return realpath(cand, got) && strcmp(got, want) == 0 ? ed_strdup(tender) : mine;
        path += len + (path[len] == ':');
    }
    return mine;
}

char *ed_run_hint(void)
{
    char *art = ed_artefact();
    if (!ed.target->tender)
        return ed_fmt("./%s", art);
    struct buf b = {0};
    buf_puts(&b, tender_command(ed.target->tender));
    for (size_t i = 0; i < ed.nmft; i++) {
        const char *kind = ed_plat_device_name(ed.mft[i].kind);
        buf_printf(&b, " --%s:%s=%s", kind, ed.mft[i].name,
                   ed.mft[i].kind == PLAT_DEVICE_NET ? "TAP" : "FILE");
    }
    buf_printf(&b, " -- %s", art);
    char *s = ed_strdup(buf_str(&b));
    buf_free(&b);
    return s;
}
