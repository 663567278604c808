/* tar_entry.c: puts one archive entry (file, folder, link) in the index, refusing conflicts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>

#include "../kv/kv_util.h"
#include "tar_scan.h"

/* A tar name as a normalized key in out (KV_KEY_BUF bytes): "./", "/" and
 * empty segments dropped. 0; 1 if it has a ".." segment; 2 if too long. */
static int tar_path(const char *name, char *out)
{
    size_t n = 0;
    for (const char *p = name; *p;) {
        while (*p == '/')
            p++;
        const char *s = p;
        while (*p && *p != '/')
            p++;
        size_t len = (size_t)(p - s);
        if (len == 0 || (len == 1 && s[0] == '.'))
            continue;
        if (len == 2 && s[0] == '.' && s[1] == '.')
            return 1;
        if (n + 1 + len > MG_KV_KEY_MAX)
            return 2;
        out[n] = '/';
        memcpy(out + n + 1, s, len);
        n += 1 + len;
    }
    out[n] = '\0';
    return 0;
}

static int conflict(struct tar_scan *sc, const struct tar_entry *e, const char *name,
                    const char *what)
{
    mg_log_err(&tar_log, "%s: byte %llu: entry '%s': %s", sc->s->ro.name,
               (unsigned long long)e->off, name, what);
    return MG_EIO;
}

/* The node of a normalized key, without creating anything; NULL if none. */
static struct kvd_node *find(struct kvd_index *x, const char *canon)
{
    struct kvd_node *n = x->root;
    size_t pos = 0, len;
    const char *seg;
    while (n && kv_key_next(canon, &pos, &seg, &len))
        n = n->kind == MG_KV_DICTIONARY ? kvd_child(x, n, seg, len) : NULL;
    return n;
}

static int remember_link(struct tar_scan *sc, struct kvd_node *n)
{
    if (sc->nlinks == sc->caplinks) {
        size_t cap = sc->caplinks ? sc->caplinks * 2 : 16;
        struct kvd_node **v = realloc(sc->links, cap * sizeof *v);
        if (!v)
            return MG_ENOMEM;
        sc->links = v;
        sc->caplinks = cap;
    }
    sc->links[sc->nlinks++] = n;
    return 0;
}

/* Place a value, a link or a folder at canon (not the root). */
static int place(struct tar_scan *sc, const struct tar_entry *e, const char *name,
                 const char *canon, int kind, const struct kvd_node *same, const char *target)
{
    struct kvd_index *x = &sc->s->idx;
    struct kvd_node *parent = x->root;
    size_t pos = 0, len;
    const char *seg;
    kv_key_next(canon, &pos, &seg, &len);
    for (;;) {
        size_t p2 = pos, len2;
        const char *seg2;
        if (!kv_key_next(canon, &p2, &seg2, &len2))
            break; /* seg is the last segment */
        struct kvd_node *c = kvd_child(x, parent, seg, len);
        if (!c && !(c = kvd_add(x, parent, seg, len, MG_KV_DICTIONARY)))
            return MG_ENOMEM;
        if (c->kind != MG_KV_DICTIONARY) {
            char msg[64 + MG_KV_KEY_MAX];
            snprintf(msg, sizeof msg, "'%.*s' is not a folder but an earlier entry",
                     (int)(seg + len - canon - 1), canon + 1);
            return conflict(sc, e, name, msg);
        }
        parent = c;
        pos = p2;
        seg = seg2;
        len = len2;
    }
    struct kvd_node *n = kvd_child(x, parent, seg, len);
    if (n && (n->kind == MG_KV_DICTIONARY) != (kind == MG_KV_DICTIONARY))
        return conflict(sc, e, name,
                        kind == MG_KV_DICTIONARY
                            ? "a folder, but an earlier entry of that name is not"
                            : "not a folder, but an earlier entry of that name is one");
    bool was_link = n && n->kind == KVD_LINK;
    if (!n && !(n = kvd_add(x, parent, seg, len, kind)))
        return MG_ENOMEM;
    n->mtime_ns = e->mtime_ns;
    if (kind == MG_KV_DICTIONARY)
        return 0;
    n->digest = NULL;
    if (same) { /* a hard link: the same value (or link) as an earlier entry */
        n->kind = same->kind;
        n->loc = same->loc;
        n->size = same->size;
        n->aux = same->aux;
        n->mtime_ns = same->mtime_ns;
    } else if (kind == KVD_LINK) {
        size_t tl = strlen(target);
        char *t = kvd_alloc(x, tl + 1);
        if (!t)
            return MG_ENOMEM;
        memcpy(t, target, tl + 1);
        n->kind = KVD_LINK;
        n->aux = t;
        n->size = 0;
    } else {
        n->kind = MG_KV_VALUE;
        n->loc = e->data;
        n->size = e->size;
        n->aux = NULL;
    }
    if (n->kind == KVD_LINK && !was_link)
        return remember_link(sc, n);
    return 0;
}

static int refuse(struct tar_scan *sc, const struct tar_entry *e, const char *name,
                  const char *what)
{
    mg_log_err(&tar_log, "%s: byte %llu: entry '%s': %s", sc->s->ro.name,
               (unsigned long long)e->off, name, what);
    return MG_ENOTSUP;
}

int tar_scan_entry(struct tar_scan *sc, const struct tar_entry *e, const char *name,
                   const char *link)
{
    unsigned char t = e->type;
    if (t == 'S' || e->sparse)
        return refuse(sc, e, name, "a GNU sparse file, which this reader does not support");
    if (t == 'M')
        return refuse(sc, e, name, "the continuation of a multi-volume file, not supported");
    if (t == 'N')
        return refuse(sc, e, name, "an old GNU long-name entry ('N'), not supported");
    if (t == 'V')
        return 0; /* the volume's label, not an entry */
    if (t == '3' || t == '4' || t == '6') {
        tar_scan_warn(sc, e->off, "entry '%s': a %s, not a file: left out", name,
                      t == '6' ? "FIFO" : "device");
        return 0;
    }
    char *canon = malloc(KV_KEY_BUF);
    if (!canon)
        return MG_ENOMEM;
    int rc = 0;
    int p = tar_path(name, canon);
    size_t nl = strlen(name);
    bool dir = t == '5' || t == 'D' || (t != '1' && t != '2' && nl && name[nl - 1] == '/');
    if (p == 1) {
        tar_scan_warn(sc, e->off, "entry '%s': a '..' in the name: left out", name);
    } else if (p == 2) {
        tar_scan_warn(sc, e->off, "entry '%s': longer than a key (%d bytes): left out", name,
                      MG_KV_KEY_MAX);
    } else if (strcmp(canon, "") == 0) {
        if (dir)
            sc->s->idx.root->mtime_ns = e->mtime_ns;
        else
            tar_scan_warn(sc, e->off, "an entry with an empty name: left out");
    } else if (dir) {
        rc = place(sc, e, name, canon, MG_KV_DICTIONARY, NULL, NULL);
    } else if (t == '1') {
        char *target = malloc(KV_KEY_BUF);
        if (!target) {
            free(canon);
            return MG_ENOMEM;
        }
        const struct kvd_node *same = NULL;
        if (tar_path(link, target) == 0 && target[0])
            same = find(&sc->s->idx, target);
        if (!same || same->kind == MG_KV_DICTIONARY) {
            char msg[64 + MG_KV_KEY_MAX];
            snprintf(msg, sizeof msg, "a hard link to '%s', which is not an earlier file", link);
            rc = conflict(sc, e, name, msg);
        } else {
            rc = place(sc, e, name, canon, MG_KV_VALUE, same, NULL);
        }
        free(target);
    } else if (t == '2') {
        size_t ll = strlen(link);
        if (ll == 0 || ll > MG_KV_KEY_MAX)
            tar_scan_warn(sc, e->off, "symbolic link '%s': its target is %s: left out", name,
                          ll ? "longer than a key" : "empty");
        else
            rc = place(sc, e, name, canon, KVD_LINK, NULL, link);
    } else {
        rc = place(sc, e, name, canon, MG_KV_VALUE, NULL, NULL);
    }
    free(canon);
    return rc;
}
