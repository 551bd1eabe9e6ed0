/* util/status.h - the one table of outcomes: each status, its HTTP code and API name.
 *
 * Fallible functions return enum rd_status and take struct rd_error *err last;
 * on failure they fill err with the code, the offending field (may be empty) and a
 * human detail. Only the HTTP layer turns an rd_error into a response.
 */
#ifndef RD_UTIL_STATUS_H
#define RD_UTIL_STATUS_H

#include <stdarg.h>

/*        constant              http  api name          */
#define RD_STATUS_TABLE(X)                                  \
  X(RD_OK,                      200, "ok")                  \
  X(RD_E_MALFORMED,             400, "malformed")           \
  X(RD_E_UNAUTHORIZED,          401, "unauthorized")        \
  X(RD_E_FORBIDDEN,             403, "forbidden")           \
  X(RD_E_NOT_FOUND,             404, "not-found")           \
  X(RD_E_METHOD,                405, "method-not-allowed")  \
  X(RD_E_CONFLICT,              409, "version-conflict")    \
  X(RD_E_DUPLICATE,             409, "duplicate")           \
  X(RD_E_TOO_LARGE,             413, "too-large")           \
  X(RD_E_UNSUPPORTED_MEDIA,     415, "unsupported-media-type") \
  X(RD_E_INVALID,               422, "invalid")             \
  X(RD_E_ILLEGAL_STATE,         422, "illegal-transition")  \
  X(RD_E_RATE_LIMITED,          429, "rate-limited")        \
  X(RD_E_INTERNAL,              500, "internal")            \
  X(RD_E_UNAVAILABLE,           503, "unavailable")

enum rd_status {
#define RD_STATUS_ENUM(name, http, api) name,
  RD_STATUS_TABLE(RD_STATUS_ENUM)
#undef RD_STATUS_ENUM
  RD_STATUS_COUNT
};

/* One failure: which status, which request field (empty when none), and why,
 * in English and in Simplified Chinese (util/message.h's catalog; empty when
 * the format has no translation, and then the English detail stands in). */
struct rd_error {
  enum rd_status code;
  char field[64];
  char detail[256];
  char detail_zh[384];   /* UTF-8: a Chinese character takes 3 bytes */
};

/* HTTP status code of s (500 for an unknown value). */
int rd_status_http(enum rd_status s);

/* Stable API name of s, used in problem+json "type" (e.g. "invalid"). */
const char *rd_status_name(enum rd_status s);

/* Fills err (when not NULL) and returns code, so callers can write
 * `return rd_error_set(err, RD_E_INVALID, "severity", "must be 1 to 5");`.
 * field may be NULL. fmt is a printf format in English, written as a literal
 * so the catalog check finds it; the same arguments also fill detail_zh
 * through fmt's Chinese translation (util/message.h). */
enum rd_status rd_error_set(struct rd_error *err, enum rd_status code,
                            const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* rd_error_set with a va_list (ap is used, not ended). */
enum rd_status rd_error_setv(struct rd_error *err, enum rd_status code,
                             const char *field, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

/* A message without arguments taken from a table (marked RD_MSG("...")
 * where it is written), translated like a format but never formatted. */
enum rd_status rd_error_text(struct rd_error *err, enum rd_status code,
                             const char *field, const char *msg);

#endif
