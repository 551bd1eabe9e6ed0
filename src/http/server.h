/* http/server.h - the HTTP server: libmicrohttpd, the route table, the handlers.
 *
 * The only module that includes <microhttpd.h>. rd_http_start() serves until
 * rd_http_stop(); the service is borrowed and must outlive the server.
 */
#ifndef RD_HTTP_SERVER_H
#define RD_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "util/status.h"

struct rd_service;
struct rd_http;

struct rd_http_options {
  const char *listen;          /* "127.0.0.1:8080" or "[::1]:8080"; port 0 picks one */
  size_t json_body_max_bytes;  /* default 1 MiB; larger bodies get 413 */
  const char *trusted_proxies; /* comma-separated addresses whose X-Forwarded-For
                                  is believed (http/client_addr.h); NULL: none */
  unsigned client_timeout_s;   /* default 30: a connection silent this long is
                                  closed, and a body still arriving
                                  BODY_DEADLINE_FACTOR times this long after its
                                  headers is cut (slow clients, docs/http.md) */
};

/* How many client timeouts a request body may take in all: one byte per
 * interval would otherwise hold a connection (and its thread) for ever,
 * since the idle timeout restarts at every byte. Generous, so a photo over a
 * slow mobile link still arrives: 5 MiB in 2 minutes is 44 KB/s. */
enum { RD_HTTP_BODY_DEADLINE_FACTOR = 4 };

/* Starts serving. RD_E_UNAVAILABLE (with the reason) when the address cannot
 * be bound; RD_E_INVALID (field trusted_proxy) for a list that is not addresses. *out is released with rd_http_stop(). */
enum rd_status rd_http_start(struct rd_service *svc,
                             const struct rd_http_options *opt,
                             struct rd_http **out, struct rd_error *err);

/* The port actually bound (useful with port 0). */
unsigned rd_http_port(const struct rd_http *h);

/* The graceful half of a stop: stops accepting connections (a new one is
 * refused), then waits until every request already begun — its body still
 * arriving included — has been answered, at most timeout_s seconds. Answers
 * sent meanwhile close their connection, so keep-alive clients go elsewhere.
 * Returns the number of requests still in flight at the deadline (0: all
 * finished). Call rd_http_stop() next. Accepts NULL. */
int rd_http_drain(struct rd_http *h, unsigned timeout_s);

/* Stops accepting, closes every connection (a request whose handler runs
 * finishes it first; a body still arriving is cut: rd_http_drain() first to
 * let it arrive), frees. Accepts NULL. */
void rd_http_stop(struct rd_http *h);

#endif
