/* tar_scan.c: reads an archive's headers once, checking them, into the store's index. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>

#include "../kv/kv_util.h"
#include "tar_scan.h"

/* An error at byte off of the archive: logged, MG_EIO. */
static int bad(struct tar_scan *sc, uint64_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int bad(struct tar_scan *sc, uint64_t off, const char *fmt, ...)
{
    char msg[MG_LOG_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    mg_log_err(&tar_log, "%s: byte %llu: %s", sc->s->ro.name, (unsigned long long)off, msg);
    return MG_EIO;
}

void tar_scan_warn(struct tar_scan *sc, uint64_t off, const char *fmt, ...)
{
    char msg[MG_LOG_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    mg_log_warn(&tar_log, "%s: byte %llu: %s", sc->s->ro.name, (unsigned long long)off, msg);
}

static bool zero_block(const unsigned char *h)
{
    for (size_t i = 0; i < TAR_BLOCK; i++)
        if (h[i])
            return false;
    return true;
}

/* The bytes of a field up to its first NUL, as a new string. */
static char *field(const unsigned char *f, size_t len)
{
    size_t n = strnlen((const char *)f, len);
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, f, n);
        s[n] = '\0';
    }
    return s;
}

/* The name of an entry from its header: ustar's prefix "/" name, else name. */
static char *header_name(const unsigned char *h)
{
    bool posix = memcmp(h + TAR_MAGIC, "ustar\0", 6) == 0;
    if (!posix || h[TAR_PREFIX] == '\0')
        return field(h + TAR_NAME, TAR_NAME_LEN);
    size_t pl = strnlen((const char *)h + TAR_PREFIX, TAR_PREFIX_LEN);
    size_t nl = strnlen((const char *)h + TAR_NAME, TAR_NAME_LEN);
    char *s = malloc(pl + 1 + nl + 1);
    if (s) {
        memcpy(s, h + TAR_PREFIX, pl);
        s[pl] = '/';
        memcpy(s + pl + 1, h + TAR_NAME, nl);
        s[pl + 1 + nl] = '\0';
    }
    return s;
}

/* The data of a meta entry (long name, pax records), NUL-terminated. */
static int read_meta(struct tar_scan *sc, uint64_t off, uint64_t data, uint64_t size,
                     const char *what, char **out)
{
    if (size > TAR_META_MAX)
        return bad(sc, off, "%s of %llu bytes: more than the %u this reader takes", what,
                   (unsigned long long)size, TAR_META_MAX);
    char *buf = malloc((size_t)size + 1);
    if (!buf)
        return MG_ENOMEM;
    int rc = kvd_dev_read(&sc->s->dev, data, buf, (size_t)size);
    if (rc) {
        free(buf);
        mg_log_err(&tar_log, "%s: byte %llu: reading the %s: %s", sc->s->ro.name,
                   (unsigned long long)data, what, mg_strerror(rc));
        return rc;
    }
    buf[size] = '\0';
    *out = buf;
    return 0;
}

static int pax(struct tar_scan *sc, uint64_t off, uint64_t data, uint64_t size, bool global)
{
    char *buf;
    int rc = read_meta(sc, off, data, size, global ? "pax global header" : "pax header", &buf);
    if (rc)
        return rc;
    const char *why = NULL;
    size_t at = 0;
    struct tar_pax *p = global ? &sc->global : &sc->next;
    rc = tar_pax_parse(buf, (size_t)size, p, &why, &at);
    free(buf);
    if (rc == MG_ENOMEM)
        return rc;
    if (rc)
        return bad(sc, data + at, "%s: %s", global ? "pax global header" : "pax header", why);
    return 0;
}

/* Replace *slot with a GNU long name's data (up to its first NUL). */
static int long_name(struct tar_scan *sc, uint64_t off, uint64_t data, uint64_t size,
                     const char *what, char **slot)
{
    char *buf;
    int rc = read_meta(sc, off, data, size, what, &buf);
    if (rc)
        return rc;
    free(*slot);
    *slot = buf;
    return 0;
}

static void clear_pending(struct tar_scan *sc)
{
    tar_pax_clear(&sc->next);
    free(sc->longname);
    free(sc->longlink);
    sc->longname = sc->longlink = NULL;
    sc->pending_at = 0;
    sc->pending = false;
}

/* The end-of-archive block at off: the archive ends here. */
static void end_of_archive(struct tar_scan *sc, uint64_t off)
{
    int err;
    if (off + 2 * TAR_BLOCK <= sc->s->dev.bytes) {
        const unsigned char *h2 = kvd_dev_map(&sc->s->dev, off + TAR_BLOCK, TAR_BLOCK, &err);
        if (h2 && !zero_block(h2))
            tar_scan_warn(sc, off, "a lone zero block: the archive is read up to it");
    }
}

/* Which types are followed by size bytes of data (POSIX: not links,
 * devices, folders or FIFOs, whatever their size field says). */
static bool has_data(unsigned char type)
{
    return !(type >= '1' && type <= '6');
}

int tar_scan_run(struct tar_scan *sc)
{
    struct kvd_dev *d = &sc->s->dev;
    uint64_t off = 0;
    for (;;) {
        if (off > d->bytes || d->bytes - off < TAR_BLOCK)
            return bad(sc, off,
                       "the archive ends without its end-of-archive blocks: truncated "
                       "(the device has %llu bytes)",
                       (unsigned long long)d->bytes);
        int err;
        const unsigned char *m = kvd_dev_map(d, off, TAR_BLOCK, &err);
        if (!m) {
            mg_log_err(&tar_log, "%s: byte %llu: reading a header: %s", sc->s->ro.name,
                       (unsigned long long)off, mg_strerror(err));
            return err;
        }
        unsigned char h[TAR_BLOCK];
        memcpy(h, m, TAR_BLOCK);
        if (zero_block(h)) {
            if (sc->pending)
                return bad(sc, sc->pending_at,
                           "a long-name or pax header is not followed by an entry");
            end_of_archive(sc, off);
            return 0;
        }
        int64_t stored, su, ss;
        if (!tar_checksum_ok(h, &stored, &su, &ss)) {
            if (stored < 0)
                return bad(sc, off, "header checksum field is not an octal number");
            return bad(sc, off,
                       "header checksum mismatch: the header says %llo, its bytes sum to %llo "
                       "(unsigned) or %llo (signed)",
                       (unsigned long long)stored, (unsigned long long)su, (unsigned long long)ss);
        }
        int64_t hsize, mtime;
        if (tar_number(h + TAR_SIZE, TAR_SIZE_LEN, INT64_MAX, false, &hsize) < 0)
            return bad(sc, off, "size field is not a number of bytes");
        if (tar_number(h + TAR_MTIME, TAR_MTIME_LEN, INT64_MAX / 1000000000, true, &mtime) < 0 ||
            mtime < INT64_MIN / 1000000000)
            return bad(sc, off, "mtime field is not a time in range");
        unsigned char type = h[TAR_TYPE];
        uint64_t size = (uint64_t)hsize;
        bool meta = type == 'x' || type == 'g' || type == 'L' || type == 'K';
        if (!meta && sc->next.has_size)
            size = sc->next.size;
        uint64_t data = off + TAR_BLOCK;
        uint64_t dsize = has_data(type) ? size : 0;
        if (dsize > d->bytes - data)
            return bad(sc, off,
                       "the entry's data (%llu bytes from byte %llu) runs past the end of the "
                       "device (%llu bytes)",
                       (unsigned long long)dsize, (unsigned long long)data,
                       (unsigned long long)d->bytes);
        /* dsize <= bytes - data, so the rounding cannot wrap. */
        uint64_t next = data + ((dsize + TAR_BLOCK - 1) / TAR_BLOCK) * TAR_BLOCK;
        int rc = 0;
        switch (type) {
        case 'x':
        case 'g':
            rc = pax(sc, off, data, size, type == 'g');
            break;
        case 'L':
            rc = long_name(sc, off, data, size, "GNU long name", &sc->longname);
            break;
        case 'K':
            rc = long_name(sc, off, data, size, "GNU long link name", &sc->longlink);
            break;
        default: {
            struct tar_entry e = {.off = off, .data = data, .size = size, .type = type};
            e.mtime_ns = mtime * 1000000000;
            if (sc->global.has_mtime)
                e.mtime_ns = sc->global.mtime_ns;
            if (sc->next.has_mtime)
                e.mtime_ns = sc->next.mtime_ns;
            e.sparse = sc->next.sparse || sc->global.sparse;
            char *name = sc->next.path  ? strdup(sc->next.path)
                         : sc->longname ? strdup(sc->longname)
                                        : header_name(h);
            char *link = sc->next.linkpath ? strdup(sc->next.linkpath)
                         : sc->longlink    ? strdup(sc->longlink)
                                           : field(h + TAR_LINK, TAR_LINK_LEN);
            if (!name || !link)
                rc = MG_ENOMEM;
            else
                rc = tar_scan_entry(sc, &e, name, link);
            free(name);
            free(link);
            clear_pending(sc);
            break;
        }
        }
        if (rc)
            return rc;
        if (meta && type != 'g' && !sc->pending) {
            sc->pending = true;
            sc->pending_at = off;
        }
        off = next;
    }
}

void tar_scan_free(struct tar_scan *sc)
{
    clear_pending(sc);
    tar_pax_clear(&sc->global);
    free(sc->links);
    sc->links = NULL;
}
