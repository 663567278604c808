/* opts.c: the tenders' command line (tn_opts_parse, tn_opts_main, tn_opts_usage). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "tn_opts.h"

static bool name_ok(const char *s, size_t len)
{
    if (len == 0 || len >= MG_MFT_NAME_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* A decimal number in [lo, hi], nothing else. */
static bool parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* xx:xx:xx:xx:xx:xx, unicast. */
static bool parse_mac(const char *s, uint8_t mac[6])
{
    if (strlen(s) != 17)
        return false;
    for (int i = 0; i < 6; i++) {
        int hi = hexval(s[3 * i]), lo = hexval(s[3 * i + 1]);
        if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
            return false;
        mac[i] = (uint8_t)(hi << 4 | lo);
    }
    return (mac[0] & 1) == 0;
}

struct tn_dev *tn_opts_dev(struct tn_opts *o, const char *name)
{
    for (unsigned i = 0; i < o->ndevs; i++)
        if (strcmp(o->devs[i].name, name) == 0)
            return &o->devs[i];
    return NULL;
}

/* Options naming a device that may come before it: applied at the end. */
struct late {
    const char *arg; /* for messages */
    char name[MG_MFT_NAME_MAX];
    bool is_mac;
    uint8_t mac[6];
    uint32_t sector;
};

/* Split "--KIND:NAME=VALUE" after the prefix: name into buf, returns VALUE or NULL. */
static const char *split_named(const char *rest, char name[MG_MFT_NAME_MAX])
{
    const char *eq = strchr(rest, '=');
    if (!eq || !name_ok(rest, (size_t)(eq - rest)))
        return NULL;
    memcpy(name, rest, (size_t)(eq - rest));
    name[eq - rest] = '\0';
    return eq + 1;
}

static int add_dev(struct tn_opts *o, const char *arg, const char *name, uint32_t type,
                   const char *value, struct tn_err *e)
{
    if (tn_opts_dev(o, name))
        return tn_fail(e, MG_EINVAL, "%s: the device '%s' is given twice", arg, name);
    if (o->ndevs == MG_MFT_MAX_ENTRIES)
        return tn_fail(e, MG_EINVAL, "%s: more than %d devices", arg, MG_MFT_MAX_ENTRIES);
    if (*value == '\0')
        return tn_fail(e, MG_EINVAL, "%s: nothing after '='", arg);
    struct tn_dev *d = &o->devs[o->ndevs];
    memset(d, 0, sizeof *d);
    strcpy(d->name, name);
    d->type = type;
    d->fd = -1;
    d->sector_size = TN_SECTOR_DEFAULT;
    d->path = value;
    if (type == MG_MFT_NET && value[0] == '@') {
        uint64_t fd;
        if (!parse_u64(value + 1, 0, INT_MAX, &fd))
            return tn_fail(e, MG_EINVAL, "%s: '%s' is not @FD with FD a descriptor number", arg,
                           value);
        d->fd = (int)fd;
        d->path = NULL;
    } else if (type == MG_MFT_NET && strlen(value) >= 16 /* IFNAMSIZ */) {
        return tn_fail(e, MG_EINVAL, "%s: '%s' is too long for an interface name", arg, value);
    }
    o->ndevs++;
    return 0;
}

static int apply_late(struct tn_opts *o, const struct late *l, struct tn_err *e)
{
    struct tn_dev *d = tn_opts_dev(o, l->name);
    uint32_t want = l->is_mac ? MG_MFT_NET : MG_MFT_BLOCK;
    if (!d || d->type != want)
        return tn_fail(e, MG_EINVAL, "%s: there is no %s '%s' (give --%s:%s=...)", l->arg,
                       l->is_mac ? "--net:" : "--block:", l->name, l->is_mac ? "net" : "block",
                       l->name);
    if (l->is_mac) {
        memcpy(d->mac, l->mac, 6);
        d->mac_set = true;
    } else {
        d->sector_size = l->sector;
    }
    return 0;
}

int tn_opts_parse(struct tn_opts *o, int argc, char **argv, struct tn_err *e)
{
    struct late lates[2 * MG_MFT_MAX_ENTRIES];
    unsigned nlates = 0;
    memset(o, 0, sizeof *o);
    o->mem = (uint64_t)TN_MEM_DEFAULT_MIB << 20;
    bool mem_given = false;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        char name[MG_MFT_NAME_MAX];
        const char *v;
        int rc;
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (strncmp(a, "--", 2) != 0)
            break;
        if (strcmp(a, "--help") == 0)
            return TN_OPTS_HELP;
        if (strcmp(a, "--version") == 0)
            return TN_OPTS_VERSION;
        if (strncmp(a, "--mem=", 6) == 0) {
            uint64_t mib;
            if (mem_given)
                return tn_fail(e, MG_EINVAL, "%s: --mem is given twice", a);
            if (!parse_u64(a + 6, TN_MEM_MIN_MIB, TN_MEM_MAX_MIB, &mib))
                return tn_fail(e, MG_EINVAL, "%s: not a number of MiB in [%d, %d]", a,
                               TN_MEM_MIN_MIB, TN_MEM_MAX_MIB);
            o->mem = mib << 20;
            o->mem_set = mem_given = true;
        } else if (strncmp(a, "--net:", 6) == 0 || strncmp(a, "--block:", 8) == 0) {
            bool net = a[2] == 'n';
            if (!(v = split_named(a + (net ? 6 : 8), name)))
                return tn_fail(e, MG_EINVAL, "%s: expected %s:NAME=%s with NAME of [A-Za-z0-9_-]",
                               a, net ? "--net" : "--block", net ? "TAP or @FD" : "FILE");
            if ((rc = add_dev(o, a, name, net ? MG_MFT_NET : MG_MFT_BLOCK, v, e)) < 0)
                return rc;
        } else if (strncmp(a, "--net-mac:", 10) == 0 ||
                   strncmp(a, "--block-sector-size:", 20) == 0) {
            bool mac = a[2] == 'n';
            struct late *l = &lates[nlates];
            memset(l, 0, sizeof *l);
            if (!(v = split_named(a + (mac ? 10 : 20), l->name)))
                return tn_fail(e, MG_EINVAL, "%s: expected %s:NAME=%s", a,
                               mac ? "--net-mac" : "--block-sector-size", mac ? "MAC" : "N");
            for (unsigned j = 0; j < nlates; j++)
                if (lates[j].is_mac == mac && strcmp(lates[j].name, l->name) == 0)
                    return tn_fail(e, MG_EINVAL, "%s: given twice for '%s'", a, l->name);
            if (nlates == sizeof lates / sizeof lates[0])
                return tn_fail(e, MG_EINVAL, "%s: too many device options", a);
            l->arg = a;
            l->is_mac = mac;
            if (mac && !parse_mac(v, l->mac))
                return tn_fail(e, MG_EINVAL, "%s: '%s' is not a unicast MAC xx:xx:xx:xx:xx:xx", a,
                               v);
            uint64_t n = 0;
            if (!mac && (!parse_u64(v, 512, TN_SECTOR_MAX, &n) || (n & (n - 1)) != 0))
                return tn_fail(e, MG_EINVAL,
                               "%s: the sector size must be a power of two in [512, %d]", a,
                               TN_SECTOR_MAX);
            l->sector = (uint32_t)n;
            nlates++;
        } else {
            return tn_fail(e, MG_EINVAL, "unknown option %s (see --help)", a);
        }
    }
    for (unsigned j = 0; j < nlates; j++) {
        int rc = apply_late(o, &lates[j], e);
        if (rc < 0)
            return rc;
    }
    if (i >= argc)
        return tn_fail(e, MG_EINVAL, "no image given (usage: %s [OPTIONS] [--] IMAGE [ARGS...])",
                       tn_prog);
    o->image = argv[i];
    o->argc = argc - i - 1;
    o->argv = argv + i + 1;
    return TN_OPTS_RUN;
}

#ifndef MIRAGE_VERSION
#define MIRAGE_VERSION "unknown"
#endif

void tn_opts_main(struct tn_opts *o, int argc, char **argv, const char *extra)
{
    struct tn_err e;
    switch (tn_opts_parse(o, argc, argv, &e)) {
    case TN_OPTS_RUN:
        return;
    case TN_OPTS_HELP:
        tn_opts_usage(stdout, extra);
        exit(0);
    case TN_OPTS_VERSION:
        printf("%s %s (ABI %d)\n", tn_prog, MIRAGE_VERSION, MG_ABI_VERSION);
        exit(0);
    default:
        tn_die("%s", e.msg);
    }
}

void tn_opts_usage(FILE *f, const char *extra)
{
    fprintf(
        f,
        "usage: %s [OPTIONS] [--] IMAGE [ARGS...]\n"
        "Runs the unikernel IMAGE with ARGS as its command line.\n"
        "\n"
        "  --mem=MIB                   guest memory in MiB (default %d, at least %d)\n"
        "  --net:NAME=TAP              attach the network NAME to the tap interface TAP\n"
        "  --net:NAME=@FD              ... to the tap already open as descriptor FD\n"
        "  --net-mac:NAME=MAC          the MAC of NAME (default: random, locally administered)\n"
        "  --block:NAME=FILE           attach the block device NAME to FILE (read-only if it is)\n"
        "  --block-sector-size:NAME=N  sector size of NAME in bytes (default %d)\n"
        "  --help                      this text\n"
        "  --version                   the version\n",
        tn_prog, TN_MEM_DEFAULT_MIB, TN_MEM_MIN_MIB, TN_SECTOR_DEFAULT);
    if (extra)
        fputs(extra, f);
    fprintf(f,
            "\n"
            "Every device the image's manifest names must be given, and no other.\n"
            "The exit status is the unikernel's; %d: it aborted; %d: it faulted;\n"
            "1: the tender refused to run it (the message says why).\n",
            MG_EXIT_ABORT, MG_EXIT_TRAP);
}
