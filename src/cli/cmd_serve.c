/* cli/cmd_serve.c - `redress serve`: the HTTP server until SIGINT or SIGTERM.
 *
 * The signals are blocked before any thread starts (so every server thread
 * inherits the mask) and collected with sigwait() on the main thread: no
 * async-signal handler, no flag polling.
 */
#include "cli/cli.h"

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

enum { O_DB, O_LISTEN, O_TRUSTED_PROXY, O_CLIENT_TIMEOUT, O_SESSION_IDLE,
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

/* Whether text (NULL: not given, *out stays 0) is a whole number 1..max. */
static bool
whole_number(const char *text, unsigned long max, unsigned long *out)
{
  char *end;
  if (!text)
    return true;
  *out = strtoul(text, &end, 10);
  return *end == '\0' && end != text && text[0] != '-' && *out >= 1 && *out <= max;
}

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

  unsigned long client_timeout = 0;
  if (v[O_CLIENT_TIMEOUT]) {
    char *end;
    client_timeout = strtoul(v[O_CLIENT_TIMEOUT], &end, 10);
    if (*end || end == v[O_CLIENT_TIMEOUT] || v[O_CLIENT_TIMEOUT][0] == '-' ||
        client_timeout < 1 || client_timeout > CLIENT_TIMEOUT_MAX_S)
      return rd_cli_usage_error(stderr, "serve",
                                "option --client-timeout wants whole seconds from 1 to %d, "
                                "not '%s'", CLIENT_TIMEOUT_MAX_S, v[O_CLIENT_TIMEOUT]);
  }

  struct rd_service_config cfg = {0};
  unsigned long idle_min = 0, max_h = 0;
  if (!whole_number(v[O_SESSION_IDLE], SESSION_IDLE_MAX_MIN, &idle_min))
    return rd_cli_usage_error(stderr, "serve",
                              "option --session-idle wants whole minutes from 1 to %d, not '%s'",
                              SESSION_IDLE_MAX_MIN, v[O_SESSION_IDLE]);
  if (!whole_number(v[O_SESSION_MAX], SESSION_MAX_MAX_H, &max_h))
    return rd_cli_usage_error(stderr, "serve",
                              "option --session-max wants whole hours from 1 to %d, not '%s'",
                              SESSION_MAX_MAX_H, v[O_SESSION_MAX]);
  cfg.session_idle_s = (int)idle_min * 60;
  cfg.session_ttl_s = (int)max_h * 3600;

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
  if (rd_scheduler_start(svc, 1000, &sched, &err) != RD_OK) {
    rc = rd_cli_fail("serve", "%s", err.detail);
    goto out;
  }
  rd_log_info("listening on http://%.*s:%u (database %s)", (int)(colon - listen),
              listen, rd_http_port(http), v[O_DB]);

  int sig = 0;
  if (sigwait(&stop_signals, &sig) != 0)
    sig = SIGTERM;
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
