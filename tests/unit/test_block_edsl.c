/* sources: edsl/[!m]*.c edsl/devices/[a-z]*.c */
/* test_block_edsl.c: BLOCK constructors: sharing, connect code, keys, choices, refusals. */
#include "test_edsl.h"

static void run_with_block(struct impl *b)
{
    register_unikernel("b", JOBS(apply(foreign("start", fn(BLOCK, JOB)), b)));
}

static size_t count_blocks(void)
{
    size_t n = 0;
    for (size_t i = 0; i < ed.nselected; i++)
        n += ed.selected[i]->type == BLOCK;
    return n;
}

static struct key *rkey(const char *name)
{
    for (size_t i = 0; i < ed.nrkeys; i++)
        if (strcmp(ed.rkeys[i]->name, name) == 0)
            return ed.rkeys[i];
    return NULL;
}

static void file_shared_and_connected(void)
{
    SETUP("-t", "unix");
    struct impl *a = block_of_file("disk"), *b = block_of_file("disk");
    register_unikernel("b", JOBS(apply(foreign("start", fn(BLOCK, BLOCK, JOB)), a, b)));
    CHECK(edsl_finish() == 0);
    CHECK(count_blocks() == 1); /* two block_of_file("disk") are one device */
    struct dnode *d = ed_selected("block_of_file_disk");
    CHECK(d != NULL);
    CHECK_EQ_STR(impl_data(d->head), "disk"); /* the block name, for the manifest */
    CHECK(ed_has_lib("block"));
    const char *m = gen(ed_gen_main);
    CHECK(strstr(m, "#include <mirage/block.h>"));
    CHECK(strstr(m, ed_fmt("mg_block_of_file_connect(&%s, \"disk\")", d->var)));
    CHECK(strstr(m, ed_fmt("start(%s, %s)", d->var, d->var)));
    const char *h = gen(ed_gen_header);
    CHECK(strstr(h, "int start(struct mg_block *, struct mg_block *);"));
}

static void file_distinct_names(void)
{
    SETUP("-t", "unix");
    register_unikernel("b", JOBS(apply(foreign("start", fn(BLOCK, BLOCK, JOB)),
                                       block_of_file("a.img"), block_of_file("b.img"))));
    CHECK(edsl_finish() == 0);
    CHECK(count_blocks() == 2);
    CHECK(ed_selected("block_of_file_a.img") && ed_selected("block_of_file_b.img"));
}

/* A name is any string: the generated C quotes it. */
static void file_name_quoted(void)
{
    SETUP("-t", "unix");
    run_with_block(block_of_file("we\"ird\\name\n"));
    CHECK(edsl_finish() == 0);
    const char *m = gen(ed_gen_main);
    CHECK(strstr(m, "\"we\\\"ird\\\\name\\n\")"));
}

static void file_type_checked(void)
{
    SETUP("-t", "unix");
    int line = __LINE__ + 1;
    register_unikernel("b", JOBS(apply(foreign("start", fn(CONSOLE, JOB)), block_of_file("d"))));
    CHECK(edsl_finish() != 0);
    CHECK(has_error("CONSOLE") && has_error("BLOCK"));
    CHECK(strstr(ed_error_text(0), ed_fmt("%s:%d:", __FILE__, line)));
}

static void empty_names(void)
{
    SETUP("-t", "unix");
    int line = __LINE__ + 1;
    struct impl *f = block_of_file(""), *r = ramdisk(""), *x = block_of_xenstore_id("");
    struct impl *g = generic_block("");
    (void)r;
    (void)x;
    (void)g;
    run_with_block(f);
    CHECK(edsl_finish() != 0);
    CHECK_ERROR(0, line, "block_of_file: a block device needs a name");
    CHECK(has_error("ramdisk: a ramdisk needs a name"));
    CHECK(has_error("block_of_xenstore_id: a XenStore id is needed"));
    CHECK(has_error("generic_block: a block device needs a name"));
}

/* On the freestanding targets the name is the tender's --block:NAME, in the
 * image's manifest (whose rules test_edsl_manifest.c covers). */
static void file_names_for_tenders(void)
{
    /* 64 bytes: one more than the manifest's names hold */
    const char *longer = "a123456789b123456789c123456789d123456789e123456789f123456789abcd";
    SETUP("-t", "hvt");
    run_with_block(block_of_file("storage_1-b"));
    CHECK(edsl_finish() == 0);
    CHECK(ed.nmft == 1 && ed.mft[0].kind == PLAT_DEVICE_BLOCK);
    CHECK_EQ_STR(ed.mft[0].name, "storage_1-b");
    SETUP("-t", "hvt");
    int line = __LINE__ + 1;
    run_with_block(block_of_file("disk.img"));
    CHECK(edsl_finish() != 0);
    CHECK_ERROR(0, line,
                "block device \"disk.img\" cannot be named in a hvt image's device manifest: '.' "
                "is not a letter, digit, - or _ (the name is the tender's --block:NAME)");
    SETUP("-t", "spt");
    run_with_block(block_of_file(longer));
    CHECK(edsl_finish() != 0);
    CHECK(has_error("the name is 64 bytes long, at most 63"));
    /* on unix the name is a file's path */
    SETUP("-t", "unix");
    register_unikernel("b", JOBS(apply(foreign("start", fn(BLOCK, BLOCK, JOB)),
                                       block_of_file("disk.img"), block_of_file(longer))));
    CHECK(edsl_finish() == 0);
}

static void ramdisk_key_and_connect(void)
{
    SETUP("-t", "unix");
    run_with_block(ramdisk("scratch"));
    CHECK(edsl_finish() == 0);
    struct dnode *d = ed_selected("ramdisk_scratch");
    CHECK(d != NULL);
    struct key *k = rkey("scratch-ramdisk-size");
    CHECK(k != NULL);
    CHECK(k->stage == RUNTIME && k->kind == MG_KEY_INT);
    CHECK_EQ_STR(k->dflt, "16");
    const char *m = gen(ed_gen_main);
    CHECK(strstr(m, ed_fmt("mg_ramdisk_connect_mib(&%s, \"scratch\", %s)", d->var, ed_key_var(k))));
    CHECK(ed_has_lib("block"));
}

/* Two ramdisks: each its own key; the same name twice: one device, one key. */
static void ramdisk_names(void)
{
    SETUP("-t", "unix");
    register_unikernel("b", JOBS(apply(foreign("start", fn(BLOCK, BLOCK, BLOCK, JOB)), ramdisk("a"),
                                       ramdisk("my disk"), ramdisk("a"))));
    CHECK(edsl_finish() == 0);
    CHECK(count_blocks() == 2);
    CHECK(rkey("a-ramdisk-size") && rkey("my-disk-ramdisk-size"));
    CHECK(!rkey("ramdisk-size"));
}

static void generic_choice(void)
{
    const char *const t[][2] = {{NULL, "block_of_file_data"},
                                {"--block=file", "block_of_file_data"},
                                {"--block=ramdisk", "ramdisk_data"}};
    for (size_t i = 0; i < 3; i++) {
        if (t[i][0])
            SETUP("-t", "unix", t[i][0]);
        else
            SETUP("-t", "unix");
        run_with_block(generic_block("data"));
        CHECK(edsl_finish() == 0);
        CHECK(count_blocks() == 1);
        CHECK(ed_selected(t[i][1]));
        struct key *k = NULL;
        for (struct key *p = ed.keys; p; p = p->next)
            if (strcmp(p->name, "block") == 0)
                k = p;
        CHECK(k && k->stage == CONFIGURE && k->kind == MG_KEY_ENUM);
        CHECK_EQ_STR(k->dflt, "file");
        /* the ramdisk's size key is a key of the unikernel only if chosen */
        CHECK((rkey("data-ramdisk-size") != NULL) == (i == 2));
    }
    SETUP("-t", "unix", "--block=floppy");
    run_with_block(generic_block("data"));
    CHECK(edsl_finish() != 0);
    CHECK(has_error("floppy"));
}

static void generic_group_and_key(void)
{
    SETUP("-t", "unix", "--store-block=ramdisk");
    run_with_block(generic_block("data", .group = "store"));
    CHECK(edsl_finish() == 0);
    CHECK(ed_selected("ramdisk_data"));
    /* a value of the user's: its text chooses, anything else is a ramdisk */
    const char *const t[][2] = {{"--kind=file", "block_of_file_x"}, {"--kind=zzz", "ramdisk_x"}};
    for (size_t i = 0; i < 2; i++) {
        SETUP("-t", "unix", t[i][0]);
        struct key *kind = key_string("kind", "file", .stage = CONFIGURE);
        run_with_block(generic_block("x", .key = value_of(kind)));
        CHECK(edsl_finish() == 0);
        CHECK(ed_selected(t[i][1]));
    }
}

static void xenstore_refused(void)
{
    SETUP("-t", "unix", "--block=xenstore");
    int line = __LINE__ + 1;
    run_with_block(generic_block("51760"));
    CHECK(edsl_finish() != 0);
    CHECK(ed_nerrors() == 1);
    CHECK(strstr(ed_error_text(0), ed_fmt("%s:%d: ", __FILE__, line)));
    CHECK(strstr(ed_error_text(0), "block_of_xenstore_id_51760 cannot be used on target unix"));
    CHECK(strstr(ed_error_text(0), "needs the xen target, which is not available"));
    /* directly, too */
    SETUP("-t", "unix");
    run_with_block(block_of_xenstore_id("/dev/xvdi1"));
    CHECK(edsl_finish() != 0);
    CHECK(has_error("block_of_xenstore_id_/dev/xvdi1 cannot be used on target unix: a Xen "
                    "block device (XenStore id \"/dev/xvdi1\") needs the xen target"));
    /* it type-checks, and an unchosen branch is no error */
    SETUP("-t", "unix");
    run_with_block(if_impl(value_bool(false), block_of_xenstore_id("51760"), ramdisk("r")));
    CHECK(edsl_finish() == 0);
    CHECK(ed_selected("ramdisk_r") && !ed_selected("block_of_xenstore_id_51760"));
}

static const struct check_case cases[] = {
    CASE_ENTRY(file_shared_and_connected),
    CASE_ENTRY(file_distinct_names),
    CASE_ENTRY(file_name_quoted),
    CASE_ENTRY(file_type_checked),
    CASE_ENTRY(empty_names),
    CASE_ENTRY(file_names_for_tenders),
    CASE_ENTRY(ramdisk_key_and_connect),
    CASE_ENTRY(ramdisk_names),
    CASE_ENTRY(generic_choice),
    CASE_ENTRY(generic_group_and_key),
    CASE_ENTRY(xenstore_refused),
};
CHECK_MAIN(cases)
