/* cli/cmd_serve.c - `redress serve`: the HTTP server until SIGINT or SIGTERM.
 *
 * The signals are blocked before any thread starts (so every server thread
 * inherits the mask) and collected with sigwait() on the main thread: no
 * async-signal handler, no flag polling.
 */
#include "cli/cli.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/client_addr.h"
#include "http/server.h"
#include "jobs/scheduler.h"
#include "service/service.h"
#include "store/store.h"
#include "util/log.h"

/* Seconds a stop waits for requests in flight (rd_http_drain). */
enum { DRAIN_S = 30 };

/* Memory. Every connection has a thread of its own (http/server.c), and
 * glibc gives threads malloc arenas of their own, up to eight per core;
 * what one connection frees stays in its arena until that arena is reused,
 * so the resident size followed the number of arenas touched, not what was
 * in use (BENCHMARKS.md, Soak). Four arenas are plenty for two cores'
 * worth of requests, and every minute the free memory at the top and in
 * the middle of the arenas goes back to the system. */
enum { MALLOC_ARENAS = 4, TRIM_EVERY_S = 60 };

enum { O_DB, O_LISTEN, O_TRUSTED_PROXY, O_CLIENT_TIMEOUT, O_RETENTION_DAYS, O_SESSION_IDLE,
       O_SESSION_MAX, O_COUNT };
enum { CLIENT_TIMEOUT_MAX_S = 3600 };
/* A week of idling or a month signed in is already more than a shared
 * office PC should allow; the bounds also keep the seconds in an int. */
enum { SESSION_IDLE_MAX_MIN = 7 * 24 * 60, SESSION_MAX_MAX_H = 31 * 24 };

static const struct rd_cli_option options[O_COUNT] = {
  [O_DB] = {"db", "FILE", true, "the database: a SQLite file path or a postgresql:// URI (pool_size=N sets the connection pool)"},
  [O_LISTEN] = {"listen", "HOST:PORT", false,
                "address to serve on (default 127.0.0.1:8080; port 0 picks a free one)"},
  [O_TRUSTED_PROXY] = {"trusted-proxy", "ADDRS", false,
                       "reverse proxies (IP addresses, comma-separated) whose X-Forwarded-For "
                       "names the client, for per-address limits"},
  [O_CLIENT_TIMEOUT] = {"client-timeout", "SECONDS", false,
                        "close a connection silent this long, and cut a request body "
                        "still arriving 4 times this long after its headers (default 30)"},
  [O_RETENTION_DAYS] = {"retention-days", "DAYS", false,
                        "anonymise complaints closed more than DAYS days ago, once a day "
                        "(one node of several does it; 0 = off, the default; docs/retention.md)"},
  [O_SESSION_IDLE] = {"session-idle", "MINUTES", false,
                      "end a sign-in session unused this long (default 30; counted to "
                      "about a minute)"},
  [O_SESSION_MAX] = {"session-max", "HOURS", false,
                     "end a sign-in session this long after sign-in, used or not (default 12)"},
};

const struct rd_cli_command rd_cli_cmd_serve = {
  .path = "serve",
  .summary = "serve the JSON API, the web console and the customer portal",
  .details = "Applies pending migrations first, so an upgraded binary works on an\n"
             "older database. Stops cleanly on SIGINT or SIGTERM: refuses new\n"
             "connections and finishes the requests begun (bodies still arriving\n"
             "too) for up to 30 seconds.",
  .options = options,
  .n_options = O_COUNT,
};

int
rd_cli_serve(int argc, char **argv)
{
  const char *v[O_COUNT];
  switch (rd_cli_parse(&rd_cli_cmd_serve, argc, argv, v, stdout, stderr)) {
  case RD_CLI_PARSED: break;
  case RD_CLI_HELP: return RD_EXIT_OK;
  default: return RD_EXIT_USAGE;
  }
  const char *listen = v[O_LISTEN] ? v[O_LISTEN] : "127.0.0.1:8080";
  const char *colon = strrchr(listen, ':');
  if (!colon || colon == listen || !colon[1])
    return rd_cli_usage_error(stderr, "serve",
                              "option --listen wants HOST:PORT, not '%s'", listen);
  struct rd_trusted_proxies trusted;
  char bad[64];
  if (!rd_trusted_proxies_parse(v[O_TRUSTED_PROXY], &trusted, bad, sizeof bad))
    return rd_cli_usage_error(stderr, "serve",
                              "option --trusted-proxy wants IP addresses separated by commas "
                              "(at most %d), not '%s'", RD_TRUSTED_PROXIES_MAX, bad);

  long client_timeout = 0;
  if (v[O_CLIENT_TIMEOUT] &&
      !rd_cli_parse_whole(v[O_CLIENT_TIMEOUT], 1, CLIENT_TIMEOUT_MAX_S, &client_timeout))
    return rd_cli_usage_error(stderr, "serve",
                              "option --client-timeout wants whole seconds from 1 to %d, "
                              "not '%s'", CLIENT_TIMEOUT_MAX_S, v[O_CLIENT_TIMEOUT]);

  long retention_days = 0;
  if (v[O_RETENTION_DAYS] &&
      !rd_cli_parse_whole(v[O_RETENTION_DAYS], 0, RD_RETENTION_DAYS_MAX, &retention_days))
    return rd_cli_usage_error(stderr, "serve",
                              "option --retention-days wants whole days from 0 (off) to %d, "
                              "not '%s'", RD_RETENTION_DAYS_MAX, v[O_RETENTION_DAYS]);

  struct rd_service_config cfg = {0};
  long idle_min = 0, max_h = 0;
  if (v[O_SESSION_IDLE] &&
      !rd_cli_parse_whole(v[O_SESSION_IDLE], 1, SESSION_IDLE_MAX_MIN, &idle_min))
    return rd_cli_usage_error(stderr, "serve",
                              "option --session-idle wants whole minutes from 1 to %d, not '%s'",
                              SESSION_IDLE_MAX_MIN, v[O_SESSION_IDLE]);
  if (v[O_SESSION_MAX] &&
      !rd_cli_parse_whole(v[O_SESSION_MAX], 1, SESSION_MAX_MAX_H, &max_h))
    return rd_cli_usage_error(stderr, "serve",
                              "option --session-max wants whole hours from 1 to %d, not '%s'",
                              SESSION_MAX_MAX_H, v[O_SESSION_MAX]);
  cfg.session_idle_s = (int)idle_min * 60;
  cfg.session_ttl_s = (int)max_h * 3600;

  mallopt(M_ARENA_MAX, MALLOC_ARENAS);

  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
  signal(SIGPIPE, SIG_IGN);   /* a client gone mid-reply must not kill us */

  struct rd_store *st = NULL;
  struct rd_service *svc = NULL;
  struct fake_clock *fake = NULL;
  struct rd_http *http = NULL;
  struct rd_scheduler *sched = NULL;
  struct rd_error err = {0};
  int applied = 0;
  int rc = rd_cli_open_store("serve", v[O_DB], &st, &applied);
  if (rc != RD_EXIT_OK)
    return rc;
  if (applied > 0)
    rd_log_info("applied %d migration%s to %s", applied, applied == 1 ? "" : "s",
                v[O_DB]);

  svc = rd_service_new(st, &cfg);
  fake = rd_cli_fake_clock_install(svc);
  struct rd_http_options hopt = {.listen = listen, .trusted_proxies = v[O_TRUSTED_PROXY],
                                 .client_timeout_s = (unsigned)client_timeout};
  if (rd_http_start(svc, &hopt, &http, &err) != RD_OK) {
    rc = rd_cli_fail("serve", "%s: %s", listen,
                     err.detail[0] ? err.detail : "cannot listen");
    goto out;
  }
  if (rd_scheduler_start(svc, 1000, (int)retention_days, &sched, &err) != RD_OK) {
    rc = rd_cli_fail("serve", "%s", err.detail);
    goto out;
  }
  rd_log_info("listening on http://%.*s:%u (database %s)", (int)(colon - listen),
              listen, rd_http_port(http), v[O_DB]);

  int sig = 0;
  for (;;) {
    struct timespec wait = {TRIM_EVERY_S, 0};
    sig = sigtimedwait(&stop_signals, NULL, &wait);
    if (sig > 0)
      break;
    if (errno == EAGAIN)
      malloc_trim(0);
    else if (errno != EINTR) {
      sig = SIGTERM;
      break;
    }
  }
  rd_log_info("received %s; shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
  /* New connections are refused from here; requests already begun finish,
   * a body still arriving included, for at most DRAIN_S: systemd's
   * TimeoutStopSec (docs/deploy.md) leaves room for the rest of the stop. */
  int left = rd_http_drain(http, DRAIN_S);
  if (left > 0)
    rd_log_warn("%d request(s) still unanswered after %d s; closing them", left, DRAIN_S);
  rc = RD_EXIT_OK;
out:
  rd_http_stop(http);
  rd_scheduler_stop(sched);
  rd_service_free(svc);
  rd_cli_fake_clock_free(fake);
  rd_store_close(st);
  if (rc == RD_EXIT_OK)
    rd_log_info("stopped");
  return rc;
}
