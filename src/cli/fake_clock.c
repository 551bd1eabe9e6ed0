/* cli/fake_clock.c - REDRESS_FAKE_NOW: a clock the tests can move.
 *
 * Time limits, warnings and escalations happen hours and days after a
 * complaint is registered; a test cannot wait for them. When the variable
 * REDRESS_FAKE_NOW names a file, the service's "now" is the RFC 3339
 * instant written in that file, read again whenever the file changes, so a
 * test moves time by rewriting it. Without the variable nothing changes.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>

#include "service/service.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/time.h"

struct fake_clock {
  char *path;
  pthread_mutex_t lock;
  struct timespec mtime;
  int64_t now;
};

static int64_t
fake_now(void *ctx)
{
  struct fake_clock *f = ctx;
  struct stat sb;
  int64_t now;

  pthread_mutex_lock(&f->lock);
  if (stat(f->path, &sb) == 0 &&
      (sb.st_mtim.tv_sec != f->mtime.tv_sec || sb.st_mtim.tv_nsec != f->mtime.tv_nsec)) {
    char text[64] = "";
    FILE *in = fopen(f->path, "r");
    struct rd_error err = {0};
    int64_t t;
    if (in) {
      if (fgets(text, sizeof text, in) == NULL)
        text[0] = '\0';
      fclose(in);
    }
    text[strcspn(text, "\r\n")] = '\0';
    if (rd_time_parse(text, &t, "REDRESS_FAKE_NOW", &err) == RD_OK) {
      f->now = t;
      f->mtime = sb.st_mtim;
    } else {
      rd_log_warn("REDRESS_FAKE_NOW: %s holds \"%s\", not an RFC 3339 time; "
                  "keeping the previous one", f->path, text);
    }
  }
  now = f->now;
  pthread_mutex_unlock(&f->lock);
  return now;
}

struct fake_clock *
rd_cli_fake_clock_install(struct rd_service *svc)
{
  const char *path = getenv("REDRESS_FAKE_NOW");
  struct fake_clock *f;

  if (path == NULL || *path == '\0')
    return NULL;
  f = rd_xcalloc(1, sizeof *f);
  f->path = rd_xstrdup(path);
  pthread_mutex_init(&f->lock, NULL);
  f->now = rd_time_now();
  fake_now(f);
  rd_service_set_clock(svc, fake_now, f);
  rd_log_warn("the clock is faked: \"now\" is the time written in %s "
              "(REDRESS_FAKE_NOW, for tests)", path);
  return f;
}

void
rd_cli_fake_clock_free(struct fake_clock *f)
{
  if (f == NULL)
    return;
  pthread_mutex_destroy(&f->lock);
  free(f->path);
  free(f);
}
