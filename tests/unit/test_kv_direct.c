/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c lib/kv/kv_digest.c lib/kv/kv_entries.c lib/kv/kv_get.c lib/kv/kv_key.c lib/kv_direct/direct_batch_unix.c lib/kv_direct/direct_fs_unix.c lib/kv_direct/direct_path_unix.c lib/kv_direct/direct_ro_unix.c lib/kv_direct/direct_rw_unix.c */
/* libs: -lbearssl */
/* test_kv_direct.c: the direct stores stay in their folder (.., links in and out, absolute
 * links), ignore special files, keep their own names, clean up after crashes, and say
 * MG_ENOSPC when the disk is full. */
#define _GNU_SOURCE 1
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include "kv_contract.h"
#include "../../lib/kv_direct/direct_unix.h"

static char top[64];
static const char *store, *outside;

/* top/store: the store; top/outside: what must never be reached. */
static void layout(void)
{
    kvt_tmp(top);
    store = strdup(kvt_fmt("%s/store", top));
    outside = strdup(kvt_fmt("%s/outside", top));
    CHECK(mkdir(store, 0755) == 0 && mkdir(outside, 0755) == 0);
    kvt_write(kvt_fmt("%s/secret", outside), "SECRET", 6);
    kvt_write(kvt_fmt("%s/a.txt", store), "inside", 6);
    CHECK(mkdir(kvt_fmt("%s/sub", store), 0755) == 0);
    kvt_write(kvt_fmt("%s/sub/s", store), "s", 1);
    CHECK(symlink(outside, kvt_fmt("%s/abs", store)) == 0);      /* absolute, out */
    CHECK(symlink("../outside", kvt_fmt("%s/rel", store)) == 0); /* relative, out */
    CHECK(symlink("../outside/secret", kvt_fmt("%s/relfile", store)) == 0);
    CHECK(symlink("/etc/passwd", kvt_fmt("%s/passwd", store)) == 0);
    CHECK(symlink("a.txt", kvt_fmt("%s/in", store)) == 0);    /* inside */
    CHECK(symlink("sub", kvt_fmt("%s/dirlink", store)) == 0); /* inside, a folder */
    CHECK(symlink("nowhere", kvt_fmt("%s/dangling", store)) == 0);
    CHECK(mkfifo(kvt_fmt("%s/fifo", store), 0644) == 0);
}

static void teardown(void)
{
    kvt_rm(top);
    free((void *)store);
    free((void *)outside);
}

static bool outside_untouched(void)
{
    return kvt_sh(kvt_fmt("test \"$(ls -A '%s')\" = secret && test \"$(cat '%s/secret')\" = SECRET",
                          outside, outside)) == 0;
}

static void reads_stay_inside(void)
{
    layout();
    for (int walk = 0; walk < 2; walk++) {
        dkv_no_openat2 = walk;
        struct mg_kv_ro *kv;
        CHECK(mg_direct_kv_ro_connect(&kv, store) == 0);
        enum mg_kv_kind kind;
        char buf[16];
        const char *gone[] = {"/abs",       "/abs/secret", "/rel",  "/rel/secret",
                              "/relfile",   "/passwd",     "/in",   "/dirlink",
                              "/dirlink/s", "/dangling",   "/fifo", NULL};
        for (int i = 0; gone[i]; i++) {
            CHECK(mg_kv_ro_exists(kv, gone[i], &kind) == MG_ENOENT);
            CHECK(mg_kv_ro_get_partial(kv, gone[i], 0, buf, sizeof buf) == MG_ENOENT);
            int rc = mg_kv_ro_list(kv, gone[i], kvt_collect, NULL);
            CHECK(rc == MG_ENOENT);
        }
        const char *bad[] = {"/..", "/../outside/secret", "/sub/../../outside/secret", "../outside",
                             NULL};
        for (int i = 0; bad[i]; i++)
            CHECK(mg_kv_ro_get_partial(kv, bad[i], 0, buf, sizeof buf) == MG_EINVAL);
        /* what is listed: the file and the folder, nothing else */
        struct kvt_names l = {0};
        CHECK(mg_kv_ro_list(kv, "/", kvt_collect, &l) == 0);
        CHECK(l.n == 2 && !strcmp(l.v[0], "a.txt") && !strcmp(l.v[1], "sub"));
        kvt_names_free(&l);
        CHECK(mg_kv_ro_get_partial(kv, "/sub/s", 0, buf, sizeof buf) == 1);
        CHECK(mg_kv_ro_disconnect(kv) == 0);
        free(kv);
    }
    dkv_no_openat2 = false;
    CHECK(outside_untouched());
    teardown();
}

static void writes_stay_inside(void)
{
    layout();
    for (int walk = 0; walk < 2; walk++) {
        dkv_no_openat2 = walk;
        struct mg_kv_rw *rw;
        CHECK(mg_direct_kv_rw_connect(&rw, store) == 0);
        CHECK(mg_kv_rw_set(rw, "/abs/x", "x", 1) == MG_ENOENT);
        CHECK(mg_kv_rw_set(rw, "/rel/new/deep", "x", 1) == MG_ENOENT);
        CHECK(mg_kv_rw_set_partial(rw, "/relfile", 0, "x", 1) == MG_ENOENT);
        CHECK(mg_kv_rw_set_partial(rw, "/passwd", 0, "x", 1) == MG_ENOENT);
        CHECK(mg_kv_rw_allocate(rw, "/abs/y", 10, NULL) == MG_ENOENT);
        CHECK(mg_kv_rw_remove(rw, "/abs") == MG_ENOENT);
        CHECK(mg_kv_rw_remove(rw, "/rel/secret") == MG_ENOENT);
        CHECK(mg_kv_rw_rename(rw, "/a.txt", "/abs/stolen") == MG_ENOENT);
        CHECK(mg_kv_rw_rename(rw, "/rel/secret", "/got") == MG_ENOENT);
        CHECK(mg_kv_rw_rename(rw, "/a.txt", "/dirlink/x") == MG_ENOENT);
        CHECK(mg_kv_rw_set(rw, "/../outside/secret", "x", 1) == MG_EINVAL);
        CHECK(mg_kv_rw_rename(rw, "/a.txt", "/../outside/secret") == MG_EINVAL);
        CHECK(mg_kv_rw_set(rw, "/fifo", "x", 1) == 0); /* replaces the FIFO: a new value */
        CHECK(mg_kv_rw_remove(rw, "/") == 0);          /* empties the store, leaves links */
        CHECK(mg_kv_ro_disconnect(&rw->ro) == 0);
        free(rw);
        CHECK(kvt_sh(kvt_fmt("test -L '%s/abs' && test -L '%s/in' && ! test -e '%s/sub'", store,
                             store, store)) == 0);
        kvt_write(kvt_fmt("%s/a.txt", store), "inside", 6);
        CHECK(mkdir(kvt_fmt("%s/sub", store), 0755) == 0);
        CHECK(outside_untouched());
        CHECK(kvt_sh("test \"$(head -c 5 /etc/passwd)\" = 'root:'") == 0);
    }
    dkv_no_openat2 = false;
    teardown();
}

static void reserved_names(void)
{
    layout();
    struct mg_kv_rw *rw;
    CHECK(mg_direct_kv_rw_connect(&rw, store) == 0);
    CHECK(mg_kv_rw_set(rw, "/.mg-kv-x", "x", 1) == MG_EINVAL);
    CHECK(mg_kv_rw_set(rw, "/sub/.mg-kv-tmp.1", "x", 1) == MG_EINVAL);
    CHECK(mg_kv_rw_set(rw, "/.mg-kv-batch/journal", "x", 1) == MG_EINVAL);
    enum mg_kv_kind kind;
    CHECK(mg_kv_ro_exists(&rw->ro, "/.mg-kv-batch", &kind) == MG_EINVAL);
    /* but names that merely look alike are fine */
    CHECK(mg_kv_rw_set(rw, "/.mg-kv", "x", 1) == 0);
    CHECK(mg_kv_rw_set(rw, "/x.mg-kv-y", "x", 1) == 0);
    CHECK(mg_kv_ro_disconnect(&rw->ro) == 0);
    free(rw);
    teardown();
}

static void leftovers_are_cleaned(void)
{
    layout();
    /* what a crash leaves: temporaries anywhere, a folder being removed,
     * a batch that had committed (no journal) */
    kvt_write(kvt_fmt("%s/.mg-kv-tmp.1.2.3", store), "half", 4);
    kvt_write(kvt_fmt("%s/sub/.mg-kv-tmp.9", store), "half", 4);
    CHECK(mkdir(kvt_fmt("%s/sub/.mg-kv-tmp.4.d1", store), 0755) == 0);
    CHECK(mkdir(kvt_fmt("%s/sub/.mg-kv-tmp.4.d1/deeper", store), 0755) == 0);
    kvt_write(kvt_fmt("%s/sub/.mg-kv-tmp.4.d1/deeper/f", store), "f", 1);
    CHECK(mkdir(kvt_fmt("%s/.mg-kv-batch", store), 0700) == 0);
    kvt_write(kvt_fmt("%s/.mg-kv-batch/b1", store), "old", 3);
    struct mg_kv_ro *ro;
    CHECK(mg_direct_kv_ro_connect(&ro, store) == 0);
    struct kvt_names l = {0};
    CHECK(mg_kv_ro_list(ro, "/sub", kvt_collect, &l) == 0 && l.n == 1); /* hidden */
    kvt_names_free(&l);
    CHECK(mg_kv_ro_disconnect(ro) == 0);
    free(ro);
    /* a read-only store leaves them; a read-write one cleans up */
    CHECK(kvt_sh(kvt_fmt("test -e '%s/sub/.mg-kv-tmp.9'", store)) == 0);
    struct mg_kv_rw *rw;
    CHECK(mg_direct_kv_rw_connect(&rw, store) == 0);
    CHECK(kvt_sh(kvt_fmt("test -z \"$(find '%s' -name '.mg-kv-*')\"", store)) == 0);
    CHECK(mg_kv_ro_disconnect(&rw->ro) == 0);
    free(rw);
    CHECK(kvt_sh(kvt_fmt("test \"$(cat '%s/sub/s')\" = s", store)) == 0);
    teardown();
}

static void relative_folders(void)
{
    layout();
    char cwd[4096];
    CHECK(getcwd(cwd, sizeof cwd));
    CHECK(chdir(top) == 0);
    struct mg_kv_ro *kv;
    int rc = mg_direct_kv_ro_connect(&kv, "store");
    CHECK(chdir(cwd) == 0);
    CHECK(rc == 0);
    /* the folder is held open: the unikernel's folder may change after */
    char buf[8];
    CHECK(mg_kv_ro_get_partial(kv, "/a.txt", 0, buf, sizeof buf) == 6 && !memcmp(buf, "inside", 6));
    CHECK(mg_kv_ro_disconnect(kv) == 0);
    free(kv);
    CHECK(mg_direct_kv_ro_connect(&kv, "") == MG_EINVAL);
    teardown();
}

/* In a child with its own mount namespace: a 256 KiB tmpfs as the store. */
static int full_disk_child(const char *dir)
{
    if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
        mount("tmpfs", dir, "tmpfs", 0, "size=256k") < 0)
        return 77;
    struct mg_kv_rw *rw;
    if (mg_direct_kv_rw_connect(&rw, dir) != 0)
        return 1;
    if (mg_kv_rw_set(rw, "/v", "old", 3) != 0)
        return 2;
    size_t big = 1u << 20;
    char *b = calloc(1, big);
    if (mg_kv_rw_set(rw, "/v", b, big) != MG_ENOSPC)
        return 3;
    void *v;
    size_t len;
    if (mg_kv_ro_get(&rw->ro, "/v", &v, &len) != 0 || len != 3 || memcmp(v, "old", 3))
        return 4; /* the old value stayed */
    free(v);
    if (mg_kv_rw_allocate(rw, "/w", big, NULL) != MG_ENOSPC)
        return 5;
    enum mg_kv_kind kind;
    if (mg_kv_ro_exists(&rw->ro, "/w", &kind) != MG_ENOENT)
        return 6;
    if (kvt_sh(kvt_fmt("test -z \"$(find '%s' -name '.mg-kv-*')\"", dir)) != 0)
        return 7; /* no temporary left */
    free(b);
    mg_kv_ro_disconnect(&rw->ro);
    free(rw);
    return 0;
}

static bool full_disk_skipped;
static void enospc_on_a_full_disk(void)
{
    char d[64];
    kvt_tmp(d);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(full_disk_child(d));
    int st;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st));
    kvt_rm(d);
    full_disk_skipped = WEXITSTATUS(st) == 77;
    CHECK(WEXITSTATUS(st) == 0 || full_disk_skipped);
}

static const struct check_case cases[] = {
    CASE_ENTRY(reads_stay_inside),     CASE_ENTRY(writes_stay_inside), CASE_ENTRY(reserved_names),
    CASE_ENTRY(leftovers_are_cleaned), CASE_ENTRY(relative_folders),
};

int main(void)
{
    int rc = check_run(cases, sizeof cases / sizeof cases[0]);
    /* The full disk needs a mount namespace (root); without one it is skipped, not passed. */
    static const struct check_case disk[] = {CASE_ENTRY(enospc_on_a_full_disk)};
    if (setjmp(check_jmp) == 0) {
        disk[0].fn();
        if (full_disk_skipped)
            printf("skip - enospc_on_a_full_disk: cannot mount a tmpfs here (needs root)\n");
        else
            printf("ok - enospc_on_a_full_disk\n");
    } else {
        printf("not ok - enospc_on_a_full_disk: %s\n", check_msg);
        rc = 1;
    }
    return rc;
}
