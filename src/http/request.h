/* http/request.h - one HTTP request as the handlers see it, and the replies.
 *
 * A request lives from its first byte to the completion callback; everything
 * it allocates comes from req->arena, which server.c frees at completion.
 * Handlers read req, make one service call and send exactly one reply.
 */
#ifndef RD_HTTP_REQUEST_H
#define RD_HTTP_REQUEST_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/server.h"
#include "service/service.h"
#include "util/buf.h"
#include "util/status.h"

struct MHD_Connection;
struct MHD_Daemon;
struct rd_arena;
struct rd_metrics;
struct rd_throttle;

#include "http/client_addr.h"

enum { RD_ROUTE_MAX_PARAMS = 4, RD_REPLY_MAX_HEADERS = 8 };

/* The running server (owned by rd_http_start/rd_http_stop). */
struct rd_http {
  struct MHD_Daemon *daemon;
  struct rd_service *svc;
  struct rd_http_options opt;  /* opt.listen points at listen_copy */
  char *listen_copy;
  unsigned port;
  struct rd_throttle *throttle;      /* failed sign-ins */
  struct rd_throttle *portal_limits; /* the public portal's requests */
  struct rd_trusted_proxies trusted;  /* whose X-Forwarded-For counts */
  struct rd_metrics *metrics;
  char *openapi_json;          /* rendered once at start */
  size_t openapi_len;
  /* Requests begun and not yet completed (headers seen, answer not yet
   * sent), and whether the server is draining them to stop (rd_http_drain):
   * then every answer also closes its connection. */
  atomic_int in_flight;
  atomic_bool draining;
  bool quiesced;               /* the listening socket handed back and closed */
};

struct rd_request {
  struct rd_http *http;
  struct rd_service *svc;
  struct MHD_Connection *conn;
  struct rd_arena *arena;
  const char *method;          /* as sent ("HEAD" is routed as GET) */
  const char *path;            /* decoded, without the query string */
  int route;                   /* index into the route table, -1 when none */

  size_t n_params;             /* path parameters, in pattern order */
  const char *param_names[RD_ROUTE_MAX_PARAMS];
  const char *param_values[RD_ROUTE_MAX_PARAMS];

  char *body;                  /* NUL-terminated upload (arena), NULL when none */
  size_t body_len, body_cap, body_max;
  bool body_too_large;
  bool refused;                /* refusal decided from the headers, sent ... */
  struct rd_error refusal;     /* ... at the first call when a body follows */

  bool authenticated;
  struct rd_principal who;     /* valid when authenticated */
  const char *session_token;   /* the cookie's secret, when signed in by cookie */
  const char *csrf_token;      /* the session's CSRF token, when by cookie */

  unsigned status;             /* the status code sent, 0 before the reply */
  int64_t start_us;            /* monotonic, for the duration histogram */
  size_t n_headers;            /* extra headers for the reply */
  const char *header_names[RD_REPLY_MAX_HEADERS];
  const char *header_values[RD_REPLY_MAX_HEADERS];
};

typedef void (*rd_handler_fn)(struct rd_request *req);

/* ---- reading the request (results live as long as the request) ---------- */

/* The path parameter called name ("id"), or NULL. */
const char *rd_request_param(const struct rd_request *req, const char *name);
/* A query-string argument (decoded), or NULL when absent. */
const char *rd_request_query(const struct rd_request *req, const char *name);
/* A request header, or NULL. */
const char *rd_request_header(const struct rd_request *req, const char *name);
/* The session cookie's value, or NULL. */
const char *rd_request_cookie(const struct rd_request *req, const char *name);
/* The client's address as text ("127.0.0.1", "::1"), "unknown" when not known:
 * the peer, or behind a trusted proxy the address it forwarded for. */
const char *rd_request_client_ip(const struct rd_request *req);
/* Whether the request came over TLS: only a trusted proxy can say so
 * (X-Forwarded-Proto: https); this server itself speaks plain HTTP. */
bool rd_request_over_tls(const struct rd_request *req);

/* ---- replying (exactly one reply per request) ---------------------------- */

/* Adds a header to the coming reply (name and value must outlive the request). */
void rd_reply_header(struct rd_request *req, const char *name, const char *value);

/* Sends b's JSON with status and the standard headers; takes b's data (b is
 * left empty). */
void rd_reply_json(struct rd_request *req, unsigned status, struct rd_buf *b);

/* Sends a static JSON text (not copied; must outlive the request). */
void rd_reply_json_static(struct rd_request *req, unsigned status,
                          const char *json, size_t len);

/* Sends len bytes of data with content_type. When borrowed is true, data
 * must stay valid until the request completes (arena memory does); otherwise
 * it is copied. */
void rd_reply_bytes(struct rd_request *req, unsigned status,
                    const char *content_type, const void *data, size_t len,
                    bool borrowed);

/* Sends a reply with no body (204, or a status with only headers). */
void rd_reply_empty(struct rd_request *req, unsigned status);

/* Sends err as application/problem+json with its status's HTTP code. */
void rd_reply_problem(struct rd_request *req, const struct rd_error *err);

/* rd_error_set + rd_reply_problem in one call. */
void rd_reply_error(struct rd_request *req, enum rd_status code,
                    const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
