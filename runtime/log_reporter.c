/* log_reporter.c: the default reporter (console lines, the ring of recent messages) and the none reporter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mirage/clock.h>
#include <mirage/error.h>
#include <mirage/log.h>

#include "platform.h"
#include "rt.h"

/* Room for the time, level and source around a message. */
#define REPORT_LINE_MAX (MG_LOG_MSG_MAX + 160)

size_t mg_log_format_line(char *buf, size_t size, int64_t time_ns, bool has_time, int tz_offset_s,
                          const char *src, enum mg_log_level level, const char *msg, size_t len)
{
    char t[40] = "";
    if (has_time) {
        int n = mg_rfc3339(time_ns, tz_offset_s, t, sizeof t - 2);
        if (n > 0 && (size_t)n < sizeof t - 2)
            memcpy(t + n, ": ", 3);
    }
    int n = snprintf(buf, size, "%s[%s] [%s] %.*s\n", t, mg_log_level_name(level), src, (int)len, msg);
    if (n < 0)
        return 0;
    if ((size_t)n >= size) {
        buf[size - 2] = '\n';
        return size - 1;
    }
    return (size_t)n;
}

struct default_reporter {
    struct mg_reporter r;
    struct mg_pclock *pclock;
};
static struct default_reporter *current;

static bool now(int64_t *ns, int *tz)
{
    if (!current || !current->pclock)
        return false;
    *ns = mg_pclock_now_ns(current->pclock);
    if (mg_pclock_tz_offset_s(current->pclock, tz) != 0)
        *tz = 0;
    return true;
}

static void report(struct mg_reporter *r, struct mg_log_src *src, enum mg_log_level level, const char *msg,
                   size_t len)
{
    (void)r;
    char line[REPORT_LINE_MAX];
    int64_t ns = 0;
    int tz = 0;
    bool has_time = now(&ns, &tz);
    size_t n = mg_log_format_line(line, sizeof line, ns, has_time, tz, src->name, level, msg, len);
    mg_plat_console_write(line, n);
}

static const struct mg_reporter_ops default_ops = {report};

/* The ring: the last ring_size messages, whatever their level. */
struct ring_entry {
    int64_t ns;
    bool has_time;
    int tz;
    const char *src;
    enum mg_log_level level;
    char *msg;
    size_t len;
};
static struct ring_entry *ring;
static size_t ring_size, ring_next, ring_count;

static void ring_free(void)
{
    for (size_t i = 0; i < ring_size; i++)
        free(ring[i].msg);
    free(ring);
    ring = NULL;
    ring_size = ring_next = ring_count = 0;
    mg_log_set_capture(NULL);
}

static void ring_capture(struct mg_log_src *src, enum mg_log_level level, const char *msg, size_t len)
{
    struct ring_entry *e = &ring[ring_next];
    free(e->msg);
    e->msg = malloc(len ? len : 1);
    e->len = e->msg ? len : 0;
    if (e->msg)
        memcpy(e->msg, msg, len);
    e->has_time = now(&e->ns, &e->tz);
    e->src = src->name;
    e->level = level;
    ring_next = (ring_next + 1) % ring_size;
    if (ring_count < ring_size)
        ring_count++;
}

int mg_reporter_default_connect(struct mg_reporter **out, struct mg_pclock *pclock, size_t ring_len)
{
    struct default_reporter *d = current ? current : malloc(sizeof *d);
    if (!d)
        return MG_ENOMEM;
    d->r.ops = &default_ops;
    d->pclock = pclock;
    current = d;
    ring_free();
    if (ring_len > 0) {
        ring = malloc(ring_len * sizeof *ring);
        if (!ring)
            return MG_ENOMEM;
        memset(ring, 0, ring_len * sizeof *ring);
        ring_size = ring_len;
        mg_log_set_capture(ring_capture);
    }
    mg_log_set_reporter(&d->r);
    *out = &d->r;
    return 0;
}

void mg_log_dump_ring(void)
{
    if (ring_count == 0)
        return;
    char line[REPORT_LINE_MAX];
    int n = snprintf(line, sizeof line, "--- the last %zu log messages, every level, oldest first ---\n",
                     ring_count);
    mg_plat_console_write(line, (size_t)n);
    size_t start = (ring_next + ring_size - ring_count) % ring_size;
    for (size_t i = 0; i < ring_count; i++) {
        const struct ring_entry *e = &ring[(start + i) % ring_size];
        size_t len = mg_log_format_line(line, sizeof line, e->ns, e->has_time, e->tz, e->src, e->level,
                                        e->msg ? e->msg : "", e->len);
        mg_plat_console_write(line, len);
    }
    const char *end = "--- end of the log messages ---\n";
    mg_plat_console_write(end, strlen(end));
    mg_plat_console_flush();
}

static void report_none(struct mg_reporter *r, struct mg_log_src *src, enum mg_log_level level,
                        const char *msg, size_t len)
{
    (void)r, (void)src, (void)level, (void)msg, (void)len;
}

static const struct mg_reporter_ops none_ops = {report_none};
static struct mg_reporter none_reporter = {&none_ops};

int mg_reporter_none_connect(struct mg_reporter **out)
{
    ring_free();
    mg_log_set_reporter(&none_reporter);
    *out = &none_reporter;
    return 0;
}
