/* util/status.c - lookups in the status table and filling an rd_error. */
#include "util/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/message.h"

static const struct {
  int http;
  const char *name;
} statuses[] = {
#define RD_STATUS_ROW(name, http, api) {http, api},
    RD_STATUS_TABLE(RD_STATUS_ROW)
#undef RD_STATUS_ROW
};

int
rd_status_http(enum rd_status s)
{
  if ((unsigned)s >= RD_STATUS_COUNT)
    return 500;
  return statuses[s].http;
}

const char *
rd_status_name(enum rd_status s)
{
  if ((unsigned)s >= RD_STATUS_COUNT)
    return "internal";
  return statuses[s].name;
}

enum rd_status
rd_error_setv(struct rd_error *err, enum rd_status code, const char *field,
              const char *fmt, va_list ap)
{
  if (!err)
    return code;
  err->code = code;
  snprintf(err->field, sizeof err->field, "%s", field ? field : "");
  /* Both languages from the same arguments; the catalog guarantees the
   * translation's conversions match fmt's in type and order. */
  const char *zh = rd_message_zh(fmt);
  va_list again;
  va_copy(again, ap);
  vsnprintf(err->detail, sizeof err->detail, fmt, ap);
  if (zh)
    rd_message_vformat(err->detail_zh, sizeof err->detail_zh, zh, again);
  else
    err->detail_zh[0] = '\0';
  va_end(again);
  return code;
}

enum rd_status
rd_error_set(struct rd_error *err, enum rd_status code, const char *field,
             const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  rd_error_setv(err, code, field, fmt, ap);
  va_end(ap);
  return code;
}

enum rd_status
rd_error_text(struct rd_error *err, enum rd_status code, const char *field,
              const char *msg)
{
  if (!err)
    return code;
  err->code = code;
  snprintf(err->field, sizeof err->field, "%s", field ? field : "");
  snprintf(err->detail, sizeof err->detail, "%s", msg);
  const char *zh = rd_message_zh(msg);
  snprintf(err->detail_zh, sizeof err->detail_zh, "%s", zh ? zh : "");
  return code;
}
