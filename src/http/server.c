/* http/server.c - libmicrohttpd glue: one thread per connection, body caps,
 * routing, authentication before the body is read, one arena per request.
 *
 * Thread per connection because a write blocks its thread until the group
 * commit is durable (tens of ms of fsync): a thread pool of a few workers
 * would serialise writers behind that wait. (MHD cannot combine epoll with
 * thread-per-connection, so poll() is used.)
 */
#include "http/server.h"

#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http/auth.h"
#include "http/metrics.h"
#include "http/openapi.h"
#include "http/params.h"
#include "http/request.h"
#include "http/routes.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/mem.h"

enum {
  JSON_BODY_DEFAULT = 1024 * 1024,
  CONNECTION_LIMIT = 512,
  CONNECTION_TIMEOUT_DEFAULT_S = 30,
  CONNECTION_MEMORY = 32 * 1024,   /* headers + read buffer per connection; MHD zeroes it per request, so no bigger than needed */
  BODY_FIRST_CHUNK = 16 * 1024,
};

static int64_t
mono_us(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
log_mhd(void *cls, const char *fmt, va_list ap)
{
  char line[512];
  vsnprintf(line, sizeof line, fmt, ap);
  size_t n = strlen(line);
  while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
    line[--n] = '\0';
  rd_log_warn("microhttpd: %s", line);
}

/* Whether the request announces a body (Content-Length > 0 or chunked). */
static bool
has_body(struct MHD_Connection *conn, long long *content_length)
{
  const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                               MHD_HTTP_HEADER_CONTENT_LENGTH);
  const char *te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                               MHD_HTTP_HEADER_TRANSFER_ENCODING);
  *content_length = cl ? strtoll(cl, NULL, 10) : -1;
  return (cl && *content_length > 0) || te;
}

/* MHD_get_connection_values_n callback: stops at the first query argument
 * with a NUL inside (%00), whose C string would end early and say less than
 * the client sent; *cls is set to its name. */
static enum MHD_Result
find_nul_argument(void *cls, enum MHD_ValueKind kind, const char *key,
                  size_t key_size, const char *value, size_t value_size)
{
  if (strlen(key) != key_size || (value && strlen(value) != value_size)) {
    *(const char **)cls = key;
    return MHD_NO;
  }
  return MHD_YES;
}

static void
reply_too_large(struct rd_request *req)
{
  rd_reply_error(req, RD_E_TOO_LARGE, NULL, "the body is larger than %zu bytes",
                 req->body_max);
}

/* First call for a request: route it, authenticate, and refuse what can be
 * refused from the headers alone. A refusal of a request with a body is sent
 * at once, so the body is never read (MHD then closes the connection); one
 * without a body waits for the next call, which keeps the connection alive. */
static void
begin_request(struct rd_request *req)
{
  const char *allow = NULL;
  long long content_length;
  size_t n_routes;
  const struct rd_route *routes = rd_routes(&n_routes);
  bool body = has_body(req->conn, &content_length);
  struct rd_error *err = &req->refusal;

  /* MHD has decoded the path's %XX: what is not UTF-8 names nothing here,
   * and no handler or database should see (or echo) such bytes. */
  if (!rd_http_utf8_valid(req->path)) {
    rd_error_set(err, RD_E_NOT_FOUND, NULL, "no such resource: the path is not valid UTF-8");
    goto refuse;
  }
  switch (rd_route_match(req, req->method, req->path, &req->route, &allow)) {
  case RD_ROUTE_NO_PATH:
    rd_error_set(err, RD_E_NOT_FOUND, NULL, "no such resource: %s", req->path);
    goto refuse;
  case RD_ROUTE_NO_METHOD:
    rd_reply_header(req, MHD_HTTP_HEADER_ALLOW, allow);
    rd_error_set(err, RD_E_METHOD, NULL, "%s is not allowed here; use %s",
                 req->method, allow);
    goto refuse;
  case RD_ROUTE_FOUND:
    break;
  }
  const struct rd_route *r = &routes[req->route];
  req->body_max = r->body == RD_BODY_RAW ? RD_HTTP_UPLOAD_MAX
                                         : req->http->opt.json_body_max_bytes;
  if (content_length > 0 && (unsigned long long)content_length > req->body_max) {
    rd_error_set(err, RD_E_TOO_LARGE, NULL, "the body is larger than %zu bytes",
                 req->body_max);
    goto refuse;
  }
  const char *nul_arg = NULL;
  MHD_get_connection_values_n(req->conn, MHD_GET_ARGUMENT_KIND, find_nul_argument,
                              &nul_arg);
  if (nul_arg) {
    const char *name = *nul_arg && rd_http_utf8_valid(nul_arg) ? nul_arg : "query";
    rd_error_set(err, RD_E_INVALID, name, "%s must not contain a NUL character (%%00)",
                 name);
    goto refuse;
  }
  if (r->auth == RD_AUTH_USER && rd_auth_request(req, err) != RD_OK)
    goto refuse;
  if (content_length > 0) {
    req->body_cap = (size_t)content_length + 1;
    req->body = rd_arena_alloc(req->arena, req->body_cap);
  }
  return;
refuse:
  req->refused = true;
  if (body)
    rd_reply_problem(req, err);
}

/* Appends an upload chunk; false when it would pass the cap (nothing kept). */
static bool
append_body(struct rd_request *req, const char *data, size_t n)
{
  if (req->body_len + n > req->body_max)
    return false;
  if (req->body_len + n + 1 > req->body_cap) {
    /* Chunked upload: grow by doubling (the old block stays in the arena,
     * bounded by the cap). */
    size_t cap = req->body_cap ? req->body_cap * 2 : BODY_FIRST_CHUNK;
    while (cap < req->body_len + n + 1)
      cap *= 2;
    if (cap > req->body_max + 1)
      cap = req->body_max + 1;
    char *grown = rd_arena_alloc(req->arena, cap);
    if (req->body_len)
      memcpy(grown, req->body, req->body_len);
    req->body = grown;
    req->body_cap = cap;
  }
  memcpy(req->body + req->body_len, data, n);
  req->body_len += n;
  req->body[req->body_len] = '\0';
  return true;
}

static void
dispatch(struct rd_request *req)
{
  size_t n_routes;
  const struct rd_route *routes = rd_routes(&n_routes);
  routes[req->route].handler(req);
  if (!req->status)
    rd_reply_error(req, RD_E_INTERNAL, NULL, "the handler sent no reply");
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
           const char *method, const char *version, const char *upload_data,
           size_t *upload_data_size, void **con_cls)
{
  struct rd_http *h = cls;
  struct rd_request *req = *con_cls;

  if (!req) {
    req = rd_xcalloc(1, sizeof *req);
    req->start_us = mono_us();
    req->http = h;
    req->svc = h->svc;
    req->conn = conn;
    req->arena = rd_arena_new();
    req->method = rd_arena_strdup(req->arena, method);
    req->path = rd_arena_strdup(req->arena, url);
    req->route = -1;
    *con_cls = req;
    atomic_fetch_add(&h->in_flight, 1);
    begin_request(req);
    return MHD_YES;
  }
  if (*upload_data_size) {
    if (mono_us() - req->start_us >
        (int64_t)h->opt.client_timeout_s * RD_HTTP_BODY_DEADLINE_FACTOR * 1000000) {
      /* A trickling body: close the connection (no answer could be read
       * before the body ends, and waiting for that is what we refuse). */
      rd_log_warn("http: %s %s: body still arriving after %us; connection closed",
                  req->method, req->path,
                  h->opt.client_timeout_s * RD_HTTP_BODY_DEADLINE_FACTOR);
      return MHD_NO;
    }
    if (!req->status && !req->refused && !req->body_too_large &&
        !append_body(req, upload_data, *upload_data_size)) {
      /* Refuse at once when MHD lets us; otherwise the rest is discarded
       * unbuffered and the 413 goes out at the end. */
      req->body_too_large = true;
      reply_too_large(req);
    }
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (!req->status) {
    if (req->refused)
      rd_reply_problem(req, &req->refusal);
    else if (req->body_too_large)
      reply_too_large(req);
    else
      dispatch(req);
  }
  return MHD_YES;
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
  struct rd_http *h = cls;
  struct rd_request *req = *con_cls;
  if (!req)
    return;
  rd_metrics_record(h->metrics, req->route, req->method, req->status,
                    mono_us() - req->start_us);
  rd_arena_free(req->arena);
  free(req);
  *con_cls = NULL;
  atomic_fetch_sub(&h->in_flight, 1);
}

enum rd_status
rd_http_start(struct rd_service *svc, const struct rd_http_options *opt,
              struct rd_http **out, struct rd_error *err)
{
  struct sockaddr_storage addr;
  socklen_t addr_len;
  size_t n_routes;

  *out = NULL;
  if (rd_http_parse_listen(opt->listen, &addr, &addr_len, err) != RD_OK) {
    /* The parser's detail (both languages) stands; only the status and
     * field change. */
    err->code = RD_E_UNAVAILABLE;
    snprintf(err->field, sizeof err->field, "listen");
    return err->code;
  }

  struct rd_trusted_proxies trusted;
  char bad[64];
  if (!rd_trusted_proxies_parse(opt->trusted_proxies, &trusted, bad, sizeof bad))
    return rd_error_set(err, RD_E_INVALID, "trusted_proxy",
                        "%s is not an IP address (at most %d, separated by commas)",
                        bad, RD_TRUSTED_PROXIES_MAX);

  struct rd_http *h = rd_xcalloc(1, sizeof *h);
  h->svc = svc;
  h->trusted = trusted;
  h->opt = *opt;
  h->listen_copy = rd_xstrdup(opt->listen);
  h->opt.listen = h->listen_copy;
  if (!h->opt.json_body_max_bytes)
    h->opt.json_body_max_bytes = JSON_BODY_DEFAULT;
  if (!h->opt.client_timeout_s)
    h->opt.client_timeout_s = CONNECTION_TIMEOUT_DEFAULT_S;
  rd_routes(&n_routes);
  h->metrics = rd_metrics_new(n_routes);
  h->throttle = rd_throttle_new(svc);
  h->portal_limits = rd_throttle_new(svc);
  h->openapi_json = rd_openapi_render(&h->openapi_len);

  unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                   MHD_USE_POLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
  if (addr.ss_family == AF_INET6)
    flags |= MHD_USE_IPv6;
  h->daemon = MHD_start_daemon(
      flags, 0, NULL, NULL, on_request, h,
      MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
      MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
      MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTION_LIMIT,
      MHD_OPTION_CONNECTION_TIMEOUT, h->opt.client_timeout_s,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
      MHD_OPTION_END);
  if (!h->daemon) {
    rd_http_stop(h);
    return rd_error_set(err, RD_E_UNAVAILABLE, "listen",
                        "cannot listen on %s (address in use or not local?)",
                        opt->listen);
  }
  const union MHD_DaemonInfo *info =
      MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
  h->port = info ? info->port : 0;
  *out = h;
  return RD_OK;
}

unsigned
rd_http_port(const struct rd_http *h)
{
  return h ? h->port : 0;
}

int
rd_http_drain(struct rd_http *h, unsigned timeout_s)
{
  if (!h || !h->daemon)
    return 0;
  atomic_store(&h->draining, true);
  if (!h->quiesced) {
    /* The listening socket comes back to us: closing it makes a new
     * connection fail at once (a proxy tries the next node) instead of
     * waiting in the backlog for a server that will not accept it. */
    MHD_socket s = MHD_quiesce_daemon(h->daemon);
    if (s != MHD_INVALID_SOCKET)
      close(s);
    h->quiesced = true;
  }
  int64_t deadline = mono_us() + (int64_t)timeout_s * 1000000;
  int left;
  while ((left = atomic_load(&h->in_flight)) > 0 && mono_us() < deadline) {
    struct timespec pause = {0, 20 * 1000 * 1000};
    nanosleep(&pause, NULL);
  }
  return left;
}

void
rd_http_stop(struct rd_http *h)
{
  if (!h)
    return;
  if (h->daemon) {
    /* Stop accepting first; MHD_stop_daemon then closes the connections and
     * joins their threads, so handlers running finish before the service
     * goes away. */
    if (!h->quiesced) {
      MHD_socket s = MHD_quiesce_daemon(h->daemon);
      if (s != MHD_INVALID_SOCKET)
        close(s);
    }
    MHD_stop_daemon(h->daemon);
  }
  rd_metrics_free(h->metrics);
  rd_throttle_free(h->throttle);
  rd_throttle_free(h->portal_limits);
  free(h->openapi_json);
  free(h->listen_copy);
  free(h);
}
