/* util/status.h - the one table of outcomes: each status, its HTTP code and API name.
 *
 * Fallible functions return enum rd_status and take struct rd_error *err last;
 * on failure they fill err with the code, the offending field (may be empty) and a
 * human detail. Only the HTTP layer turns an rd_error into a response.
 */
#ifndef RD_UTIL_STATUS_H
#define RD_UTIL_STATUS_H

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

/* One failure: which status, which request field (empty when none), and why. */
struct rd_error {
  enum rd_status code;
  char field[64];
  char detail[256];
};

/* HTTP status code of s (500 for an unknown value). */
int rd_status_http(enum rd_status s);

/* Stable API name of s, used in problem+json "type" (e.g. "invalid"). */
const char *rd_status_name(enum rd_status s);

/* Fills err (when not NULL) and returns code, so callers can write
 * `return rd_error_set(err, RD_E_INVALID, "severity", "must be 1 to 5");`.
 * field may be NULL. detail is a printf format. */
enum rd_status rd_error_set(struct rd_error *err, enum rd_status code,
                            const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
