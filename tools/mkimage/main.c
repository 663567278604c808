/* main.c: mirage-mkimage's command line: tar or fat, options, folder, output file. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mkimage.h"

static const char usage[] =
    "usage: mirage-mkimage tar [--pax] [--mtime=SECONDS] FOLDER OUT.tar\n"
    "       mirage-mkimage fat [--fat=12|16|32] [--size=N[K|M|G]] [--sector=BYTES]\n"
    "                          [--cluster=BYTES] [--label=NAME] [--volume-id=HEX]\n"
    "                          [--mtime=SECONDS] FOLDER OUT.img\n"
    "Writes FOLDER (its files, folders and, in tar, symbolic links; names sorted)\n"
    "as a tar archive (ustar headers, pax records where ustar cannot hold a name,\n"
    "link, size or time; --pax: pax records for every entry) or as a FAT image\n"
    "(VFAT long names where 8.3 names do not do; the smallest FAT type and size\n"
    "that hold the folder unless --fat and --size say). --mtime gives every entry\n"
    "that time, for images that do not change from one build to the next.\n";

/* A number with an optional K, M or G (powers of 1024). */
static bool size_arg(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return false;
    unsigned shift = *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : 0;
    if (shift)
        end++;
    if (*end || v > (UINT64_MAX >> shift))
        return false;
    *out = (uint64_t)v << shift;
    return true;
}

static bool int_arg(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end)
        return false;
    *out = v;
    return true;
}

static const char *opt(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return strncmp(arg, name, n) == 0 && arg[n] == '=' ? arg + n + 1 : NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "tar") && strcmp(argv[1], "fat"))) {
        fputs(usage, argc >= 2 && !strcmp(argv[1], "--help") ? stdout : stderr);
        return argc >= 2 && !strcmp(argv[1], "--help") ? 0 : 2;
    }
    bool tar = !strcmp(argv[1], "tar");
    struct mk_tar_opts to = {0};
    struct mk_fat_opts fo = {.sector = 512, .volume_id = 0x4d495247};
    const char *pos[2];
    int npos = 0;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v;
        uint64_t u;
        int64_t s;
        if (a[0] != '-' || !a[1]) {
            if (npos == 2)
                goto bad;
            pos[npos++] = a;
        } else if ((v = opt(a, "--mtime")) && int_arg(v, &s)) {
            to.fixed_mtime = fo.fixed_mtime = true;
            to.mtime = fo.mtime = s;
        } else if (tar && !strcmp(a, "--pax")) {
            to.pax = true;
        } else if (!tar && (v = opt(a, "--fat")) &&
                   (!strcmp(v, "12") || !strcmp(v, "16") || !strcmp(v, "32"))) {
            fo.type = atoi(v);
        } else if (!tar && (v = opt(a, "--size")) && size_arg(v, &u) && u) {
            fo.size = u;
        } else if (!tar && (v = opt(a, "--sector")) && size_arg(v, &u) &&
                   (u == 512 || u == 1024 || u == 2048 || u == 4096)) {
            fo.sector = (unsigned)u;
        } else if (!tar && (v = opt(a, "--cluster")) && size_arg(v, &u) && u && !(u & (u - 1)) &&
                   u <= 128u * 4096) {
            fo.cluster = (unsigned)u;
        } else if (!tar && (v = opt(a, "--label")) && strlen(v) <= 11) {
            fo.label = v;
        } else if (!tar && (v = opt(a, "--volume-id"))) {
            char *end;
            unsigned long id = strtoul(v, &end, 16);
            if (*end || id > 0xffffffffu)
                goto bad;
            fo.volume_id = (uint32_t)id;
        } else {
            mk_error("%s: not an option of %s (or a bad value)", a, argv[1]);
            goto bad;
        }
    }
    if (npos != 2)
        goto bad;
    if (fo.cluster && (fo.cluster < fo.sector || fo.cluster / fo.sector > 128)) {
        mk_error("--cluster=%u: from one to 128 sectors of %u bytes", fo.cluster, fo.sector);
        return 2;
    }
    struct mk_node *root = mk_tree_read(pos[0]);
    if (!root)
        return 1;
    FILE *out = fopen(pos[1], tar ? "wb" : "w+b");
    if (!out) {
        mk_error("%s: cannot write it: %s", pos[1], strerror(errno));
        mk_tree_free(root);
        return 1;
    }
    int rc = tar ? mk_tar_write(root, out, &to) : mk_fat_write(root, out, &fo);
    if (fclose(out) != 0 && rc == 0) {
        mk_error("%s: writing failed", pos[1]);
        rc = -1;
    }
    mk_tree_free(root);
    if (rc)
        remove(pos[1]);
    return rc ? 1 : 0;
bad:
    fputs(usage, stderr);
    return 2;
}
