/* http/h_complaints.c - complaints, their timeline, notes and attachments.
 *
 * Each handler: parse -> one service call -> render. Scope (which complaints
 * a principal may see) is the service's business; a complaint out of scope
 * is a 404 like a missing one.
 */
#include "http/routes.h"

#include <sodium.h>
#include <string.h>

#include "http/handlers.h"
#include "http/json_in.h"
#include "http/json_out.h"
#include "http/params.h"
#include "util/arena.h"

enum { IDEMPOTENCY_KEY_MAX = 200 };

void
rd_h_complaint_create(struct rd_request *req)
{
  struct rd_complaint c;
  struct rd_complaint_view v;
  struct rd_error err = {0};
  bool replayed = false;
  char sha_hex[crypto_hash_sha256_BYTES * 2 + 1] = "";
  const char *key = rd_request_header(req, "Idempotency-Key");

  if (key && (!*key || strlen(key) > IDEMPOTENCY_KEY_MAX)) {
    rd_reply_error(req, RD_E_INVALID, "Idempotency-Key",
                   "Idempotency-Key must be 1 to %d characters", IDEMPOTENCY_KEY_MAX);
    return;
  }
  if (key) {
    /* The same key with another body is a client bug the service refuses;
     * it compares bodies by this digest. */
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)(req->body ? req->body : ""),
                       req->body_len);
    sodium_bin2hex(sha_hex, sizeof sha_hex, digest, sizeof digest);
  }
  if (rd_json_read_complaint(req->body, req->body_len, req->arena, &c, &err) != RD_OK ||
      rd_service_complaint_register(req->svc, &req->who, &c, key,
                                    key ? sha_hex : NULL, req->arena, &v,
                                    &replayed, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  if (replayed)
    rd_reply_header(req, "Idempotent-Replayed", "true");
  rd_reply_header(req, "Location",
                  rd_arena_sprintf(req->arena, "/api/v1/complaints/%lld", (long long)v.c.id));
  rd_h_reply_complaint(req, 201, &v);
}

static const char *
query_arg(void *ctx, const char *name)
{
  return rd_request_query(ctx, name);
}

void
rd_h_complaint_list(struct rd_request *req)
{
  struct rd_complaint_filter f;
  struct rd_complaint_view *items;
  size_t n;
  const char *next = NULL;
  struct rd_error err = {0};
  const char *tz = rd_h_tz(req);

  if (rd_http_parse_filter(query_arg, req, tz, req->arena, &f, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  f.now = rd_service_now(req->svc);
  if (rd_service_complaint_list(req->svc, &req->who, &f, req->arena, &items, &n,
                                &next, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  struct rd_buf b = {0};
  rd_json_list_begin(&b);
  for (size_t i = 0; i < n; i++)
    rd_json_complaint(&b, &items[i], tz);
  rd_json_list_end(&b, next);
  rd_reply_json(req, 200, &b);
}

void
rd_h_complaint_get(struct rd_request *req)
{
  struct rd_complaint_view v;
  struct rd_error err = {0};
  if (rd_service_complaint_get(req->svc, &req->who, rd_request_param(req, "id"),
                               req->arena, &v, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  rd_h_reply_complaint(req, 200, &v);
}

void
rd_h_complaint_patch(struct rd_request *req)
{
  struct rd_complaint_patch patch;
  struct rd_complaint_view v;
  struct rd_error err = {0};
  int64_t id;
  int body_version, version;

  if (!rd_h_complaint_id(req, &id))
    return;
  if (rd_json_read_patch(req->body, req->body_len, req->arena, &patch,
                         &body_version, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  if (!rd_h_expected_version(req, body_version, true, &version))
    return;
  if (rd_service_complaint_patch(req->svc, &req->who, id, &patch, version,
                                 req->arena, &v, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  rd_h_reply_complaint(req, 200, &v);
}

void
rd_h_complaint_act(struct rd_request *req)
{
  enum rd_action_kind kind;
  struct rd_action act;
  struct rd_complaint_view v;
  struct rd_error err = {0};
  int64_t id;
  int body_version, version;
  const char *name = rd_request_param(req, "action");

  if (!name || !rd_action_parse(name, &kind)) {
    rd_reply_error(req, RD_E_NOT_FOUND, "action", "no such action: %s", name ? name : "");
    return;
  }
  if (!rd_h_complaint_id(req, &id))
    return;
  if (rd_json_read_action(req->body, req->body_len, req->arena, kind, &act,
                          &body_version, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  if (!rd_h_expected_version(req, body_version, false, &version))
    return;
  if (rd_service_complaint_act(req->svc, &req->who, id, &act, version,
                               req->body_len ? req->body : NULL, req->arena, &v,
                               &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  rd_h_reply_complaint(req, 200, &v);
}

void
rd_h_event_list(struct rd_request *req)
{
  struct rd_event *events;
  size_t n;
  struct rd_error err = {0};
  int64_t id;
  const char *tz = rd_h_tz(req);

  if (!rd_h_complaint_id(req, &id))
    return;
  if (rd_service_event_list(req->svc, &req->who, id, req->arena, &events, &n,
                            &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  struct rd_buf b = {0};
  rd_json_list_begin(&b);
  for (size_t i = 0; i < n; i++)
    rd_json_event(&b, &events[i], tz);
  rd_json_list_end(&b, NULL);
  rd_reply_json(req, 200, &b);
}

void
rd_h_note_add(struct rd_request *req)
{
  const char *note;
  struct rd_event ev;
  struct rd_error err = {0};
  int64_t id;

  if (!rd_h_complaint_id(req, &id))
    return;
  if (rd_json_read_note(req->body, req->body_len, req->arena, &note, &err) != RD_OK ||
      rd_service_note_add(req->svc, &req->who, id, note, req->arena, &ev, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  struct rd_buf b = {0};
  rd_json_event(&b, &ev, rd_h_tz(req));
  rd_reply_json(req, 201, &b);
}

void
rd_h_attachment_add(struct rd_request *req)
{
  struct rd_attachment at;
  struct rd_error err = {0};
  int64_t id;

  const char *filename = rd_request_query(req, "filename");

  if (!rd_h_complaint_id(req, &id))
    return;
  if (filename && !rd_http_utf8_valid(filename)) {
    rd_reply_error(req, RD_E_INVALID, "filename", "filename must be UTF-8");
    return;
  }
  if (rd_service_attachment_add(req->svc, &req->who, id, filename,
                                rd_request_header(req, "Content-Type"),
                                req->body ? req->body : "", req->body_len,
                                req->arena, &at, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  rd_reply_header(req, "Location",
                  rd_arena_sprintf(req->arena, "/api/v1/attachments/%lld", (long long)at.id));
  struct rd_buf b = {0};
  rd_json_attachment(&b, &at, rd_h_tz(req));
  rd_reply_json(req, 201, &b);
}

void
rd_h_attachment_list(struct rd_request *req)
{
  struct rd_attachment *items;
  size_t n;
  struct rd_error err = {0};
  int64_t id;
  const char *tz = rd_h_tz(req);

  if (!rd_h_complaint_id(req, &id))
    return;
  if (rd_service_attachment_list(req->svc, &req->who, id, req->arena, &items, &n,
                                 &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  struct rd_buf b = {0};
  rd_json_list_begin(&b);
  for (size_t i = 0; i < n; i++)
    rd_json_attachment(&b, &items[i], tz);
  rd_json_list_end(&b, NULL);
  rd_reply_json(req, 200, &b);
}

void
rd_h_attachment_get(struct rd_request *req)
{
  struct rd_attachment at;
  const void *data;
  size_t len;
  struct rd_error err = {0};
  int64_t id;

  if (!rd_h_path_id(req, "id", &id))
    return;
  if (rd_service_attachment_get(req->svc, &req->who, id, req->arena, &at, &data,
                                &len, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  struct rd_buf b = {0};
  rd_json_attachment(&b, &at, rd_h_tz(req));
  rd_reply_json(req, 200, &b);
}

/* Content-Disposition for filename: an ASCII fallback and the RFC 5987
 * UTF-8 form, so 投诉照片.jpg arrives with its name. */
static const char *
content_disposition(struct rd_arena *a, const char *filename)
{
  static const char hex[] = "0123456789ABCDEF";
  size_t n = strlen(filename ? filename : "");
  char *plain = rd_arena_alloc(a, n + 1), *encoded = rd_arena_alloc(a, 3 * n + 1);
  char *p = plain, *e = encoded;
  for (const unsigned char *s = (const unsigned char *)(filename ? filename : ""); *s; s++) {
    bool safe = (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
                (*s >= '0' && *s <= '9') || strchr("!#$&+-.^_`|~", *s);
    *p++ = safe ? (char)*s : '_';
    if (safe) {
      *e++ = (char)*s;
    } else {
      *e++ = '%';
      *e++ = hex[*s >> 4];
      *e++ = hex[*s & 15];
    }
  }
  *p = *e = '\0';
  return rd_arena_sprintf(a, "attachment; filename=\"%s\"; filename*=UTF-8''%s",
                          *plain ? plain : "attachment", *encoded ? encoded : "attachment");
}

void
rd_h_attachment_content(struct rd_request *req)
{
  struct rd_attachment at;
  const void *data;
  size_t len;
  struct rd_error err = {0};
  int64_t id;

  if (!rd_h_path_id(req, "id", &id))
    return;
  if (rd_service_attachment_get(req->svc, &req->who, id, req->arena, &at, &data,
                                &len, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  rd_reply_header(req, "Content-Disposition", content_disposition(req->arena, at.filename));
  /* An uploaded HTML file must not run as this origin if opened directly. */
  rd_reply_header(req, "Content-Security-Policy", "sandbox; default-src 'none'");
  rd_reply_bytes(req, 200, at.content_type ? at.content_type : "application/octet-stream",
                 data, len, true);
}

void
rd_h_customer_lookup(struct rd_request *req)
{
  struct rd_customer cu;
  struct rd_complaint_view *items;
  size_t n;
  struct rd_error err = {0};
  const char *phone = rd_request_query(req, "phone");
  const char *tz = rd_h_tz(req);

  if (!phone || !*phone || !rd_http_utf8_valid(phone)) {
    rd_reply_error(req, RD_E_INVALID, "phone", "phone is required");
    return;
  }
  if (rd_service_customer_lookup(req->svc, &req->who, phone, req->arena, &cu,
                                 &items, &n, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  struct rd_buf b = {0};
  rd_jw_begin_object(&b);
  rd_jw_key(&b, "customer"); rd_json_customer(&b, &cu);
  rd_jw_key(&b, "complaints");
  rd_jw_begin_array(&b);
  for (size_t i = 0; i < n; i++)
    rd_json_complaint(&b, &items[i], tz);
  rd_jw_end_array(&b);
  rd_jw_end_object(&b);
  rd_reply_json(req, 200, &b);
}
