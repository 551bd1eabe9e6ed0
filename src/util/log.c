/* util/log.c - formats a line in a stack buffer and writes it at once. */
#include "util/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/time.h"

static atomic_int threshold = RD_LOG_INFO;

void
rd_log_set_level(enum rd_log_level level)
{
  atomic_store(&threshold, (int)level);
}

void
rd_log(enum rd_log_level level, const char *fmt, ...)
{
  static const char *names[] = {"debug", "info", "warn", "error"};
  if ((int)level < atomic_load(&threshold))
    return;
  char line[1024], when[RD_TIME_TEXT_MAX];
  int n = snprintf(line, sizeof line, "%s level=%s msg=\"",
                   rd_time_format(rd_time_now(), "UTC", when), names[level]);
  va_list ap;
  va_start(ap, fmt);
  if (n > 0 && (size_t)n < sizeof line)
    n += vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  if ((size_t)n > sizeof line - 3)
    n = (int)sizeof line - 3;
  line[n++] = '"';
  line[n++] = '\n';
  ssize_t w = write(STDERR_FILENO, line, (size_t)n);
  (void)w;
}
