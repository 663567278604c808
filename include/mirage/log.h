/* log.h: logs with named sources and levels chosen at run time (the Logs library).
 *
 * A source is declared once per component:
 *     MG_LOG_SRC(hello_log, "hello", "the hello unikernel");
 *     mg_log_info(&hello_log, "hello %d", n);
 * NULL as the source means "application". Which messages pass is decided by
 * the spec given to the unikernel with -l / --logs: a comma-separated list
 * of `src:level` and `*:level` (or a bare `level` for every source), levels
 * being quiet, app, error, warning, info and debug. A source named in the
 * spec gets the level of its last entry there (wherever `*` entries are);
 * every other source gets the last `*` level, or the default level.
 */
#ifndef MIRAGE_LOG_H
#define MIRAGE_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mg_pclock;

enum mg_log_level {
    MG_LOG_QUIET = 0, /* as a threshold only: nothing passes */
    MG_LOG_APP = 1,
    MG_LOG_ERROR = 2,
    MG_LOG_WARNING = 3,
    MG_LOG_INFO = 4,
    MG_LOG_DEBUG = 5,
};

struct mg_log_src {
    const char *name;
    const char *doc;
    int level;                /* threshold; -1 until resolved against the spec */
    unsigned generation;      /* spec generation it was resolved against */
    struct mg_log_src *next;  /* every source seen, for listings */
};
#define MG_LOG_SRC(var, name, doc) struct mg_log_src var = {(name), (doc), -1, 0, NULL}

/* Does a message of this level from src pass? (Cheap after the first call.) */
bool mg_log_enabled(struct mg_log_src *src, enum mg_log_level level);
/* A message longer than this (with its NUL) is cut and ends in "...". */
#define MG_LOG_MSG_MAX 1024
void mg_log(struct mg_log_src *src, enum mg_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void mg_logv(struct mg_log_src *src, enum mg_log_level level, const char *fmt, va_list ap);

#define mg_log_app(src, ...) mg_log((src), MG_LOG_APP, __VA_ARGS__)
#define mg_log_err(src, ...) mg_log((src), MG_LOG_ERROR, __VA_ARGS__)
#define mg_log_warn(src, ...) mg_log((src), MG_LOG_WARNING, __VA_ARGS__)
#define mg_log_info(src, ...) mg_log((src), MG_LOG_INFO, __VA_ARGS__)
#define mg_log_debug(src, ...) mg_log((src), MG_LOG_DEBUG, __VA_ARGS__)

/* Set the thresholds from a spec (see above). 0, or MG_EINVAL with nothing
 * changed (err, if not NULL, gets a constant reason). */
int mg_log_set_spec(const char *spec, const char **err);
/* The threshold for sources the spec does not name (default MG_LOG_INFO). */
void mg_log_set_default_level(enum mg_log_level level);
const char *mg_log_level_name(enum mg_log_level level); /* "INFO", ... */

/* Where messages go: the reporter. Without one, nothing is printed. */
struct mg_reporter;
struct mg_reporter_ops {
    void (*report)(struct mg_reporter *r, struct mg_log_src *src, enum mg_log_level level,
                   const char *msg, size_t len);
};
struct mg_reporter {
    const struct mg_reporter_ops *ops;
};
void mg_log_set_reporter(struct mg_reporter *r);

/* The default reporter: `TIME: [LEVEL] [src] msg` lines on the platform's
 * console, TIME from pclock (RFC 3339) or none if pclock is NULL. With
 * ring_size > 0, the last ring_size messages of every level, shown or not,
 * are kept and printed by mg_log_dump_ring() (called when a job fails).
 * Both connect functions also install the reporter (mg_log_set_reporter);
 * there is one ring, replaced by each connect. 0 or MG_ENOMEM. */
int mg_reporter_default_connect(struct mg_reporter **out, struct mg_pclock *pclock,
                                size_t ring_size);
/* no_reporter: messages are dropped. */
int mg_reporter_none_connect(struct mg_reporter **out);
void mg_log_dump_ring(void);

#endif
