/* http/reply.c - every response leaves through here: JSON, bytes, problem+json.
 *
 * Each reply carries Cache-Control: no-store (complaints hold personal data)
 * and X-Content-Type-Options: nosniff, plus the headers a handler queued.
 */
#include "http/request.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/params.h"
#include "util/arena.h"
#include "util/log.h"

/* Short titles for problem+json, one per status (the detail says the rest). */
static const char *
status_title(enum rd_status s)
{
  static const char *const titles[RD_STATUS_COUNT] = {
    [RD_OK] = "OK",
    [RD_E_MALFORMED] = "Malformed request",
    [RD_E_UNAUTHORIZED] = "Not signed in",
    [RD_E_FORBIDDEN] = "Not allowed",
    [RD_E_NOT_FOUND] = "Not found",
    [RD_E_METHOD] = "Method not allowed",
    [RD_E_CONFLICT] = "Version conflict",
    [RD_E_DUPLICATE] = "Duplicate",
    [RD_E_TOO_LARGE] = "Request too large",
    [RD_E_UNSUPPORTED_MEDIA] = "Unsupported media type",
    [RD_E_INVALID] = "Invalid input",
    [RD_E_ILLEGAL_STATE] = "Action not allowed in this state",
    [RD_E_RATE_LIMITED] = "Too many requests",
    [RD_E_INTERNAL] = "Internal error",
    [RD_E_UNAVAILABLE] = "Service unavailable",
  };
  return (unsigned)s < RD_STATUS_COUNT && titles[s] ? titles[s] : "Error";
}

void
rd_reply_header(struct rd_request *req, const char *name, const char *value)
{
  if (req->n_headers == RD_REPLY_MAX_HEADERS) {
    rd_log_error("http: too many reply headers, dropped %s", name);
    return;
  }
  req->header_names[req->n_headers] = name;
  req->header_values[req->n_headers] = value;
  req->n_headers++;
}

/* Adds the standard and queued headers, queues resp and releases our reference. */
/* Whether the handler set header name (rd_reply_header). */
static bool
handler_set(const struct rd_request *req, const char *name)
{
  for (size_t i = 0; i < req->n_headers; i++)
    if (strcasecmp(req->header_names[i], name) == 0)
      return true;
  return false;
}

static void
send_response(struct rd_request *req, unsigned status, struct MHD_Response *resp,
              const char *content_type)
{
  if (req->status) {
    /* A handler replied twice: a bug, but the first answer already left. */
    rd_log_error("http: second reply %u to %s %s ignored", status, req->method,
                 req->path);
    MHD_destroy_response(resp);
    return;
  }
  if (content_type)
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
  /* API answers are not cached; the web console's files say otherwise. */
  if (!handler_set(req, MHD_HTTP_HEADER_CACHE_CONTROL))
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
  for (size_t i = 0; i < req->n_headers; i++)
    MHD_add_response_header(resp, req->header_names[i], req->header_values[i]);
  /* Queuing fails only mid-upload (a 413 before the body ends); the status
   * stays 0 so the reply is made again once the body is over. */
  if (MHD_queue_response(req->conn, status, resp) == MHD_YES)
    req->status = status;
  else
    req->n_headers = 0;
  MHD_destroy_response(resp);
}

void
rd_reply_json(struct rd_request *req, unsigned status, struct rd_buf *b)
{
  size_t len = b->len;
  char *data = b->data;
  b->data = NULL;
  b->len = b->cap = 0;
  struct MHD_Response *resp = MHD_create_response_from_buffer(
      len, data ? data : (char *)"", data ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
  send_response(req, status, resp, "application/json; charset=utf-8");
}

void
rd_reply_json_static(struct rd_request *req, unsigned status, const char *json,
                     size_t len)
{
  struct MHD_Response *resp =
      MHD_create_response_from_buffer(len, (void *)json, MHD_RESPMEM_PERSISTENT);
  send_response(req, status, resp, "application/json; charset=utf-8");
}

void
rd_reply_bytes(struct rd_request *req, unsigned status, const char *content_type,
               const void *data, size_t len, bool borrowed)
{
  struct MHD_Response *resp = MHD_create_response_from_buffer(
      len, (void *)data, borrowed ? MHD_RESPMEM_PERSISTENT : MHD_RESPMEM_MUST_COPY);
  send_response(req, status, resp, content_type);
}

void
rd_reply_empty(struct rd_request *req, unsigned status)
{
  struct MHD_Response *resp =
      MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
  send_response(req, status, resp, NULL);
}

void
rd_reply_problem(struct rd_request *req, const struct rd_error *err)
{
  enum rd_status code = err->code == RD_OK ? RD_E_INTERNAL : err->code;
  int http = rd_status_http(code);
  const char *detail = err->detail[0] ? err->detail : status_title(code);
  /* A detail may quote what the client sent; never let that break the JSON. */
  if (!rd_http_utf8_valid(detail))
    detail = status_title(code);
  if (http >= 500)
    rd_log_error("http: %s %s -> %d %s", req->method, req->path, http, detail);

  struct rd_buf b = {0};
  rd_buf_puts(&b, "{\"type\":\"https://redress.dev/problems/");
  rd_buf_puts(&b, rd_status_name(code));
  rd_buf_puts(&b, "\",\"title\":");
  rd_buf_json_string(&b, status_title(code));
  rd_buf_printf(&b, ",\"status\":%d,\"detail\":", http);
  rd_buf_json_string(&b, detail);
  rd_buf_puts(&b, ",\"errors\":[");
  if (err->field[0]) {
    rd_buf_puts(&b, "{\"field\":");
    rd_buf_json_string(&b, err->field);
    rd_buf_puts(&b, ",\"message\":");
    rd_buf_json_string(&b, detail);
    rd_buf_putc(&b, '}');
  }
  rd_buf_puts(&b, "]}");

  if (code == RD_E_UNAUTHORIZED)
    rd_reply_header(req, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"redress\"");
  size_t len = b.len;
  struct MHD_Response *resp =
      MHD_create_response_from_buffer(len, b.data, MHD_RESPMEM_MUST_FREE);
  send_response(req, (unsigned)http, resp, "application/problem+json; charset=utf-8");
}

void
rd_reply_error(struct rd_request *req, enum rd_status code, const char *field,
               const char *fmt, ...)
{
  struct rd_error err = {.code = code};
  if (field)
    snprintf(err.field, sizeof err.field, "%s", field);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err.detail, sizeof err.detail, fmt, ap);
  va_end(ap);
  rd_reply_problem(req, &err);
}

/* ---- reading the request --------------------------------------------------- */

const char *
rd_request_param(const struct rd_request *req, const char *name)
{
  for (size_t i = 0; i < req->n_params; i++)
    if (strcmp(req->param_names[i], name) == 0)
      return req->param_values[i];
  return NULL;
}

const char *
rd_request_query(const struct rd_request *req, const char *name)
{
  return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *
rd_request_header(const struct rd_request *req, const char *name)
{
  return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *
rd_request_cookie(const struct rd_request *req, const char *name)
{
  return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

const char *
rd_request_client_ip(const struct rd_request *req)
{
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (!ci || !ci->client_addr)
    return "unknown";
  char text[INET6_ADDRSTRLEN] = "";
  const struct sockaddr *sa = ci->client_addr;
  if (sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, text, sizeof text);
  else if (sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, text, sizeof text);
  return text[0] ? rd_arena_strdup(req->arena, text) : "unknown";
}
