/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c lib/kv/kv_digest.c lib/kv/kv_entries.c lib/kv/kv_get.c lib/kv/kv_key.c lib/crunch/crunch.c lib/kv_mem/kv_mem.c lib/kv_mem/mem_tree.c lib/kv_direct/direct_batch_unix.c lib/kv_direct/direct_fs_unix.c lib/kv_direct/direct_path_unix.c lib/kv_direct/direct_ro_unix.c lib/kv_direct/direct_rw_unix.c */
/* libs: -lbearssl */
/* test_kv_stores.c: crunch, kv_rw_mem, direct_kv_ro and direct_kv_rw against the KV_RO
 * contract on one fixture folder, and the same content giving the same digests everywhere. */
#include <mirage/clock.h>

#include "kv_contract.h"
#include "../../lib/kv_direct/direct_unix.h"

static char dir[64];

/* A PCLOCK that reads what the test sets. */
static int64_t fake_now = 1700000000123456789;
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

static void crunch_contract(void)
{
    kvt_fixture(kvt_tmp(dir), true);
    struct kvt_crunch c;
    kvt_crunch_build(&c, dir);
    struct mg_kv_ro *kv;
    CHECK(mg_crunch_connect(&kv, &c.tree, "crunch_fixture") == 0);
    CHECK_EQ_STR(kv->name, "crunch_fixture");
    kvt_contract(kv, dir, KVT_REF | KVT_HOST_TIME | KVT_EMPTY_DIR);
    /* get_ref is the table's memory itself: no copy */
    const void *ref;
    size_t len;
    CHECK(mg_kv_ro_get_ref(kv, "/big", &ref, &len) == 0);
    bool found = false;
    for (uint32_t i = 0; i < c.tree.n; i++)
        found = found || ref == c.nodes[i].data;
    CHECK(found);
    kvt_disconnected(kv);
    free(kv);
    kvt_crunch_free(&c);
    kvt_rm(dir);
}

static void crunch_refuses_a_malformed_table(void)
{
    struct mg_crunch_node bad[] = {{"", NULL, NULL, 0, 1, 5, MG_KV_DICTIONARY}};
    struct mg_crunch_tree t = {bad, 1, "x"};
    struct mg_kv_ro *kv;
    CHECK(mg_crunch_connect(&kv, &t, "x") == MG_EINVAL);
    struct mg_crunch_node val[] = {{"", NULL, NULL, 0, 0, 0, MG_KV_VALUE}};
    t.nodes = val;
    CHECK(mg_crunch_connect(&kv, &t, "x") == MG_EINVAL);
    CHECK(mg_crunch_connect(&kv, NULL, "x") == MG_EINVAL);
}

static void mem_contract(void)
{
    kvt_fixture(kvt_tmp(dir), false);
    struct mg_kv_rw *rw;
    fake_now = 1700000000123456789;
    CHECK(mg_kv_mem_connect(&rw, &fake_clock) == 0);
    kvt_fill(rw, dir, "");
    kvt_contract(&rw->ro, dir, 0);
    int64_t ns;
    CHECK(mg_kv_ro_last_modified(&rw->ro, "/a.txt", &ns) == 0 && ns == 1700000000123456789);
    kvt_disconnected(&rw->ro);
    CHECK(mg_kv_rw_set(rw, "/x", "y", 1) == MG_ENOTCONN);
    free(rw);
    kvt_rm(dir);
}

static void direct_ro_contract(void)
{
    kvt_fixture(kvt_tmp(dir), true);
    for (int walk = 0; walk < 2; walk++) {
        dkv_no_openat2 = walk;
        struct mg_kv_ro *kv;
        CHECK(mg_direct_kv_ro_connect(&kv, dir) == 0);
        kvt_contract(kv, dir, KVT_HOST_TIME | KVT_EMPTY_DIR);
        kvt_disconnected(kv);
        free(kv);
    }
    dkv_no_openat2 = false;
    struct mg_kv_ro *kv;
    CHECK(mg_direct_kv_ro_connect(&kv, kvt_fmt("%s/nope", dir)) == MG_ENOENT);
    CHECK(mg_direct_kv_ro_connect(&kv, kvt_fmt("%s/a.txt", dir)) == MG_ENOTDIR);
    kvt_rm(dir);
}

static void direct_rw_contract(void)
{
    kvt_fixture(kvt_tmp(dir), true);
    struct mg_kv_rw *rw;
    CHECK(mg_direct_kv_rw_connect(&rw, dir) == 0);
    kvt_contract(&rw->ro, dir, KVT_HOST_TIME | KVT_EMPTY_DIR);
    kvt_disconnected(&rw->ro);
    CHECK(mg_kv_rw_set(rw, "/x", "y", 1) == MG_ENOTCONN);
    free(rw);
    kvt_rm(dir);
}

/* The same content, four stores: the same keys, sizes and digests, down to
 * the root's; and the values' digests are what sha256sum says. */
static void digests_agree_across_stores(void)
{
    kvt_fixture(kvt_tmp(dir), true);
    struct kvt_crunch c;
    kvt_crunch_build(&c, dir);
    struct mg_kv_ro *crunch, *direct;
    struct mg_kv_rw *rw, *mem;
    CHECK(mg_crunch_connect(&crunch, &c.tree, "c") == 0);
    CHECK(mg_direct_kv_ro_connect(&direct, dir) == 0);
    CHECK(mg_direct_kv_rw_connect(&rw, dir) == 0);
    CHECK(mg_kv_mem_connect(&mem, NULL) == 0);
    kvt_fill(mem, dir, "/");
    char *dc = kvt_dump_all(crunch), *dd = kvt_dump_all(direct), *dr = kvt_dump_all(&rw->ro);
    CHECK_EQ_STR(dc, dd);
    CHECK_EQ_STR(dc, dr);
    CHECK(strstr(dc,
                 "v /a.txt 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\n"));
    /* a memory store cannot hold an empty folder: without it, the same again */
    CHECK(mg_kv_rw_remove(rw, "/emptydir") == 0);
    char *dm = kvt_dump_all(&mem->ro);
    free(dr);
    dr = kvt_dump_all(&rw->ro);
    CHECK_EQ_STR(dm, dr);
    CHECK(strcmp(dc, dr) != 0); /* the root's digest saw the folder go */
    /* and sha256sum agrees on a value */
    FILE *p = popen(kvt_fmt("sha256sum '%s/dir/b.bin'", dir), "r");
    char line[200] = "";
    CHECK(p && fgets(line, sizeof line, p));
    pclose(p);
    line[64] = '\0';
    CHECK(strstr(dc, kvt_fmt("v /dir/b.bin 3000 %s\n", line)));
    free(dc);
    free(dd);
    free(dr);
    free(dm);
    struct mg_kv_ro *all[] = {crunch, direct, &rw->ro, &mem->ro};
    for (int i = 0; i < 4; i++) {
        CHECK(mg_kv_ro_disconnect(all[i]) == 0);
        free(all[i]);
    }
    kvt_crunch_free(&c);
    kvt_rm(dir);
}

static void keys_are_normalized_alike(void)
{
    struct mg_kv_rw *mem;
    CHECK(mg_kv_mem_connect(&mem, NULL) == 0);
    CHECK(mg_kv_rw_set(mem, "a//b/", "x", 1) == 0);
    enum mg_kv_kind kind;
    CHECK(mg_kv_ro_exists(&mem->ro, "/a/b", &kind) == 0 && kind == MG_KV_VALUE);
    CHECK(mg_kv_ro_exists(&mem->ro, "a", &kind) == 0 && kind == MG_KV_DICTIONARY);
    CHECK(mg_kv_rw_set(mem, "/a/../b", "x", 1) == MG_EINVAL);
    CHECK(mg_kv_rw_set(mem, NULL, "x", 1) == MG_EINVAL);
    CHECK(mg_kv_ro_exists(&mem->ro, NULL, &kind) == MG_EINVAL);
    CHECK(mg_kv_ro_disconnect(&mem->ro) == 0);
    free(mem);
}

static const struct check_case cases[] = {
    CASE_ENTRY(crunch_contract),
    CASE_ENTRY(crunch_refuses_a_malformed_table),
    CASE_ENTRY(mem_contract),
    CASE_ENTRY(direct_ro_contract),
    CASE_ENTRY(direct_rw_contract),
    CASE_ENTRY(digests_agree_across_stores),
    CASE_ENTRY(keys_are_normalized_alike),
};
CHECK_MAIN(cases)
