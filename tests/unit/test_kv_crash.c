/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c lib/kv/kv_digest.c lib/kv/kv_entries.c lib/kv/kv_get.c lib/kv/kv_key.c lib/kv_direct/direct_batch_unix.c lib/kv_direct/direct_fs_unix.c lib/kv_direct/direct_path_unix.c lib/kv_direct/direct_ro_unix.c lib/kv_direct/direct_rw_unix.c */
/* libs: -lbearssl */
/* test_kv_crash.c: direct_kv_rw killed (SIGKILL) at every step of a write, a removal, a
 * rename, an allocation and a batch, then reconnected: the store holds the state from
 * before or the state after, never a mix, never nothing, and no leftover. A batch's undo is
 * itself killed at every step and replayed. */
#include <signal.h>
#include <sys/wait.h>

#include "kv_contract.h"
#include "../../lib/kv_direct/direct_unix.h"

/* ---- the child's hook: die at the Nth step ------------------------------------- */

static int kill_at, steps_seen;
static char step_file[96];

static void die_at_step(const char *step)
{
    if (++steps_seen != kill_at)
        return;
    FILE *f = fopen(step_file, "w"); /* tell the parent where it died */
    if (f) {
        fputs(step, f);
        fclose(f);
    }
    raise(SIGKILL);
}

/* ---- scenarios ------------------------------------------------------------------ */

#define OLD_LEN 70000
#define NEW_LEN 130001

static void pattern_into(struct mg_kv_rw *rw, const char *key, size_t len, unsigned seed)
{
    unsigned char *b = malloc(len);
    for (size_t i = 0; i < len; i++)
        b[i] = kvt_byte(i, seed);
    CHECK(mg_kv_rw_set(rw, key, b, len) == 0);
    free(b);
}

static void base(struct mg_kv_rw *rw)
{
    pattern_into(rw, "/k", OLD_LEN, 1);
    pattern_into(rw, "/other", 1000, 2);
    CHECK(mg_kv_rw_set(rw, "/d/a", "A", 1) == 0);
    CHECK(mg_kv_rw_set(rw, "/d/e/b", "B", 1) == 0);
    CHECK(mg_kv_rw_set(rw, "/d/e/c", "C", 1) == 0);
    CHECK(mg_kv_rw_set(rw, "/v", "value", 5) == 0);
    CHECK(mg_kv_rw_set(rw, "/part", "0123456789", 10) == 0);
}

/* Each returns 0 when the change was made (the child then exits 0). */
static int op_set_replace(struct mg_kv_rw *rw)
{
    unsigned char *b = malloc(NEW_LEN);
    for (size_t i = 0; i < NEW_LEN; i++)
        b[i] = kvt_byte(i, 9);
    int rc = mg_kv_rw_set(rw, "/k", b, NEW_LEN);
    free(b);
    return rc;
}
static int op_set_new(struct mg_kv_rw *rw)
{
    return mg_kv_rw_set(rw, "/d/e/new", "fresh", 5);
}
static int op_set_partial(struct mg_kv_rw *rw)
{
    char patch[20000];
    memset(patch, 'P', sizeof patch);
    return mg_kv_rw_set_partial(rw, "/k", OLD_LEN - 1000, patch, sizeof patch);
}
static int op_remove_value(struct mg_kv_rw *rw)
{
    return mg_kv_rw_remove(rw, "/k");
}
static int op_remove_folder(struct mg_kv_rw *rw)
{
    return mg_kv_rw_remove(rw, "/d");
}
static int op_rename_value(struct mg_kv_rw *rw)
{
    return mg_kv_rw_rename(rw, "/v", "/k");
}
static int op_rename_folder(struct mg_kv_rw *rw)
{
    return mg_kv_rw_rename(rw, "/d", "/moved");
}
static int op_allocate(struct mg_kv_rw *rw)
{
    return mg_kv_rw_allocate(rw, "/alloc", 5000, NULL);
}
static int batch_fn(struct mg_kv_rw *rw, void *arg)
{
    (void)arg;
    int rc = 0;
    char patch[3] = "xyz";
    if (rc == 0)
        rc = op_set_replace(rw);
    if (rc == 0)
        rc = mg_kv_rw_set(rw, "/brand/new/key", "n", 1);
    if (rc == 0)
        rc = mg_kv_rw_set_partial(rw, "/part", 8, patch, 3);
    if (rc == 0)
        rc = mg_kv_rw_remove(rw, "/other");
    if (rc == 0)
        rc = mg_kv_rw_remove(rw, "/d/e");
    if (rc == 0)
        rc = mg_kv_rw_rename(rw, "/d", "/v"); /* a folder over a value */
    if (rc == 0)
        rc = mg_kv_rw_allocate(rw, "/alloc", 100, NULL);
    return rc;
}
static int op_batch(struct mg_kv_rw *rw)
{
    return mg_kv_rw_batch(rw, batch_fn, NULL);
}
/* A batch that fails at its end: interrupted anywhere, or not, it leaves
 * the store as it was. */
static int failing_fn(struct mg_kv_rw *rw, void *arg)
{
    int rc = batch_fn(rw, arg);
    return rc == 0 ? -99 : rc;
}
static int op_failed_batch(struct mg_kv_rw *rw)
{
    return mg_kv_rw_batch(rw, failing_fn, NULL) == -99 ? 0 : 1;
}

struct scenario {
    const char *name;
    int (*op)(struct mg_kv_rw *rw);
    const char *const *must_see; /* steps the loop must have killed at */
};

/* ---- the loop ---------------------------------------------------------------------- */

static char top[64];

static char *state_after(const char *dir, int (*op)(struct mg_kv_rw *rw))
{
    CHECK(kvt_sh(kvt_fmt("rm -rf '%s' && mkdir '%s'", dir, dir)) == 0);
    struct mg_kv_rw *rw;
    CHECK(mg_direct_kv_rw_connect(&rw, dir) == 0);
    base(rw);
    if (op)
        CHECK(op(rw) == 0);
    char *d = kvt_dump_all(&rw->ro);
    CHECK(mg_kv_ro_disconnect(&rw->ro) == 0);
    free(rw);
    return d;
}

/* In a child: connect (recovering), do op (NULL: nothing), dying at step n. */
static int run_child(const char *dir, int (*op)(struct mg_kv_rw *rw), int n)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        kill_at = n;
        steps_seen = 0;
        dkv_step_hook = die_at_step;
        struct mg_kv_rw *rw;
        if (mg_direct_kv_rw_connect(&rw, dir) != 0)
            _exit(3);
        _exit(op && op(rw) != 0 ? 4 : 0);
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
    if (WIFSIGNALED(st)) {
        CHECK(WTERMSIG(st) == SIGKILL);
        return 1; /* killed */
    }
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    return 0;
}

static char *state_now(const char *dir)
{
    struct mg_kv_rw *rw;
    CHECK(mg_direct_kv_rw_connect(&rw, dir) == 0);
    char *d = kvt_dump_all(&rw->ro);
    CHECK(mg_kv_ro_disconnect(&rw->ro) == 0);
    free(rw);
    /* the reconnect removed every leftover of the store's own */
    CHECK(kvt_sh(kvt_fmt("test -z \"$(find '%s' -name '.mg-kv-*')\"", dir)) == 0);
    return d;
}

static void crash_everywhere(const struct scenario *s, bool undo_too)
{
    kvt_tmp(top);
    snprintf(step_file, sizeof step_file, "%s/step", top);
    const char *dir = kvt_fmt("%s/store", top);
    char *dirc = strdup(dir);
    char *before = state_after(dirc, NULL), *after = state_after(dirc, s->op);
    CHECK(strcmp(before, after) != 0);
    char seen[2048] = "";
    int n;
    for (n = 1; n < 500; n++) {
        free(state_after(dirc, NULL));
        unlink(step_file);
        if (!run_child(dirc, s->op, n))
            break; /* it got through: every step has been tried */
        char step[64] = "?";
        FILE *f = fopen(step_file, "r");
        if (f) {
            if (!fgets(step, sizeof step, f))
                strcpy(step, "?");
            fclose(f);
        }
        if (!strstr(seen, step))
            snprintf(seen + strlen(seen), sizeof seen - strlen(seen), "%s ", step);
        /* the recovery itself killed at each of its steps, then finished */
        for (int m = 1; undo_too && m < 200; m++)
            if (!run_child(dirc, NULL, m))
                break;
        char *now = state_now(dirc);
        if (strcmp(now, before) != 0 && strcmp(now, after) != 0) {
            snprintf(check_msg, sizeof check_msg, "%s killed at step %d (%s): neither old nor new",
                     s->name, n, step);
            longjmp(check_jmp, 1);
        }
        free(now);
    }
    CHECK(n > 1 && n < 500);
    for (int i = 0; s->must_see[i]; i++)
        if (!strstr(seen, s->must_see[i])) {
            snprintf(check_msg, sizeof check_msg, "%s: never killed at %s (saw: %.300s)", s->name,
                     s->must_see[i], seen);
            longjmp(check_jmp, 1);
        }
    free(before);
    free(after);
    free(dirc);
    kvt_rm(top);
}

#define STEPS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void set_replacing(void)
{
    struct scenario s = {"set", op_set_replace,
                         STEPS("set:written", "set:synced", "set:renamed", "set:dir-synced")};
    crash_everywhere(&s, false);
}
static void set_new_key(void)
{
    struct scenario s = {"set new", op_set_new, STEPS("set:written", "set:renamed")};
    crash_everywhere(&s, false);
}
static void set_partial_growing(void)
{
    struct scenario s = {"set_partial", op_set_partial,
                         STEPS("partial:copied", "partial:patched", "partial:synced",
                               "partial:renamed", "partial:dir-synced")};
    crash_everywhere(&s, false);
}
static void remove_value(void)
{
    struct scenario s = {"remove value", op_remove_value, STEPS("remove:unlinked")};
    crash_everywhere(&s, false);
}
static void remove_folder(void)
{
    struct scenario s = {"remove folder", op_remove_folder,
                         STEPS("remove:renamed", "remove:dir-synced")};
    crash_everywhere(&s, false);
}
static void rename_value_over_value(void)
{
    struct scenario s = {"rename value", op_rename_value, STEPS("rename:renamed")};
    crash_everywhere(&s, false);
}
static void rename_folder(void)
{
    struct scenario s = {"rename folder", op_rename_folder, STEPS("rename:renamed")};
    crash_everywhere(&s, false);
}
static void allocate_value(void)
{
    struct scenario s = {"allocate", op_allocate, STEPS("allocate:sized", "allocate:renamed")};
    crash_everywhere(&s, false);
}
static void batch_all_or_nothing(void)
{
    struct scenario s = {"batch", op_batch,
                         STEPS("batch:journaled", "batch:backed-up", "batch:moved-away",
                               "set:renamed", "partial:renamed", "rename:renamed",
                               "allocate:renamed", "batch:committed")};
    crash_everywhere(&s, true);
}
static void failed_batch_interrupted(void)
{
    struct scenario s = {"failed batch", op_failed_batch,
                         STEPS("batch:journaled", "rename:renamed", "rollback:undone")};
    /* its "after" is its "before": any crash must leave that */
    kvt_tmp(top);
    snprintf(step_file, sizeof step_file, "%s/step", top);
    char *dirc = strdup(kvt_fmt("%s/store", top));
    char *before = state_after(dirc, NULL);
    char seen[2048] = "";
    int n;
    for (n = 1; n < 500; n++) {
        free(state_after(dirc, NULL));
        unlink(step_file);
        if (!run_child(dirc, s.op, n))
            break;
        char step[64] = "?";
        FILE *f = fopen(step_file, "r");
        if (f) {
            if (!fgets(step, sizeof step, f))
                strcpy(step, "?");
            fclose(f);
        }
        if (!strstr(seen, step))
            snprintf(seen + strlen(seen), sizeof seen - strlen(seen), "%s ", step);
        char *now = state_now(dirc);
        CHECK_EQ_STR(now, before);
        free(now);
    }
    char *now = state_now(dirc);
    CHECK_EQ_STR(now, before);
    free(now);
    for (int i = 0; s.must_see[i]; i++)
        CHECK(strstr(seen, s.must_see[i]));
    free(before);
    free(dirc);
    kvt_rm(top);
}

static const struct check_case cases[] = {
    CASE_ENTRY(set_replacing),        CASE_ENTRY(set_new_key),
    CASE_ENTRY(set_partial_growing),  CASE_ENTRY(remove_value),
    CASE_ENTRY(remove_folder),        CASE_ENTRY(rename_value_over_value),
    CASE_ENTRY(rename_folder),        CASE_ENTRY(allocate_value),
    CASE_ENTRY(batch_all_or_nothing), CASE_ENTRY(failed_batch_interrupted),
};
CHECK_MAIN(cases)
