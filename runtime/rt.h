/* rt.h: small private interfaces between runtime files (logs, arguments, errors, unikernel). */
#ifndef MG_RUNTIME_RT_H
#define MG_RUNTIME_RT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mirage/log.h>

/* The text of a known MG_E* code, or NULL. */
const char *mg_strerror_known(int code);

/* The log ring: when set, every message, of every level, is handed to it
 * before the threshold is applied (the default reporter keeps the last N). */
typedef void (*mg_log_capture_fn)(struct mg_log_src *src, enum mg_log_level level, const char *msg,
                                  size_t len);
void mg_log_set_capture(mg_log_capture_fn fn);
/* Has a reporter been set (even the none reporter)? Until then, the
 * runtime's own failures are written to the console directly. */
bool mg_log_reporter_set(void);
/* The source that NULL stands for ("application"). */
extern struct mg_log_src mg_log_src_application;
/* Format one report line (`TIME: [LEVEL] [src] msg\n`, no TIME without a
 * pclock) into buf; returns its length (truncated to size - 1). */
size_t mg_log_format_line(char *buf, size_t size, int64_t time_ns, bool has_time, int tz_offset_s,
                          const char *src, enum mg_log_level level, const char *msg, size_t len);

/* What --version prints (set by mg_unikernel_run). */
void mg_args_set_version(const char *version);

#endif
