/* tar_link.c: follows the archive's symbolic links within it, once every entry is known. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>

#include "../kv/kv_util.h"
#include "tar_scan.h"

/* Where link leads: the value, or NULL with *why said. The walk keeps the
 * folder it is in (cur) and the path still to follow (rem), which grows by
 * a link's target each time it passes a link. MG_ENOMEM through *rc. */
static struct kvd_node *resolve(struct kvd_index *x, const struct kvd_node *link, const char **why,
                                int *rc)
{
    struct kvd_node *cur = link->parent, *found = NULL;
    char *rem = strdup(link->aux);
    if (!rem) {
        *rc = MG_ENOMEM;
        return NULL;
    }
    int hops = 1;
    size_t pos = 0;
    *why = NULL;
    if (rem[0] == '/')
        *why = "its target is absolute, outside the archive";
    while (!*why) {
        while (rem[pos] == '/')
            pos++;
        if (!rem[pos])
            break;
        const char *seg = rem + pos;
        size_t len = strcspn(seg, "/");
        pos += len;
        if (found) {
            *why = "its target passes through a file as if it were a folder";
            break;
        }
        if (len == 1 && seg[0] == '.')
            continue;
        if (len == 2 && seg[0] == '.' && seg[1] == '.') {
            if (!cur->parent)
                *why = "its target leaves the archive through '..'";
            else
                cur = cur->parent;
            continue;
        }
        struct kvd_node *c = kvd_child(x, cur, seg, len);
        if (!c) {
            *why = "its target is not in the archive";
        } else if (c->kind == MG_KV_DICTIONARY) {
            cur = c;
        } else if (c->kind == MG_KV_VALUE) {
            found = c;
        } else if (++hops > TAR_LINK_HOPS) {
            *why = "its target goes through more than 40 links (a loop?)";
        } else {
            const char *t = c->aux;
            if (t[0] == '/') {
                *why = "its target goes through a link to an absolute path";
                break;
            }
            /* Follow c from cur: its target, then what was left. */
            size_t tl = strlen(t), rl = strlen(rem + pos);
            char *n = malloc(tl + 1 + rl + 1);
            if (!n) {
                free(rem);
                *rc = MG_ENOMEM;
                return NULL;
            }
            memcpy(n, t, tl);
            n[tl] = '/';
            memcpy(n + tl + 1, rem + pos, rl + 1);
            free(rem);
            rem = n;
            pos = 0;
        }
    }
    free(rem);
    if (!*why && !found)
        *why = "its target is a folder (links to folders are not followed)";
    return *why ? NULL : found;
}

int tar_scan_links(struct tar_scan *sc)
{
    if (sc->nlinks == 0)
        return 0;
    struct kvd_index *x = &sc->s->idx;
    /* Resolve every link before changing any, so that the result does not
     * depend on the order they come in. */
    struct kvd_node **to = calloc(sc->nlinks, sizeof *to);
    const char **why = calloc(sc->nlinks, sizeof *why);
    int rc = to && why ? 0 : MG_ENOMEM;
    for (size_t i = 0; rc == 0 && i < sc->nlinks; i++)
        if (sc->links[i]->kind == KVD_LINK)
            to[i] = resolve(x, sc->links[i], &why[i], &rc);
    char *path = rc == 0 ? malloc(KV_KEY_BUF) : NULL;
    if (rc == 0 && !path)
        rc = MG_ENOMEM;
    for (size_t i = 0; rc == 0 && i < sc->nlinks; i++) {
        struct kvd_node *n = sc->links[i];
        if (n->kind != KVD_LINK)
            continue;
        if (to[i]) {
            n->kind = MG_KV_VALUE;
            n->loc = to[i]->loc;
            n->size = to[i]->size;
            n->mtime_ns = to[i]->mtime_ns;
            n->aux = NULL;
        } else {
            mg_log_warn(&tar_log, "%s: symbolic link '%s' -> '%s': %s: left out", sc->s->ro.name,
                        kvd_node_path(n, path, KV_KEY_BUF), (const char *)n->aux, why[i]);
            kvd_unlink(x, n);
        }
    }
    free(path);
    free(to);
    free(why);
    return rc;
}
