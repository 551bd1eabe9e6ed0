/* util/log.h - one-line structured logs to stderr.
 *
 * Lines look like `2026-11-22T01:30:00Z level=info msg="..."`. Thread-safe
 * (one write(2) per line). The level threshold is process-wide, set once at start.
 */
#ifndef RD_UTIL_LOG_H
#define RD_UTIL_LOG_H

enum rd_log_level { RD_LOG_DEBUG, RD_LOG_INFO, RD_LOG_WARN, RD_LOG_ERROR };

void rd_log_set_level(enum rd_log_level level);
void rd_log(enum rd_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define rd_log_debug(...) rd_log(RD_LOG_DEBUG, __VA_ARGS__)
#define rd_log_info(...) rd_log(RD_LOG_INFO, __VA_ARGS__)
#define rd_log_warn(...) rd_log(RD_LOG_WARN, __VA_ARGS__)
#define rd_log_error(...) rd_log(RD_LOG_ERROR, __VA_ARGS__)

#endif
