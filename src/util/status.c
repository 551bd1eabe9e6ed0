/* util/status.c - lookups in the status table and filling an rd_error. */
#include "util/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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
rd_error_set(struct rd_error *err, enum rd_status code, const char *field,
             const char *fmt, ...)
{
  if (!err)
    return code;
  err->code = code;
  snprintf(err->field, sizeof err->field, "%s", field ? field : "");
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->detail, sizeof err->detail, fmt, ap);
  va_end(ap);
  return code;
}
