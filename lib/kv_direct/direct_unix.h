/* direct_unix.h: the direct stores' internals: a host folder reached only beneath its descriptor.
 *
 * Every path is a normalized key, opened relative to the folder's
 * descriptor without following any symbolic link (dkv_open). Writes go
 * through a temporary file in the same folder, synced and renamed
 * (direct_rw_unix.c); batches keep an undo journal (direct_batch_unix.c).
 */
#ifndef KV_DIRECT_UNIX_H
#define KV_DIRECT_UNIX_H

#include <stdbool.h>
#include <stdint.h>

#include <mirage/fiber.h>
#include <mirage/kv.h>
#include <mirage/log.h>

#include "../kv/kv_util.h"

extern struct mg_log_src kv_direct_log;

/* Names the store keeps for itself, never listed, refused as keys. */
#define DKV_RESERVED ".mg-kv-"
#define DKV_TMP ".mg-kv-tmp."
#define DKV_BATCH ".mg-kv-batch"

struct dkv {
    struct mg_kv_rw base; /* first: the handle the unikernel sees */
    int root;             /* the folder, O_DIRECTORY */
    bool rw, closed;
    /* a batch in progress */
    bool in_batch;
    struct mg_fiber *owner;
    int batch_err;
    int journal; /* .mg-kv-batch/journal, append-only */
    int backups; /* .mg-kv-batch/ */
    uint32_t next_id;
    struct mg_waitq batch_end;
};

/* Normalize key and refuse reserved segments: the length or MG_EINVAL. */
int dkv_key(const char *key, char canon[KV_KEY_BUF]);
/* Open canon beneath the folder with flags (O_CLOEXEC and no symbolic link
 * added): 0 with *fd, or MG_ENOENT (missing, or a link or special file on
 * the way), MG_ENOTDIR (a file on the way), MG_EIO. */
int dkv_open(struct dkv *d, const char *canon, int flags, int *fd);
/* What canon is: 0 with *kind (and *st if not NULL), or as dkv_open. Only
 * regular files and folders exist; anything else is MG_ENOENT. */
struct stat;
int dkv_stat(struct dkv *d, const char *canon, enum mg_kv_kind *kind, struct stat *st);
/* The same for name in the open folder pfd. */
int dkv_stat_at(int pfd, const char *name, enum mg_kv_kind *kind, struct stat *st);
/* Open the folder holding canon's last segment: 0 with *pfd and *name (a
 * pointer into canon). With create, missing folders are made (journaled in
 * a batch) and synced. MG_ENOTDIR if a file is on the way. canon must not
 * be the root. */
int dkv_parent(struct dkv *d, const char *canon, bool create, int *pfd, const char **name);
/* Map an errno value to MG_E*. */
int dkv_errno(int e);
/* Skip name in listings and cleaning? */
bool dkv_reserved(const char *name);

/* The read-only ops, shared by both stores. */
extern const struct mg_kv_ro_ops dkv_ro_ops;
/* fsync, returning MG_EIO (or MG_ENOSPC) on failure. */
int dkv_sync(int fd);
/* Create a uniquely named temporary file in pfd: 0 with *fd and tmp filled. */
#define DKV_TMP_NAME 48
int dkv_temp(int pfd, char tmp[DKV_TMP_NAME], int *fd);
/* Delete the folder name of pfd and everything below it, without
 * recursion and without following links. */
int dkv_rm_tree(int pfd, const char *name);
/* Remove what a crash left: temporary files anywhere in the folder, and
 * an interrupted batch (rolled back). */
int dkv_recover(struct dkv *d);

/* ---- writes (direct_rw_unix.c) and batches (direct_batch_unix.c) ---- */
extern const struct mg_kv_rw_ops dkv_rw_ops;
/* In a batch of this fiber? */
bool dkv_batching(struct dkv *d);
/* Journal, before doing it, a change the batch makes: the key did not
 * exist (undo: remove it), the key's value is kept as backup *id (undo: put
 * it back; the caller then links it there with dkv_backup_link), the key is
 * moved away to backup *id (undo: move it back), or source was moved to dest
 * (undo: move it back). 0 or MG_E*. */
int dkv_j_created(struct dkv *d, const char *canon);
int dkv_j_saved(struct dkv *d, const char *canon, uint32_t *id);
int dkv_j_moved_away(struct dkv *d, const char *canon, uint32_t *id);
int dkv_j_moved(struct dkv *d, const char *source, const char *dest);
/* Make backup id a hard link to (or move name of pfd to) the batch's folder. */
int dkv_backup_link(struct dkv *d, int pfd, const char *name, uint32_t id);
int dkv_backup_move(struct dkv *d, int pfd, const char *name, uint32_t id);
/* Undo a journal (the batch failed, or a crash interrupted it) and delete
 * the batch's folder. */
int dkv_rollback(struct dkv *d);
int dkv_batch(struct mg_kv_rw *kv, mg_kv_batch_fn fn, void *arg);

/* Tests set it to resolve paths by the openat walk even where openat2
 * exists (the walk is what older kernels get). */
extern bool dkv_no_openat2;

/* ---- crash tests ----
 * Called at each step of a write with the step's name, when not NULL. A
 * test sets it to kill its child process at a chosen step. */
extern void (*dkv_step_hook)(const char *step);
static inline void dkv_step(const char *step)
{
    if (dkv_step_hook)
        dkv_step_hook(step);
}

#endif
