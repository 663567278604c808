/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c platform/unix/block_unix.c lib/block/block_file.c lib/block/ramdisk.c lib/kv/kv_key.c lib/kv/kv_get.c lib/kv/kv_digest.c lib/kv/kv_entries.c lib/kv_disk/kvd_dev.c lib/kv_disk/kvd_index.c lib/kv_disk/kvd_store.c lib/kv_tar/kv_tar.c lib/kv_tar/tar_entry.c lib/kv_tar/tar_link.c lib/kv_tar/tar_num.c lib/kv_tar/tar_pax.c lib/kv_tar/tar_scan.c */
/* libs: -lbearssl */
/* test_kv_tar_damage.c: archive(block) over archives built byte by byte (every header kind, number
 * form, checksum variant) and damaged ones. */
#include <mirage/kv_block.h>

#include "kv_check.h"

/* ---- an archive built in memory ------------------------------------------ */

struct tb {
    unsigned char *buf;
    size_t len, cap;
};

static size_t tb_block(struct tb *t)
{
    if (t->len + 512 > t->cap) {
        t->cap = t->cap ? t->cap * 2 : 8192;
        t->buf = realloc(t->buf, t->cap);
        CHECK(t->buf);
    }
    memset(t->buf + t->len, 0, 512);
    t->len += 512;
    return t->len - 512;
}

static void tb_octal(unsigned char *f, size_t len, uint64_t v)
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%0*llo", (int)len - 1, (unsigned long long)v);
    memcpy(f, tmp, len - 1);
    f[len - 1] = 0;
}

/* The checksum of header h, summed as signed chars or not. */
static void tb_sum(unsigned char *h, bool as_signed)
{
    memset(h + 148, ' ', 8);
    long s = 0;
    for (int i = 0; i < 512; i++)
        s += as_signed ? (long)(signed char)h[i] : (long)h[i];
    char tmp[16];
    snprintf(tmp, sizeof tmp, "%06lo", (unsigned long)s & 0777777);
    memcpy(h + 148, tmp, 6);
    h[154] = 0;
    h[155] = ' ';
}

enum { POSIX, GNU, V7 };

/* A header (checksum done); its offset. */
static size_t tb_hdr(struct tb *t, const char *name, char type, uint64_t size, int64_t mtime,
                     const char *link, int magic)
{
    size_t off = tb_block(t);
    unsigned char *h = t->buf + off;
    memcpy(h, name, strnlen(name, 100));
    tb_octal(h + 100, 8, 0644);
    tb_octal(h + 108, 8, 0);
    tb_octal(h + 116, 8, 0);
    tb_octal(h + 124, 12, size);
    tb_octal(h + 136, 12, (uint64_t)mtime);
    h[156] = (unsigned char)type;
    if (link)
        memcpy(h + 157, link, strnlen(link, 100));
    if (magic == POSIX)
        memcpy(h + 257,
               "ustar\0"
               "00",
               8);
    else if (magic == GNU)
        memcpy(h + 257, "ustar  \0", 8);
    tb_sum(h, false);
    return off;
}

static void tb_data(struct tb *t, const void *data, size_t len)
{
    for (size_t done = 0; done < len; done += 512) {
        size_t off = tb_block(t);
        memcpy(t->buf + off, (const char *)data + done, len - done < 512 ? len - done : 512);
    }
}

static void tb_file(struct tb *t, const char *name, const char *text, int64_t mtime)
{
    tb_hdr(t, name, '0', strlen(text), mtime, NULL, POSIX);
    tb_data(t, text, strlen(text));
}

/* A pax header of records (type 'x' or 'g'). */
static void tb_pax(struct tb *t, char type, const char *records)
{
    tb_hdr(t, "PaxHeaders/x", type, strlen(records), 0, NULL, POSIX);
    tb_data(t, records, strlen(records));
}

/* One pax record "LEN key=value\n" with LEN counting itself. */
static const char *rec(const char *kv)
{
    static char out[4][8192];
    static int k;
    k = (k + 1) % 4;
    size_t n = strlen(kv) + 3; /* " " "\n" and one digit */
    for (;;) {
        int len = snprintf(out[k], sizeof out[k], "%zu %s\n", n, kv);
        if ((size_t)len == n)
            return out[k];
        n = (size_t)len;
    }
}

static void tb_end(struct tb *t)
{
    tb_block(t);
    tb_block(t);
}

static struct kvc_mem *disk;

/* Connect over t's bytes: the result of connect, *kv set on success. */
static int tb_connect(struct tb *t, struct mg_kv_ro **kv)
{
    kvc_mem_free(disk);
    disk = kvc_mem(t->buf, t->len, 512);
    kvc_log_begin();
    *kv = NULL;
    int rc = mg_kv_archive_connect(kv, &disk->b);
    free(t->buf);
    memset(t, 0, sizeof *t);
    return rc;
}

static void done(struct mg_kv_ro *kv)
{
    CHECK(mg_kv_ro_disconnect(kv) == 0);
    free(kv);
}

static void value_is(struct mg_kv_ro *kv, const char *key, const char *text)
{
    void *data;
    size_t len;
    int rc = mg_kv_ro_get(kv, key, &data, &len);
    if (rc)
        fprintf(stderr, "get %s: %d\n%s", key, rc, kvc_log);
    CHECK(rc == 0);
    CHECK(len == strlen(text) && memcmp(data, text, len) == 0);
    free(data);
}

/* ---- formats ---------------------------------------------------------- */

static void ustar_prefix_joins_the_name(void)
{
    struct tb t = {0};
    size_t off = tb_hdr(&t, "c.txt", '0', 3, 100, NULL, POSIX);
    memcpy(t.buf + off + 345, "a/b", 3);
    tb_sum(t.buf + off, false);
    tb_data(&t, "abc", 3);
    /* GNU headers keep other things where ustar's prefix is: not a prefix. */
    off = tb_hdr(&t, "d.txt", '0', 3, 100, NULL, GNU);
    memcpy(t.buf + off + 345, "zz", 2);
    tb_sum(t.buf + off, false);
    tb_data(&t, "def", 3);
    tb_end(&t);
    struct mg_kv_ro *kv;
    CHECK(tb_connect(&t, &kv) == 0);
    value_is(kv, "/a/b/c.txt", "abc");
    value_is(kv, "/d.txt", "def");
    int64_t ns;
    CHECK(mg_kv_ro_last_modified(kv, "/a/b/c.txt", &ns) == 0 && ns == 100000000000);
    done(kv);
}

static void checksums_signed_and_unsigned(void)
{
    struct tb t = {0};
    size_t a = tb_hdr(&t, "caf\xc3\xa9", '0', 2, 0, NULL, POSIX);
    tb_sum(t.buf + a, true); /* old tars summed signed chars */
    tb_data(&t, "s\n", 2);
    tb_hdr(&t, "na\xc3\xafve", '0', 2, 0, NULL, POSIX);
    tb_data(&t, "u\n", 2);
    tb_end(&t);
    struct mg_kv_ro *kv;
    CHECK(tb_connect(&t, &kv) == 0);
    value_is(kv, "/caf\xc3\xa9", "s\n");
    value_is(kv, "/na\xc3\xafve", "u\n");
    done(kv);
}

static void checksum_mismatch_names_the_header(void)
{
    struct tb t = {0};
    tb_file(&t, "one", "1", 0);
    size_t off = tb_hdr(&t, "two", '0', 1, 0, NULL, POSIX);
    tb_data(&t, "2", 1);
    tb_end(&t);
    t.buf[off + 1] ^= 0x20; /* "tWo": the sum no longer matches */
    struct mg_kv_ro *kv;
    CHECK(tb_connect(&t, &kv) == MG_EIO);
    CHECK(kvc_logged("archive:mem: byte 1024: header checksum mismatch"));
}

static void base256_numbers(void)
{
    struct tb t = {0};
    size_t off = tb_hdr(&t, "b256", '0', 0, 0, NULL, GNU);
    unsigned char *h = t.buf + off;
    /* size 1000 and mtime -1, in GNU's base-256 */
    memset(h + 124, 0, 12);
    h[124] = 0x80;
    h[134] = 1000 >> 8;
    h[135] = 1000 & 0xff;
    memset(h + 136, 0xff, 12);
    tb_sum(h, false);
    char data[1000];
    memset(data, 'x', sizeof data);
    tb_data(&t, data, sizeof data);
    tb_end(&t);
    struct mg_kv_ro *kv;
    CHECK(tb_connect(&t, &kv) == 0);
    uint64_t size;
    int64_t ns;
    CHECK(mg_kv_ro_size(kv, "/b256", &size) == 0 && size == 1000);
    CHECK(mg_kv_ro_last_modified(kv, "/b256", &ns) == 0 && ns == -1000000000);
    done(kv);
}

static void numbers_out_of_range(void)
{
    struct mg_kv_ro *kv;
    struct tb t = {0};
    /* An octal size with an 8 in it. */
    size_t off = tb_hdr(&t, "bad", '0', 0, 0, NULL, POSIX);
    memcpy(t.buf + off + 124, "00000000080", 11);
    tb_sum(t.buf + off, false);
    tb_end(&t);
    CHECK(tb_connect(&t, &kv) == MG_EIO);
    CHECK(kvc_logged("byte 0: size field is not a number of bytes"));
    /* A base-256 size beyond 2^63. */
    off = tb_hdr(&t, "big", '0', 0, 0, NULL, GNU);
    memset(t.buf + off + 124, 0xff, 12);
    t.buf[off + 124] = 0x80;
    tb_sum(t.buf + off, false);
    tb_end(&t);
    CHECK(tb_connect(&t, &kv) == MG_EIO);
    CHECK(kvc_logged("byte 0: size field is not a number of bytes"));
    /* A negative size. */
    off = tb_hdr(&t, "neg", '0', 0, 0, NULL, GNU);
    memset(t.buf + off + 124, 0xff, 12);
    tb_sum(t.buf + off, false);
    tb_end(&t);
    CHECK(tb_connect(&t, &kv) == MG_EIO);
    /* A size of 8 GiB - 1 on a disk of 2 KiB: it lies. */
    tb_file(&t, "ok", "fine", 0);
    tb_hdr(&t, "huge", '0', 077777777777ull, 0, NULL, POSIX);
    tb_end(&t);
    CHECK(tb_connect(&t, &kv) == MG_EIO);
    CHECK(kvc_logged("byte 1024: the entry's data (8589934591 bytes from byte 1536) runs past "
                     "the end of the device (2560 bytes)"));
    /* A checksum field that is not a number. */
    off = tb_hdr(&t, "x", '0', 0, 0, NULL, POSIX);
    memcpy(t.buf + off + 148, "zzzzzz", 6);
    tb_end(&t);
    CHECK(tb_connect(&t, &kv) == MG_EIO);
    CHECK(kvc_logged("byte 0: header checksum field is not an octal number"));
}

static void pax_records(void)
{
    struct tb t = {0};
    char longp[400], kv_path[420], rs[1024];
    memset(longp, 'p', 120);
    longp[120] = '/';
    memset(longp + 121, 'q', 200);
    longp[321] = 0;
    snprintf(kv_path, sizeof kv_path, "path=%s", longp);
    snprintf(rs, sizeof rs, "%s%s%s%s", rec("mtime=1234567890.5"), rec(kv_path), rec("size=5"),
             rec("uname=someone"));
    tb_pax(&t, 'x', rs);
    tb_hdr(&t, "ignored-name", '0', 0, 7, NULL, POSIX); /* the pax size says 5 */
    tb_data(&t, "hello", 5);
    /* A global mtime for every later entry, overridden by an 'x' for one. */
    tb_pax(&t, 'g', rec("mtime=-10.25"));
    tb_file(&t, "g1", "G1", 99);
    tb_pax(&t, 'x', rec("mtime=42"));
    tb_file(&t, "g2", "G2", 99);
    tb_end(&t);
    struct mg_kv_ro *kv;
    int rc = tb_connect(&t, &kv);
    if (rc)
        fprintf(stderr, "%s", kvc_log);
    CHECK(rc == 0);
    char key[420];
    snprintf(key, sizeof key, "/%s", longp);
    value_is(kv, key, "hello");
    int64_t ns;
    CHECK(mg_kv_ro_last_modified(kv, key, &ns) == 0 && ns == 1234567890500000000);
    CHECK(mg_kv_ro_last_modified(kv, "/g1", &ns) == 0 && ns == -10250000000);
    CHECK(mg_kv_ro_last_modified(kv, "/g2", &ns) == 0 && ns == 42000000000);
    done(kv);
}

static void pax_malformed(void)
{
    struct mg_kv_ro *kv;
    struct tb t = {0};
    tb_pax(&t, 'x', "11 path=abc\n"); /* the record is 12 bytes, not 11 */
    tb_file(&t, "f", "x", 0);
    tb_end(&t);
    CHECK(tb_connect(&t, &kv) == MG_EIO);
    CHECK(kvc_logged("byte 512: pax header: a record's length does not end at a newline"));
    tb_file(&t, "first", "x", 0);
    char rs[256];
    snprintf(rs, sizeof rs, "%s%s", rec("path=ok"), rec("size=12x"));
    tb_pax(&t, 'x', rs);
    tb_file(&t, "f", "x", 0);
    tb_end(&t);
    CHECK(tb_connect(&t, &kv) == MG_EIO);
    CHECK(kvc_logged("byte 1547: pax header: size is not a decimal number"));
    tb_pax(&t, 'x', rec("mtime=1.2.3"));
    tb_file(&t, "f", "x", 0);
    tb_end(&t);
    CHECK(tb_connect(&t, &kv) == MG_EIO);
    CHECK(kvc_logged("mtime is not [-]SECONDS[.FRACTION]"));
    tb_pax(&t, 'x', "x");
    tb_file(&t, "f", "x", 0);
    tb_end(&t);
    CHECK(tb_connect(&t, &kv) == MG_EIO);
    CHECK(kvc_logged("a record does not start with its length"));
    /* A pax header larger than the reader takes. */
    tb_hdr(&t, "PaxHeaders/big", 'x', 2u * 1024 * 1024, 0, NULL, POSIX);
    char *zeros = calloc(1, 2u * 1024 * 1024);
    tb_data(&t, zeros, 2u * 1024 * 1024);
    free(zeros);
    tb_end(&t);
    CHECK(tb_connect(&t, &kv) == MG_EIO);
    CHECK(
        kvc_logged("byte 0: pax header of 2097152 bytes: more than the 1048576 this reader takes"));
}

static void gnu_long_names_and_links(void)
{
    struct tb t = {0};
    char longn[300];
    memset(longn, 'n', 250);
    strcpy(longn + 250, "/file.txt");
    tb_hdr(&t, "././@LongLink", 'L', strlen(longn) + 1, 0, NULL, GNU);
    tb_data(&t, longn, strlen(longn) + 1);
    tb_hdr(&t, "truncated-name", '0', 4, 0, NULL, GNU);
    tb_data(&t, "long", 4);
    tb_hdr(&t, "././@LongLink", 'K', strlen(longn) + 1, 0, NULL, GNU);
    tb_data(&t, longn, strlen(longn) + 1);
    tb_hdr(&t, "link", '2', 0, 0, "truncated-link", GNU);
    tb_end(&t);
    struct mg_kv_ro *kv;
    CHECK(tb_connect(&t, &kv) == 0);
    char key[320];
    snprintf(key, sizeof key, "/%s", longn);
    value_is(kv, key, "long");
    value_is(kv, "/link", "long");
    done(kv);
    /* A long name with no entry after it. */
    tb_file(&t, "a", "a", 0);
    tb_hdr(&t, "././@LongLink", 'L', 4, 0, NULL, GNU);
    tb_data(&t, "abc", 4);
    tb_end(&t);
    CHECK(tb_connect(&t, &kv) == MG_EIO);
    CHECK(kvc_logged("byte 1024: a long-name or pax header is not followed by an entry"));
}

static void end_of_archive(void)
{
    struct mg_kv_ro *kv;
    struct tb t = {0};
    /* A lone zero block: reading stops there (with a warning). */
    tb_file(&t, "before", "b", 0);
    tb_block(&t);
    tb_file(&t, "after", "a", 0);
    tb_end(&t);
    CHECK(tb_connect(&t, &kv) == 0);
    enum mg_kv_kind kind;
    CHECK(mg_kv_ro_exists(kv, "/before", &kind) == 0);
    CHECK(mg_kv_ro_exists(kv, "/after", &kind) == MG_ENOENT);
    CHECK(kvc_logged("byte 1024: a lone zero block"));
    done(kv);
    /* No end blocks: truncated. */
    tb_file(&t, "a", "a", 0);
    tb_file(&t, "b", "b", 0);
    CHECK(tb_connect(&t, &kv) == MG_EIO);
    CHECK(kvc_logged("byte 2048: the archive ends without its end-of-archive blocks: truncated"));
    /* Data cut short by the end of the device. */
    char data[3000];
    memset(data, 'd', sizeof data);
    tb_hdr(&t, "cut", '0', sizeof data, 0, NULL, POSIX);
    tb_data(&t, data, 1024);
    CHECK(tb_connect(&t, &kv) == MG_EIO);
    CHECK(kvc_logged("byte 0: the entry's data (3000 bytes from byte 512) runs past the end of "
                     "the device (1536 bytes)"));
    /* An empty device, and an archive of nothing but its end. */
    tb_block(&t);
    tb_block(&t);
    CHECK(tb_connect(&t, &kv) == 0);
    struct kvc_names ns = {0};
    CHECK(mg_kv_ro_list(kv, "/", kvc_collect, &ns) == 0 && ns.n == 0);
    done(kv);
}

static void refused_kinds(void)
{
    struct mg_kv_ro *kv;
    struct tb t = {0};
    tb_hdr(&t, "sparse", 'S', 0, 0, NULL, GNU);
    tb_end(&t);
    CHECK(tb_connect(&t, &kv) == MG_ENOTSUP);
    CHECK(kvc_logged("byte 0: entry 'sparse': a GNU sparse file"));
    tb_pax(&t, 'x', rec("GNU.sparse.major=1"));
    tb_file(&t, "psparse", "x", 0);
    tb_end(&t);
    CHECK(tb_connect(&t, &kv) == MG_ENOTSUP);
    CHECK(kvc_logged("byte 1024: entry 'psparse': a GNU sparse file"));
    tb_hdr(&t, "vol", 'M', 0, 0, NULL, GNU);
    tb_end(&t);
    CHECK(tb_connect(&t, &kv) == MG_ENOTSUP);
    CHECK(kvc_logged("multi-volume"));
}

static void left_out_with_a_warning(void)
{
    struct mg_kv_ro *kv;
    struct tb t = {0};
    tb_hdr(&t, "GNU volume label", 'V', 0, 0, NULL, GNU);
    tb_file(&t, "../evil", "e", 0);
    tb_file(&t, "ok/../../evil2", "e", 0);
    tb_hdr(&t, "dev/null", '3', 0, 0, NULL, POSIX);
    tb_hdr(&t, "fifo", '6', 0, 0, NULL, POSIX);
    tb_file(&t, "./kept", "k", 0);
    tb_hdr(&t, "./", '5', 0, 77, NULL, POSIX); /* the root's own entry: its time */
    tb_end(&t);
    CHECK(tb_connect(&t, &kv) == 0);
    struct kvc_names ns = {0};
    CHECK(mg_kv_ro_list(kv, "/", kvc_collect, &ns) == 0);
    CHECK(ns.n == 1); /* dev/null left out implies no folder dev */
    CHECK_EQ_STR(ns.name[0], "kept");
    kvc_names_free(&ns);
    CHECK(kvc_logged("entry '../evil': a '..' in the name: left out"));
    CHECK(kvc_logged("entry 'ok/../../evil2': a '..' in the name: left out"));
    CHECK(kvc_logged("entry 'dev/null': a device, not a file: left out"));
    CHECK(kvc_logged("entry 'fifo': a FIFO, not a file: left out"));
    int64_t ns_time;
    CHECK(mg_kv_ro_last_modified(kv, "/", &ns_time) == 0 && ns_time == 77000000000);
    done(kv);
}

static void names_conflicts_and_replacements(void)
{
    struct mg_kv_ro *kv;
    struct tb t = {0};
    tb_file(&t, "a", "file", 0);
    tb_file(&t, "a/b", "below a file", 0);
    tb_end(&t);
    CHECK(tb_connect(&t, &kv) == MG_EIO);
    CHECK(kvc_logged("byte 1024: entry 'a/b': 'a' is not a folder but an earlier entry"));
    tb_file(&t, "d/x", "x", 0);
    tb_file(&t, "d", "a file over a folder", 0);
    tb_end(&t);
    CHECK(tb_connect(&t, &kv) == MG_EIO);
    CHECK(kvc_logged("entry 'd': not a folder, but an earlier entry of that name is one"));
    tb_file(&t, "f", "file", 0);
    tb_hdr(&t, "f/", '5', 0, 0, NULL, POSIX);
    tb_end(&t);
    CHECK(tb_connect(&t, &kv) == MG_EIO);
    CHECK(kvc_logged("entry 'f/': a folder, but an earlier entry of that name is not"));
    /* A later file replaces an earlier one; hard links give the value of
     * the entry they name at that point; folders merge. */
    tb_file(&t, "v", "one", 10);
    tb_hdr(&t, "hl", '1', 0, 0, "./v", POSIX);
    tb_file(&t, "v", "two!", 20);
    tb_hdr(&t, "dir/", '5', 0, 5, NULL, POSIX);
    tb_file(&t, "dir/in", "in", 0);
    tb_hdr(&t, "dir", '5', 0, 6, NULL, POSIX);
    tb_file(&t, "/abs//x/./y", "y", 0);
    tb_end(&t);
    CHECK(tb_connect(&t, &kv) == 0);
    value_is(kv, "/v", "two!");
    value_is(kv, "/hl", "one");
    value_is(kv, "/dir/in", "in");
    value_is(kv, "/abs/x/y", "y");
    int64_t ns;
    CHECK(mg_kv_ro_last_modified(kv, "/dir", &ns) == 0 && ns == 6000000000);
    CHECK(mg_kv_ro_last_modified(kv, "/v", &ns) == 0 && ns == 20000000000);
    done(kv);
    tb_hdr(&t, "hl", '1', 0, 0, "nothing", POSIX);
    tb_end(&t);
    CHECK(tb_connect(&t, &kv) == MG_EIO);
    CHECK(kvc_logged("byte 0: entry 'hl': a hard link to 'nothing', which is not an earlier file"));
}

static void v7_headers(void)
{
    struct tb t = {0};
    tb_hdr(&t, "olddir/", '\0', 0, 0, NULL, V7);
    tb_hdr(&t, "olddir/file", '\0', 3, 0, NULL, V7);
    tb_data(&t, "old", 3);
    tb_hdr(&t, "unknown-type", 'Z', 3, 0, NULL, POSIX); /* read as a file, as POSIX says */
    tb_data(&t, "zzz", 3);
    tb_end(&t);
    struct mg_kv_ro *kv;
    CHECK(tb_connect(&t, &kv) == 0);
    value_is(kv, "/olddir/file", "old");
    value_is(kv, "/unknown-type", "zzz");
    done(kv);
}

static void device_errors(void)
{
    struct mg_kv_ro *kv;
    struct tb t = {0};
    tb_file(&t, "a", "aaa", 0);
    tb_end(&t);
    /* The first read fails: connect says so. */
    kvc_mem_free(disk);
    disk = kvc_mem(t.buf, t.len, 512);
    disk->fail_at = 1;
    kvc_log_begin();
    CHECK(mg_kv_archive_connect(&kv, &disk->b) == MG_EIO);
    CHECK(kvc_logged("byte 0: reading a header: "));
    /* A read after connect fails: get_partial says so. */
    disk->fail_at = 0;
    disk->reads = 0;
    CHECK(mg_kv_archive_connect(&kv, &disk->b) == 0);
    disk->fail_at = disk->reads + 1;
    char buf[3];
    CHECK(mg_kv_ro_get_partial(kv, "/a", 1, buf, 2) == MG_EIO);
    CHECK(kvc_logged("reading 2 bytes at byte 513: "));
    CHECK(mg_kv_ro_get_partial(kv, "/a", 1, buf, 2) == 2 && memcmp(buf, "aa", 2) == 0);
    done(kv);
    free(t.buf);
}

/* ---- real archives, damaged -------------------------------------------- */

/* The offset of the header whose name field is name, in the file's bytes. */
static size_t find_header(const unsigned char *b, size_t len, const char *name)
{
    for (size_t off = 0; off + 512 <= len; off += 512)
        if (strncmp((const char *)b + off, name, 100) == 0 &&
            memcmp(b + off + 257, "ustar", 5) == 0)
            return off;
    CHECK(!"header not found");
    return 0;
}

static int connect_file(const char *path)
{
    struct mg_block *b;
    CHECK(mg_block_of_file_connect(&b, path) == 0);
    struct mg_kv_ro *kv = NULL;
    kvc_log_begin();
    int rc = mg_kv_archive_connect(&kv, b);
    if (rc == 0) {
        CHECK(mg_kv_ro_disconnect(kv) == 0);
        free(kv);
    }
    CHECK(mg_block_disconnect(b) == 0);
    free(b);
    return rc;
}

static void gnu_tar_archives_damaged(void)
{
    if (!kvc_have("tar")) {
        CHECK(!"GNU tar is needed (it is part of Debian's base)");
    }
    char root[4096], tarf[4200], bad[4300], msg[256];
    snprintf(root, sizeof root, "%s/dmg", kvc_tmp());
    kvc_make_tree(root, false);
    snprintf(tarf, sizeof tarf, "%s.tar", root);
    CHECK(kvc_sh("tar --format=ustar -cf '%s' -C '%s' .", tarf, root) == 0);
    CHECK(connect_file(tarf) == 0);
    size_t len;
    unsigned char *orig = kvc_slurp(tarf, &len);
    size_t big = find_header(orig, len, "./big.bin");
    /* Each damaged copy has a name of its own: the platform keeps a device
     * open by name. */
    int k = 0;
#define NEXT_BAD() snprintf(bad, sizeof bad, "%s.bad%d", root, ++k)
    NEXT_BAD();
    /* Truncated in the middle of big.bin's data. */
    CHECK(kvc_sh("head -c %zu '%s' > '%s'", big + 512 + 1000 * 512, tarf, bad) == 0);
    CHECK(connect_file(bad) == MG_EIO);
    snprintf(msg, sizeof msg,
             "byte %zu: the entry's data (3145805 bytes from byte %zu) runs past "
             "the end of the device",
             big, big + 512);
    CHECK(kvc_logged(msg));
    /* Truncated after a whole entry: no end blocks. */
    size_t hello = find_header(orig, len, "./hello.txt");
    NEXT_BAD();
    CHECK(kvc_sh("head -c %zu '%s' > '%s'", hello + 1024, tarf, bad) == 0);
    CHECK(connect_file(bad) == MG_EIO);
    snprintf(msg, sizeof msg, "byte %zu: the archive ends without its end-of-archive blocks",
             hello + 1024);
    CHECK(kvc_logged(msg));
    /* big.bin's size made larger than the archive, the checksum fixed. */
    unsigned char *copy = malloc(len);
    memcpy(copy, orig, len);
    tb_octal(copy + big + 124, 12, 07777777777);
    tb_sum(copy + big, false);
    NEXT_BAD();
    FILE *f = fopen(bad, "wb");
    CHECK(f && fwrite(copy, 1, len, f) == len && fclose(f) == 0);
    CHECK(connect_file(bad) == MG_EIO);
    snprintf(msg, sizeof msg, "byte %zu: the entry's data (1073741823 bytes", big);
    CHECK(kvc_logged(msg));
    /* big.bin's size made smaller: the next header lands in its data. */
    memcpy(copy, orig, len);
    tb_octal(copy + big + 124, 12, 1024);
    tb_sum(copy + big, false);
    NEXT_BAD();
    f = fopen(bad, "wb");
    CHECK(f && fwrite(copy, 1, len, f) == len && fclose(f) == 0);
    CHECK(connect_file(bad) == MG_EIO);
    /* (the data there has no octal number where the checksum should be) */
    snprintf(msg, sizeof msg, "byte %zu: header checksum", big + 512 + 1024);
    CHECK(kvc_logged(msg));
    /* A name changed without the checksum. */
    memcpy(copy, orig, len);
    copy[hello + 3] = 'E';
    NEXT_BAD();
    f = fopen(bad, "wb");
    CHECK(f && fwrite(copy, 1, len, f) == len && fclose(f) == 0);
    CHECK(connect_file(bad) == MG_EIO);
    snprintf(msg, sizeof msg, "byte %zu: header checksum mismatch", hello);
    CHECK(kvc_logged(msg));
    free(copy);
    free(orig);
}

static const struct check_case cases[] = {
    CASE_ENTRY(ustar_prefix_joins_the_name),
    CASE_ENTRY(checksums_signed_and_unsigned),
    CASE_ENTRY(checksum_mismatch_names_the_header),
    CASE_ENTRY(base256_numbers),
    CASE_ENTRY(numbers_out_of_range),
    CASE_ENTRY(pax_records),
    CASE_ENTRY(pax_malformed),
    CASE_ENTRY(gnu_long_names_and_links),
    CASE_ENTRY(end_of_archive),
    CASE_ENTRY(refused_kinds),
    CASE_ENTRY(left_out_with_a_warning),
    CASE_ENTRY(names_conflicts_and_replacements),
    CASE_ENTRY(v7_headers),
    CASE_ENTRY(device_errors),
    CASE_ENTRY(gnu_tar_archives_damaged),
};

int main(void)
{
    int rc = check_run(cases, sizeof cases / sizeof *cases);
    kvc_mem_free(disk);
    return rc;
}
