/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c lib/kv/kv_digest.c lib/kv/kv_entries.c lib/kv/kv_get.c lib/kv/kv_key.c lib/kv_mem/kv_mem.c lib/kv_mem/mem_tree.c lib/kv_direct/direct_batch_unix.c lib/kv_direct/direct_fs_unix.c lib/kv_direct/direct_path_unix.c lib/kv_direct/direct_ro_unix.c lib/kv_direct/direct_rw_unix.c */
/* libs: -lbearssl */
/* test_kv_rw.c: KV_RW semantics, the same for kv_rw_mem and direct_kv_rw: set, set_partial,
 * remove, rename, allocate, batches that succeed, fail and roll back, fibers around a batch. */
#include <mirage/clock.h>
#include <mirage/fiber.h>

#include "fiber_check.h"
#include "kv_contract.h"

/* Huge allocations must fail with NULL here, as they do in a unikernel. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "allocator_may_return_null=1";
}

static char dir[64];
static bool on_disk; /* the store under test is direct_kv_rw */

static struct mg_kv_rw *open_store(void)
{
    struct mg_kv_rw *rw;
    if (on_disk) {
        kvt_tmp(dir);
        CHECK(mg_direct_kv_rw_connect(&rw, dir) == 0);
    } else {
        CHECK(mg_kv_mem_connect(&rw, NULL) == 0);
    }
    return rw;
}

static void close_store(struct mg_kv_rw *rw)
{
    CHECK(mg_kv_ro_disconnect(&rw->ro) == 0);
    free(rw);
    if (on_disk) {
        /* nothing of the store's own is left behind */
        CHECK(kvt_sh(kvt_fmt("test -z \"$(find '%s' -name '.mg-kv-*')\"", dir)) == 0);
        kvt_rm(dir);
    }
}

static void put(struct mg_kv_rw *rw, const char *key, const char *text)
{
    CHECK(mg_kv_rw_set(rw, key, text, strlen(text)) == 0);
}

/* key holds exactly text */
static bool holds(struct mg_kv_rw *rw, const char *key, const char *text)
{
    void *v;
    size_t len;
    if (mg_kv_ro_get(&rw->ro, key, &v, &len) != 0)
        return false;
    bool same = len == strlen(text) && memcmp(v, text, len) == 0;
    free(v);
    return same;
}

static int kind_of(struct mg_kv_rw *rw, const char *key)
{
    enum mg_kv_kind k;
    int rc = mg_kv_ro_exists(&rw->ro, key, &k);
    return rc < 0 ? rc : (int)k;
}

static char *dump(struct mg_kv_rw *rw)
{
    return kvt_dump_all(&rw->ro);
}

/* ---- the cases, run on each store ------------------------------------------- */

static void set_semantics(void)
{
    struct mg_kv_rw *rw = open_store();
    put(rw, "/a/b/c", "abc");
    CHECK(kind_of(rw, "/a") == MG_KV_DICTIONARY && kind_of(rw, "/a/b") == MG_KV_DICTIONARY);
    CHECK(holds(rw, "/a/b/c", "abc"));
    put(rw, "/a/b/c", "replaced");
    CHECK(holds(rw, "/a/b/c", "replaced"));
    CHECK(mg_kv_rw_set(rw, "/a/b", "x", 1) == MG_EISDIR);
    CHECK(mg_kv_rw_set(rw, "/", "x", 1) == MG_EISDIR);
    CHECK(mg_kv_rw_set(rw, "/a/b/c/d", "x", 1) == MG_ENOTDIR);
    CHECK(mg_kv_rw_set(rw, "/a/b/c/d/e", "x", 1) == MG_ENOTDIR);
    CHECK(mg_kv_rw_set(rw, "/a/../x", "x", 1) == MG_EINVAL);
    CHECK(kind_of(rw, "/a/b/c") == MG_KV_VALUE);
    CHECK(mg_kv_rw_set(rw, "/empty", "", 0) == 0 && holds(rw, "/empty", ""));
    /* a large value */
    size_t big = 8u << 20;
    unsigned char *b = malloc(big);
    for (size_t i = 0; i < big; i++)
        b[i] = kvt_byte(i, 9);
    CHECK(mg_kv_rw_set(rw, "/big", b, big) == 0);
    void *v;
    size_t len;
    CHECK(mg_kv_ro_get(&rw->ro, "/big", &v, &len) == 0 && len == big && !memcmp(v, b, big));
    free(v);
    free(b);
    /* the time moves forward with a change */
    int64_t t0, t1;
    CHECK(mg_kv_ro_last_modified(&rw->ro, "/a/b/c", &t0) == 0);
    usleep(20000);
    put(rw, "/a/b/c", "again");
    CHECK(mg_kv_ro_last_modified(&rw->ro, "/a/b/c", &t1) == 0 && t1 > t0);
    close_store(rw);
}

static void set_partial_semantics(void)
{
    struct mg_kv_rw *rw = open_store();
    CHECK(mg_kv_rw_set_partial(rw, "/nope", 0, "x", 1) == MG_ENOENT);
    put(rw, "/d/v", "hello");
    CHECK(mg_kv_rw_set_partial(rw, "/d", 0, "x", 1) == MG_EISDIR);
    CHECK(mg_kv_rw_set_partial(rw, "/d/v/w", 0, "x", 1) == MG_ENOTDIR);
    CHECK(mg_kv_rw_set_partial(rw, "/d/v", 1, "EL", 2) == 0 && holds(rw, "/d/v", "hELlo"));
    CHECK(mg_kv_rw_set_partial(rw, "/d/v", 5, "!", 1) == 0 && holds(rw, "/d/v", "hELlo!"));
    CHECK(mg_kv_rw_set_partial(rw, "/d/v", 4, "OWORLD", 6) == 0 && holds(rw, "/d/v", "hELlOWORLD"));
    /* past the end: zeroes in between */
    CHECK(mg_kv_rw_set_partial(rw, "/d/v", 12, "z", 1) == 0);
    void *v;
    size_t len;
    CHECK(mg_kv_ro_get(&rw->ro, "/d/v", &v, &len) == 0 && len == 13);
    CHECK(!memcmp(v, "hELlOWORLD\0\0z", 13));
    free(v);
    /* nothing to write past the end still grows it */
    CHECK(mg_kv_rw_set_partial(rw, "/d/v", 20, "", 0) == 0);
    uint64_t size;
    CHECK(mg_kv_ro_size(&rw->ro, "/d/v", &size) == 0 && size == 20);
    close_store(rw);
}

static void remove_semantics(void)
{
    struct mg_kv_rw *rw = open_store();
    put(rw, "/a/b/c", "1");
    put(rw, "/a/b/d", "2");
    put(rw, "/a/e", "3");
    put(rw, "/f", "4");
    CHECK(mg_kv_rw_remove(rw, "/nope") == MG_ENOENT);
    CHECK(mg_kv_rw_remove(rw, "/f/x") == MG_ENOTDIR);
    CHECK(mg_kv_rw_remove(rw, "/a/b/c") == 0 && kind_of(rw, "/a/b/c") == MG_ENOENT);
    CHECK(holds(rw, "/a/b/d", "2"));
    CHECK(mg_kv_rw_remove(rw, "/a") == 0);
    CHECK(kind_of(rw, "/a") == MG_ENOENT && kind_of(rw, "/a/b/d") == MG_ENOENT);
    CHECK(holds(rw, "/f", "4"));
    CHECK(mg_kv_rw_remove(rw, "/") == 0);
    struct kvt_names l = {0};
    CHECK(mg_kv_ro_list(&rw->ro, "/", kvt_collect, &l) == 0 && l.n == 0);
    CHECK(kind_of(rw, "/") == MG_KV_DICTIONARY);
    CHECK(mg_kv_rw_remove(rw, "/") == 0); /* the root always exists */
    put(rw, "/again", "x");
    CHECK(holds(rw, "/again", "x"));
    close_store(rw);
}

static void rename_semantics(void)
{
    struct mg_kv_rw *rw = open_store();
    put(rw, "/a", "A");
    put(rw, "/b", "B");
    put(rw, "/d/x", "X");
    put(rw, "/d/s/y", "Y");
    CHECK(mg_kv_rw_rename(rw, "/nope", "/z") == MG_ENOENT);
    CHECK(mg_kv_rw_rename(rw, "/a", "/a") == 0 && holds(rw, "/a", "A"));
    /* a value to a new place, its parents made */
    CHECK(mg_kv_rw_rename(rw, "/a", "/n/e/w") == 0);
    CHECK(kind_of(rw, "/a") == MG_ENOENT && holds(rw, "/n/e/w", "A"));
    /* over a value: replaced */
    CHECK(mg_kv_rw_rename(rw, "/n/e/w", "/b") == 0);
    CHECK(holds(rw, "/b", "A") && kind_of(rw, "/n/e/w") == MG_ENOENT);
    /* a dictionary with its contents */
    CHECK(mg_kv_rw_rename(rw, "/d", "/moved/d2") == 0);
    CHECK(kind_of(rw, "/d") == MG_ENOENT && holds(rw, "/moved/d2/x", "X") &&
          holds(rw, "/moved/d2/s/y", "Y"));
    /* into itself, or the root */
    CHECK(mg_kv_rw_rename(rw, "/moved", "/moved/d2/in") == MG_EBUSY);
    CHECK(mg_kv_rw_rename(rw, "/moved", "/moved/x") == MG_EBUSY);
    CHECK(mg_kv_rw_rename(rw, "/", "/r") == MG_EBUSY);
    /* onto a dictionary, or under a value */
    CHECK(mg_kv_rw_rename(rw, "/b", "/moved") == MG_EISDIR);
    CHECK(mg_kv_rw_rename(rw, "/b", "/") == MG_EISDIR);
    CHECK(mg_kv_rw_rename(rw, "/moved/d2/x", "/b/x") == MG_ENOTDIR);
    CHECK(mg_kv_rw_rename(rw, "/b/x", "/c") == MG_ENOTDIR);
    /* a value's name may extend its own ("/b" to "/bb") */
    CHECK(mg_kv_rw_rename(rw, "/b", "/bb") == 0 && holds(rw, "/bb", "A"));
    /* a dictionary over a value: the value is replaced */
    CHECK(mg_kv_rw_rename(rw, "/moved", "/bb") == 0);
    CHECK(kind_of(rw, "/bb") == MG_KV_DICTIONARY && holds(rw, "/bb/d2/s/y", "Y"));
    CHECK(kind_of(rw, "/moved") == MG_ENOENT);
    close_store(rw);
}

static void allocate_semantics(void)
{
    struct mg_kv_rw *rw = open_store();
    int64_t when = 1600000000987654321;
    CHECK(mg_kv_rw_allocate(rw, "/p/q/z", 4096, &when) == 0);
    uint64_t size;
    CHECK(mg_kv_ro_size(&rw->ro, "/p/q/z", &size) == 0 && size == 4096);
    void *v;
    size_t len;
    CHECK(mg_kv_ro_get(&rw->ro, "/p/q/z", &v, &len) == 0 && len == 4096);
    bool zero = true;
    for (size_t i = 0; i < len; i++)
        zero = zero && ((unsigned char *)v)[i] == 0;
    CHECK(zero);
    free(v);
    int64_t t;
    CHECK(mg_kv_ro_last_modified(&rw->ro, "/p/q/z", &t) == 0 && t == when);
    CHECK(mg_kv_rw_allocate(rw, "/p/q/z", 1, NULL) == MG_EEXIST);
    CHECK(mg_kv_rw_allocate(rw, "/p/q", 1, NULL) == MG_EEXIST);
    CHECK(mg_kv_rw_allocate(rw, "/", 1, NULL) == MG_EEXIST);
    CHECK(mg_kv_rw_allocate(rw, "/p/q/z/w", 1, NULL) == MG_ENOTDIR);
    CHECK(mg_kv_rw_allocate(rw, "/zero", 0, NULL) == 0 && holds(rw, "/zero", ""));
    /* more than there is: no space (disk), no memory (memory); nothing made */
    int lack = on_disk ? MG_ENOSPC : MG_ENOMEM;
    CHECK(mg_kv_rw_allocate(rw, "/huge", 1ull << 50, NULL) == lack);
    CHECK(kind_of(rw, "/huge") == MG_ENOENT);
    CHECK(mg_kv_rw_set_partial(rw, "/zero", 1ull << 50, "x", 1) == lack);
    CHECK(holds(rw, "/zero", ""));
    /* and then written in place */
    CHECK(mg_kv_rw_set_partial(rw, "/p/q/z", 4094, "ok", 2) == 0);
    CHECK(mg_kv_ro_size(&rw->ro, "/p/q/z", &size) == 0 && size == 4096);
    close_store(rw);
}

/* ---- batches ----------------------------------------------------------------- */

struct plan {
    int fail_with;   /* what fn returns at its end */
    bool bad_change; /* one change fails (fn ignores it) */
    bool nest;
    int nested_rc;
};

static int changes(struct mg_kv_rw *rw, void *arg)
{
    struct plan *p = arg;
    put(rw, "/keep", "changed"); /* replace */
    CHECK(mg_kv_rw_set_partial(rw, "/part", 2, "XY", 2) == 0);
    put(rw, "/new/deep/value", "created");    /* new, with parents */
    CHECK(mg_kv_rw_remove(rw, "/gone") == 0); /* a dictionary */
    CHECK(mg_kv_rw_remove(rw, "/lone") == 0); /* a value */
    CHECK(mg_kv_rw_rename(rw, "/from", "/to/here") == 0);
    CHECK(mg_kv_rw_rename(rw, "/dir", "/victim") == 0); /* a dictionary over a value */
    CHECK(mg_kv_rw_allocate(rw, "/alloc", 10, NULL) == 0);
    put(rw, "/keep", "changed twice");
    /* the batch sees its own changes */
    CHECK(holds(rw, "/keep", "changed twice") && holds(rw, "/to/here", "F"));
    if (p->bad_change)
        CHECK(mg_kv_rw_remove(rw, "/does/not/exist") == MG_ENOENT);
    if (p->nest)
        p->nested_rc = mg_kv_rw_batch(rw, changes, p);
    return p->fail_with;
}

static void seed(struct mg_kv_rw *rw)
{
    put(rw, "/keep", "original");
    put(rw, "/part", "abcdef");
    put(rw, "/gone/a", "1");
    put(rw, "/gone/b/c", "2");
    put(rw, "/lone", "L");
    put(rw, "/from", "F");
    put(rw, "/dir/x", "DX");
    put(rw, "/victim", "V");
}

static void batch_commits(void)
{
    struct mg_kv_rw *rw = open_store();
    seed(rw);
    struct plan p = {0};
    CHECK(mg_kv_rw_batch(rw, changes, &p) == 0);
    CHECK(holds(rw, "/keep", "changed twice") && holds(rw, "/part", "abXYef"));
    CHECK(holds(rw, "/new/deep/value", "created"));
    CHECK(kind_of(rw, "/gone") == MG_ENOENT && kind_of(rw, "/lone") == MG_ENOENT);
    CHECK(kind_of(rw, "/from") == MG_ENOENT && holds(rw, "/to/here", "F"));
    CHECK(holds(rw, "/victim/x", "DX") && kind_of(rw, "/dir") == MG_ENOENT);
    uint64_t size;
    CHECK(mg_kv_ro_size(&rw->ro, "/alloc", &size) == 0 && size == 10);
    close_store(rw);
}

static void batch_rolls_back(void)
{
    for (int how = 0; how < 3; how++) {
        struct mg_kv_rw *rw = open_store();
        seed(rw);
        char *before = dump(rw);
        struct plan p = {0};
        int want;
        if (how == 0) {
            p.fail_with = -77; /* fn fails */
            want = -77;
        } else if (how == 1) {
            p.bad_change = true; /* a change fails, fn returns 0 anyway */
            want = MG_ENOENT;
        } else {
            p.fail_with = 5; /* any non-zero result */
            want = 5;
        }
        CHECK(mg_kv_rw_batch(rw, changes, &p) == want);
        char *after = dump(rw);
        CHECK_EQ_STR(after, before);
        CHECK(holds(rw, "/keep", "original") && holds(rw, "/gone/b/c", "2"));
        CHECK(kind_of(rw, "/new") == MG_ENOENT && kind_of(rw, "/to") == MG_ENOENT);
        free(before);
        free(after);
        /* usable after */
        put(rw, "/later", "x");
        CHECK(holds(rw, "/later", "x"));
        close_store(rw);
    }
}

static void batches_do_not_nest(void)
{
    struct mg_kv_rw *rw = open_store();
    seed(rw);
    struct plan p = {.nest = true};
    CHECK(mg_kv_rw_batch(rw, changes, &p) == 0);
    CHECK(p.nested_rc == MG_EBUSY);
    CHECK(holds(rw, "/keep", "changed twice"));
    close_store(rw);
}

/* Fibers: while a batch waits, another fiber's write waits for its end;
 * kv_rw_mem's readers meanwhile see the store as it was before the batch. */
struct race {
    struct mg_kv_rw *rw;
    bool in_batch, writer_done, saw_old, write_ordered;
};

static int slow_batch(struct mg_kv_rw *rw, void *arg)
{
    struct race *r = arg;
    put(rw, "/k", "batch");
    r->in_batch = true;
    for (int i = 0; i < 5; i++)
        mg_yield();
    FCHECK(!r->writer_done);
    r->in_batch = false;
    return 0;
}

static int reader_writer(void *arg)
{
    struct race *r = arg;
    while (!r->in_batch)
        mg_yield();
    void *v;
    size_t len;
    FCHECK(mg_kv_ro_get(&r->rw->ro, "/k", &v, &len) == 0);
    r->saw_old = len == 6 && !memcmp(v, "before", 6);
    free(v);
    FCHECK(mg_kv_rw_set(r->rw, "/k", "writer", 6) == 0);
    r->write_ordered = !r->in_batch;
    r->writer_done = true;
    return 0;
}

static int race_main(void *arg)
{
    struct race *r = arg;
    struct mg_fiber *f = mg_spawn(reader_writer, r);
    FCHECK(mg_kv_rw_batch(r->rw, slow_batch, r) == 0);
    FCHECK(mg_join(f, NULL) == 0);
    return 0;
}

static void batch_and_fibers(void)
{
    struct race r = {.rw = open_store()};
    put(r.rw, "/k", "before");
    RUN(race_main, &r);
    CHECK(r.writer_done && r.write_ordered);
    CHECK(holds(r.rw, "/k", "writer"));
    if (!on_disk)
        CHECK(r.saw_old); /* isolated: the batch's change was not visible */
    close_store(r.rw);
}

/* ---- each case on each store ----------------------------------------------------- */

#define BOTH(name)                                                                                 \
    static void mem_##name(void)                                                                   \
    {                                                                                              \
        on_disk = false;                                                                           \
        name();                                                                                    \
    }                                                                                              \
    static void direct_##name(void)                                                                \
    {                                                                                              \
        on_disk = true;                                                                            \
        name();                                                                                    \
    }
BOTH(set_semantics)
BOTH(set_partial_semantics)
BOTH(remove_semantics)
BOTH(rename_semantics)
BOTH(allocate_semantics)
BOTH(batch_commits)
BOTH(batch_rolls_back)
BOTH(batches_do_not_nest)
BOTH(batch_and_fibers)

/* kv_rw_mem takes its times from the clock it was given. */
static int64_t fake_now;
static int64_t fake_now_ns(struct mg_pclock *c)
{
    (void)c;
    return fake_now;
}
static uint64_t fake_period(struct mg_pclock *c)
{
    (void)c;
    return 0;
}
static int fake_tz(struct mg_pclock *c, int *off)
{
    (void)c;
    (void)off;
    return MG_ENOENT;
}
static const struct mg_pclock_ops fake_ops = {fake_now_ns, fake_period, fake_tz};
static struct mg_pclock fake_clock = {&fake_ops};

static void mem_times_from_its_clock(void)
{
    struct mg_kv_rw *rw;
    fake_now = 1000;
    CHECK(mg_kv_mem_connect(&rw, &fake_clock) == 0);
    int64_t t;
    CHECK(mg_kv_ro_last_modified(&rw->ro, "/", &t) == 0 && t == 1000);
    fake_now = 2000;
    put(rw, "/a/b", "x");
    CHECK(mg_kv_ro_last_modified(&rw->ro, "/a/b", &t) == 0 && t == 2000);
    CHECK(mg_kv_ro_last_modified(&rw->ro, "/a", &t) == 0 && t == 2000);
    fake_now = 3000;
    CHECK(mg_kv_rw_set_partial(rw, "/a/b", 0, "y", 1) == 0);
    CHECK(mg_kv_ro_last_modified(&rw->ro, "/a/b", &t) == 0 && t == 3000);
    CHECK(mg_kv_ro_last_modified(&rw->ro, "/a", &t) == 0 && t == 2000); /* entries unchanged */
    fake_now = 4000;
    put(rw, "/a/c", "z");
    CHECK(mg_kv_ro_last_modified(&rw->ro, "/a", &t) == 0 && t == 4000);
    CHECK(mg_kv_ro_disconnect(&rw->ro) == 0);
    free(rw);
}

/* A listing's callback may change the dictionary it lists. */
static int change_while_listing(void *arg, const char *name, enum mg_kv_kind kind)
{
    (void)kind;
    struct mg_kv_rw *rw = arg;
    char k[64];
    snprintf(k, sizeof k, "/l/%s-more", name);
    return mg_kv_rw_set(rw, k, "m", 1) == 0 && mg_kv_rw_remove(rw, "/l/b") != MG_EINVAL ? 0 : 1;
}

static void listing_while_changing(void)
{
    for (int disk = 0; disk < 2; disk++) {
        on_disk = disk;
        struct mg_kv_rw *rw = open_store();
        put(rw, "/l/a", "1");
        put(rw, "/l/b", "2");
        put(rw, "/l/c", "3");
        CHECK(mg_kv_ro_list(&rw->ro, "/l", change_while_listing, rw) == 0);
        CHECK(kind_of(rw, "/l/a-more") == MG_KV_VALUE && kind_of(rw, "/l/c-more") == MG_KV_VALUE);
        CHECK(kind_of(rw, "/l/b") == MG_ENOENT);
        close_store(rw);
    }
}

static const struct check_case cases[] = {
    CASE_ENTRY(mem_set_semantics),         CASE_ENTRY(direct_set_semantics),
    CASE_ENTRY(mem_set_partial_semantics), CASE_ENTRY(direct_set_partial_semantics),
    CASE_ENTRY(mem_remove_semantics),      CASE_ENTRY(direct_remove_semantics),
    CASE_ENTRY(mem_rename_semantics),      CASE_ENTRY(direct_rename_semantics),
    CASE_ENTRY(mem_allocate_semantics),    CASE_ENTRY(direct_allocate_semantics),
    CASE_ENTRY(mem_batch_commits),         CASE_ENTRY(direct_batch_commits),
    CASE_ENTRY(mem_batch_rolls_back),      CASE_ENTRY(direct_batch_rolls_back),
    CASE_ENTRY(mem_batches_do_not_nest),   CASE_ENTRY(direct_batches_do_not_nest),
    CASE_ENTRY(mem_batch_and_fibers),      CASE_ENTRY(direct_batch_and_fibers),
    CASE_ENTRY(mem_times_from_its_clock),  CASE_ENTRY(listing_while_changing),
};
CHECK_MAIN(cases)
