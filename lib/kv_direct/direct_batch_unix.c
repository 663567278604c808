/* direct_batch_unix.c: direct_kv_rw's batches: an undo journal, synced before each change.
 *
 * A batch lives in .mg-kv-batch/ at the store's root: `journal` (records
 * appended and synced before the change they describe is made) and the
 * backups b<id> (old values hard-linked, removed keys moved there). The
 * batch commits by deleting the journal; a failed batch, or one a crash
 * interrupted (found at the next connect), is undone by replaying the
 * journal backwards. Every undo step checks the state first, so a record
 * whose change never happened, or an undo interrupted by a crash and
 * replayed, does no harm.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mirage/error.h>

#include "direct_unix.h"

enum { J_CREATED = 1, J_SAVED = 2, J_MOVED_AWAY = 3, J_MOVED = 4 };
#define J_MAGIC 0x766b676du /* "mgkv" */
/* magic, type, id, two lengths; then the paths; then a CRC-32 of it all */
#define J_HEAD 16

bool dkv_batching(struct dkv *d)
{
    return d->in_batch && mg_self() == d->owner;
}

static uint32_t crc32(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return ~c;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}
static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int append(struct dkv *d, int type, uint32_t id, const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), n = J_HEAD + la + lb + 4;
    unsigned char *r = malloc(n);
    if (!r)
        return MG_ENOMEM;
    put32(r, J_MAGIC);
    put32(r + 4, (uint32_t)type);
    put32(r + 8, id);
    put32(r + 12, (uint32_t)(la | lb << 16));
    memcpy(r + J_HEAD, a, la);
    memcpy(r + J_HEAD + la, b, lb);
    put32(r + n - 4, crc32(r, n - 4));
    int rc = 0;
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(d->journal, r + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            rc = dkv_errno(errno);
            break;
        }
        done += (size_t)w;
    }
    free(r);
    if (rc == 0)
        rc = dkv_sync(d->journal);
    if (rc == 0)
        dkv_step("batch:journaled");
    return rc;
}

int dkv_j_created(struct dkv *d, const char *canon)
{
    return append(d, J_CREATED, 0, canon, "");
}

int dkv_j_saved(struct dkv *d, const char *canon, uint32_t *id)
{
    *id = d->next_id++;
    return append(d, J_SAVED, *id, canon, "");
}

int dkv_j_moved_away(struct dkv *d, const char *canon, uint32_t *id)
{
    *id = d->next_id++;
    return append(d, J_MOVED_AWAY, *id, canon, "");
}

int dkv_j_moved(struct dkv *d, const char *source, const char *dest)
{
    return append(d, J_MOVED, 0, source, dest);
}

static void backup_name(char out[16], uint32_t id)
{
    snprintf(out, 16, "b%u", id);
}

int dkv_backup_link(struct dkv *d, int pfd, const char *name, uint32_t id)
{
    char b[16];
    backup_name(b, id);
    if (linkat(pfd, name, d->backups, b, 0) < 0)
        return dkv_errno(errno);
    dkv_step("batch:backed-up");
    return dkv_sync(d->backups);
}

int dkv_backup_move(struct dkv *d, int pfd, const char *name, uint32_t id)
{
    char b[16];
    backup_name(b, id);
    if (renameat(pfd, name, d->backups, b) < 0)
        return dkv_errno(errno);
    dkv_step("batch:moved-away");
    int rc = dkv_sync(d->backups);
    return rc < 0 ? rc : dkv_sync(pfd);
}

/* ---- undo --------------------------------------------------------------- */

struct record {
    int type;
    uint32_t id;
    char *a, *b;
};

/* The journal's whole records; a torn or damaged tail (its change was
 * never made: records are synced first) ends it. */
static int read_journal(int fd, struct record **out, size_t *count)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return dkv_errno(errno);
    size_t n = (size_t)st.st_size;
    unsigned char *buf = malloc(n ? n : 1);
    if (!buf)
        return MG_ENOMEM;
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(fd, buf + got, n - got, (off_t)got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    struct record *v = NULL;
    size_t k = 0, cap = 0, at = 0;
    int rc = 0;
    while (at + J_HEAD + 4 <= got) {
        const unsigned char *p = buf + at;
        size_t la = get32(p + 12) & 0xffff, lb = get32(p + 12) >> 16;
        size_t len = J_HEAD + la + lb + 4;
        if (get32(p) != J_MAGIC || at + len > got || get32(p + len - 4) != crc32(p, len - 4))
            break;
        if (k == cap) {
            cap = cap ? cap * 2 : 16;
            struct record *nv = realloc(v, cap * sizeof *nv);
            if (!nv) {
                rc = MG_ENOMEM;
                break;
            }
            v = nv;
        }
        v[k].type = (int)get32(p + 4);
        v[k].id = get32(p + 8);
        v[k].a = strndup((const char *)p + J_HEAD, la);
        v[k].b = strndup((const char *)p + J_HEAD + la, lb);
        k++;
        if (!v[k - 1].a || !v[k - 1].b) {
            rc = MG_ENOMEM;
            break;
        }
        at += len;
    }
    free(buf);
    *out = v;
    *count = k;
    return rc;
}

static bool backup_exists(int backups, uint32_t id)
{
    char b[16];
    struct stat st;
    backup_name(b, id);
    return fstatat(backups, b, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* Put backup id back at canon. */
static int restore(struct dkv *d, int backups, const char *canon, uint32_t id)
{
    if (!backup_exists(backups, id))
        return 0; /* the change was never made */
    int pfd;
    const char *name;
    int rc = dkv_parent(d, canon, false, &pfd, &name);
    if (rc < 0)
        return rc;
    char b[16];
    backup_name(b, id);
    if (renameat(backups, b, pfd, name) < 0)
        rc = dkv_errno(errno);
    if (rc == 0)
        rc = dkv_sync(pfd);
    close(pfd);
    return rc;
}

static int undo_created(struct dkv *d, const char *canon)
{
    int pfd;
    const char *name;
    int rc = dkv_parent(d, canon, false, &pfd, &name);
    if (rc < 0)
        return rc == MG_ENOENT ? 0 : rc;
    struct stat st;
    if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        /* all a created folder holds, the batch put there */
        if (S_ISDIR(st.st_mode))
            rc = dkv_rm_tree(pfd, name);
        else if (unlinkat(pfd, name, 0) < 0)
            rc = dkv_errno(errno);
        if (rc == 0)
            rc = dkv_sync(pfd);
    }
    close(pfd);
    return rc;
}

static int undo_moved(struct dkv *d, const char *src, const char *dst)
{
    enum mg_kv_kind kind;
    if (dkv_stat(d, src, &kind, NULL) == 0 || dkv_stat(d, dst, &kind, NULL) < 0)
        return 0; /* the move was never made */
    int spfd, dpfd;
    const char *sname, *dname;
    int rc = dkv_parent(d, src, false, &spfd, &sname);
    if (rc < 0)
        return rc;
    rc = dkv_parent(d, dst, false, &dpfd, &dname);
    if (rc < 0) {
        close(spfd);
        return rc;
    }
    if (renameat(dpfd, dname, spfd, sname) < 0)
        rc = dkv_errno(errno);
    if (rc == 0)
        rc = dkv_sync(spfd);
    if (rc == 0)
        rc = dkv_sync(dpfd);
    close(spfd);
    close(dpfd);
    return rc;
}

int dkv_rollback(struct dkv *d)
{
    d->in_batch = false; /* undo steps are not journaled */
    int backups = d->backups;
    if (backups < 0)
        backups = openat(d->root, DKV_BATCH, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (backups < 0)
        return errno == ENOENT ? 0 : dkv_errno(errno);
    int rc = 0;
    int jfd = openat(backups, "journal", O_RDONLY | O_CLOEXEC);
    if (jfd >= 0) {
        struct record *v = NULL;
        size_t n = 0;
        rc = read_journal(jfd, &v, &n);
        close(jfd);
        for (size_t i = n; i-- > 0 && rc == 0;) {
            switch (v[i].type) {
            case J_CREATED:
                rc = undo_created(d, v[i].a);
                break;
            case J_SAVED:
            case J_MOVED_AWAY:
                rc = restore(d, backups, v[i].a, v[i].id);
                break;
            case J_MOVED:
                rc = undo_moved(d, v[i].a, v[i].b);
                break;
            default:
                break;
            }
            dkv_step("rollback:undone");
        }
        for (size_t i = 0; i < n; i++) {
            free(v[i].a);
            free(v[i].b);
        }
        free(v);
        /* Undone: only now may the journal go (a crash before this replays it). */
        if (rc == 0 && unlinkat(backups, "journal", 0) < 0 && errno != ENOENT)
            rc = dkv_errno(errno);
        if (rc == 0)
            rc = dkv_sync(backups);
    } else if (errno != ENOENT) {
        rc = dkv_errno(errno);
    }
    if (backups != d->backups)
        close(backups);
    if (rc == 0)
        rc = dkv_rm_tree(d->root, DKV_BATCH);
    if (rc == 0)
        rc = dkv_sync(d->root);
    if (rc < 0)
        mg_log_err(&kv_direct_log, "%s: undoing a batch failed: %s", d->base.ro.name,
                   mg_strerror(rc));
    return rc;
}

/* ---- the batch ------------------------------------------------------------ */

static int start(struct dkv *d)
{
    struct stat st;
    if (fstatat(d->root, DKV_BATCH, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        int rc = dkv_rollback(d); /* a leftover (another process's crash) */
        if (rc < 0)
            return rc;
    }
    if (mkdirat(d->root, DKV_BATCH, 0700) < 0)
        return dkv_errno(errno);
    int rc = dkv_sync(d->root);
    if (rc < 0)
        return rc;
    d->backups = openat(d->root, DKV_BATCH, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (d->backups < 0)
        return dkv_errno(errno);
    d->journal =
        openat(d->backups, "journal", O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
    if (d->journal < 0)
        return dkv_errno(errno);
    return dkv_sync(d->backups);
}

static void close_batch(struct dkv *d)
{
    if (d->journal >= 0)
        close(d->journal);
    if (d->backups >= 0)
        close(d->backups);
    d->journal = d->backups = -1;
    d->in_batch = false;
    d->owner = NULL;
    mg_wake_all(&d->batch_end);
}

int dkv_batch(struct mg_kv_rw *kv, mg_kv_batch_fn fn, void *arg)
{
    struct dkv *d = (struct dkv *)kv;
    int rc = start(d);
    if (rc < 0) {
        close_batch(d);
        dkv_rollback(d);
        return rc;
    }
    d->in_batch = true;
    d->owner = mg_self();
    d->batch_err = 0;
    d->next_id = 1;
    rc = fn(kv, arg);
    if (rc == 0)
        rc = d->batch_err;
    if (rc != 0) {
        close(d->journal);
        d->journal = -1;
        int u = dkv_rollback(d);
        close_batch(d);
        return rc != 0 ? rc : u;
    }
    /* The commit: the journal goes, then the backups. */
    if (unlinkat(d->backups, "journal", 0) < 0)
        rc = dkv_errno(errno);
    if (rc == 0)
        rc = dkv_sync(d->backups);
    if (rc < 0) {
        close(d->journal);
        d->journal = -1;
        dkv_rollback(d);
        close_batch(d);
        return rc;
    }
    dkv_step("batch:committed");
    close_batch(d);
    /* Committed: backups left by a failure here are only clutter, which
     * the next batch or connect removes. */
    if (dkv_rm_tree(d->root, DKV_BATCH) < 0 || dkv_sync(d->root) < 0)
        mg_log_warn(&kv_direct_log, "%s: cannot delete a batch's backups", d->base.ro.name);
    return 0;
}
