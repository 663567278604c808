/* log_emit.c: mg_log: format a message into a bounded buffer and hand it to the ring and the reporter. */
#include <stdio.h>
#include <string.h>

#include <mirage/log.h>

#include "rt.h"

static struct mg_reporter *reporter;
static bool reporter_was_set;
static mg_log_capture_fn capture;
static bool emitting; /* a reporter that logs must not recurse forever */

void mg_log_set_reporter(struct mg_reporter *r)
{
    reporter = r;
    reporter_was_set = true;
}

bool mg_log_reporter_set(void) { return reporter_was_set; }

void mg_log_set_capture(mg_log_capture_fn fn) { capture = fn; }

void mg_logv(struct mg_log_src *src, enum mg_log_level level, const char *fmt, va_list ap)
{
    if (!src)
        src = &mg_log_src_application;
    if (level <= MG_LOG_QUIET || level > MG_LOG_DEBUG || emitting)
        return;
    bool shown = reporter && mg_log_enabled(src, level);
    if (!shown && !capture)
        return;
    char msg[MG_LOG_MSG_MAX];
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    size_t len;
    if (n < 0) {
        len = (size_t)snprintf(msg, sizeof msg, "(unprintable log message: %s)", fmt);
        if (len >= sizeof msg)
            len = sizeof msg - 1;
    } else if ((size_t)n >= sizeof msg) {
        len = sizeof msg - 1;
        memcpy(msg + len - 3, "...", 3);
    } else {
        len = (size_t)n;
    }
    if (len > 0 && msg[len - 1] == '\n')
        msg[--len] = '\0';
    emitting = true;
    if (capture)
        capture(src, level, msg, len);
    if (shown)
        reporter->ops->report(reporter, src, level, msg, len);
    emitting = false;
}

void mg_log(struct mg_log_src *src, enum mg_log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mg_logv(src, level, fmt, ap);
    va_end(ap);
}
