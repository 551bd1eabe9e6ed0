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

#include "http/language.h"
#include "http/params.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/message.h"

/* Short titles for problem+json, one per status (the detail says the rest),
 * in English; the catalog (util/message.h) has them in Chinese. */
static const char *
status_title(enum rd_status s)
{
  static const char *const titles[RD_STATUS_COUNT] = {
    [RD_OK] = RD_MSG("OK"),
    [RD_E_MALFORMED] = RD_MSG("Malformed request"),
    [RD_E_UNAUTHORIZED] = RD_MSG("Not signed in"),
    [RD_E_FORBIDDEN] = RD_MSG("Not allowed"),
    [RD_E_NOT_FOUND] = RD_MSG("Not found"),
    [RD_E_METHOD] = RD_MSG("Method not allowed"),
    [RD_E_CONFLICT] = RD_MSG("Version conflict"),
    [RD_E_DUPLICATE] = RD_MSG("Duplicate"),
    [RD_E_TOO_LARGE] = RD_MSG("Request too large"),
    [RD_E_UNSUPPORTED_MEDIA] = RD_MSG("Unsupported media type"),
    [RD_E_INVALID] = RD_MSG("Invalid input"),
    [RD_E_ILLEGAL_STATE] = RD_MSG("Action not allowed in this state"),
    [RD_E_RATE_LIMITED] = RD_MSG("Too many requests"),
    [RD_E_INTERNAL] = RD_MSG("Internal error"),
    [RD_E_UNAVAILABLE] = RD_MSG("Service unavailable"),
  };
  return (unsigned)s < RD_STATUS_COUNT && titles[s] ? titles[s] : RD_MSG("Error");
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
  /* Security headers on every answer. Nothing but the console's pages may
   * run or frame anything: an API answer opened in a tab is inert. HSTS only
   * when the request reached us over TLS, which behind a proxy only a
   * trusted proxy can say (X-Forwarded-Proto). */
  MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
  if (!handler_set(req, "Content-Security-Policy"))
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'none'; frame-ancestors 'none'");
  MHD_add_response_header(resp, "X-Frame-Options", "DENY");
  if (atomic_load(&req->http->draining))
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
  MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
  if (rd_request_over_tls(req))
    MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
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

/* The language of this request's messages (http/language.h): an explicit
 * Accept-Language, else the signed-in user's, else Chinese. */
static enum rd_lang
request_language(const struct rd_request *req)
{
  const char *locale = req->authenticated ? req->who.locale : NULL;
  return rd_http_pick_language(rd_request_header(req, "Accept-Language"), locale);
}

void
rd_reply_problem(struct rd_request *req, const struct rd_error *err)
{
  enum rd_status code = err->code == RD_OK ? RD_E_INTERNAL : err->code;
  int http = rd_status_http(code);
  enum rd_lang lang = request_language(req);
  const char *title = rd_message(status_title(code), lang);
  const char *detail = err->detail[0] ? err->detail : status_title(code);
  if (http >= 500)
    rd_log_error("http: %s %s -> %d %s", req->method, req->path, http, detail);
  /* The Chinese detail when there is one, else the English one stands in. */
  if (lang == RD_LANG_ZH)
    detail = err->detail_zh[0] ? err->detail_zh : err->detail[0] ? err->detail : title;
  /* A detail may quote what the client sent; never let that break the JSON. */
  if (!rd_http_utf8_valid(detail))
    detail = title;

  struct rd_buf b = {0};
  rd_buf_puts(&b, "{\"type\":\"https://redress.dev/problems/");
  rd_buf_puts(&b, rd_status_name(code));
  rd_buf_puts(&b, "\",\"title\":");
  rd_buf_json_string(&b, title);
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
  rd_reply_header(req, "Content-Language", rd_lang_tag(lang));
  rd_reply_header(req, MHD_HTTP_HEADER_VARY, "Accept-Language");
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
  va_list ap;
  va_start(ap, fmt);
  rd_error_setv(&err, code, field, fmt, ap);
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

/* The peer's address as text, or "" when not known. */
static void
peer_text(const struct rd_request *req, char text[INET6_ADDRSTRLEN])
{
  text[0] = '\0';
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (!ci || !ci->client_addr)
    return;
  const struct sockaddr *sa = ci->client_addr;
  if (sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, text, INET6_ADDRSTRLEN);
  else if (sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, text, INET6_ADDRSTRLEN);
}

bool
rd_request_over_tls(const struct rd_request *req)
{
  char text[INET6_ADDRSTRLEN];
  peer_text(req, text);
  return text[0] && rd_forwarded_tls(text, rd_request_header(req, "X-Forwarded-Proto"),
                                     req->http ? &req->http->trusted : NULL);
}

const char *
rd_request_client_ip(const struct rd_request *req)
{
  char text[INET6_ADDRSTRLEN];
  peer_text(req, text);
  if (!text[0])
    return "unknown";
  char client[RD_ADDR_TEXT_MAX];
  rd_client_addr(text, rd_request_header(req, "X-Forwarded-For"),
                 req->http ? &req->http->trusted : NULL, client, sizeof client);
  return rd_arena_strdup(req->arena, client);
}
