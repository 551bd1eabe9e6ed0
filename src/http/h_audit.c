/* http/h_audit.c - the audit log for auditors: GET /api/v1/audit.
 * Who may read it is the service's decision (admins and auditors). */
#include "http/routes.h"

#include <string.h>

#include "http/handlers.h"
#include "http/json_out.h"
#include "http/params.h"
#include "util/arena.h"

enum { AUDIT_OBJECT_KIND_MAX = 32 };

/* "complaint:12" or "complaint" into kind and id (0 when no id). */
static bool
parse_object(struct rd_request *req, const char *text, const char **kind,
             int64_t *id)
{
  const char *colon = strchr(text, ':');
  size_t n = colon ? (size_t)(colon - text) : strlen(text);
  if (n == 0 || n > AUDIT_OBJECT_KIND_MAX)
    return false;
  for (size_t i = 0; i < n; i++)
    if (!((text[i] >= 'a' && text[i] <= 'z') || text[i] == '_'))
      return false;
  *kind = rd_arena_strndup(req->arena, text, n);
  *id = 0;
  return !colon || rd_http_parse_id(colon + 1, id);
}

static void
audit_entry(struct rd_buf *b, const struct rd_audit_entry *e, const char *tz)
{
  rd_jw_begin_object(b);
  rd_jw_key(b, "seq"); rd_jw_int(b, e->seq);
  rd_jw_key(b, "at"); rd_jw_time(b, e->at, tz);
  rd_jw_key(b, "actor"); rd_jw_string(b, e->actor);
  rd_jw_key(b, "user_id");
  if (e->user_id) rd_jw_int(b, e->user_id); else rd_jw_null(b);
  rd_jw_key(b, "client_addr"); rd_jw_string(b, e->client_addr);
  rd_jw_key(b, "action"); rd_jw_string(b, e->action);
  rd_jw_key(b, "object_kind"); rd_jw_string(b, e->object_kind);
  rd_jw_key(b, "object_id");
  if (e->object_id) rd_jw_int(b, e->object_id); else rd_jw_null(b);
  rd_jw_key(b, "detail"); rd_jw_raw(b, e->detail_json, "{}");
  rd_jw_key(b, "prev_hash"); rd_jw_string(b, e->prev_hash);
  rd_jw_key(b, "hash"); rd_jw_string(b, e->hash);
  rd_jw_end_object(b);
}

void
rd_h_audit_list(struct rd_request *req)
{
  struct rd_audit_filter f = {0};
  struct rd_audit_page page;
  struct rd_error err = {0};
  const char *tz = rd_h_tz(req);
  const char *user = rd_request_query(req, "user_id");
  const char *object = rd_request_query(req, "object");
  const char *action = rd_request_query(req, "action");
  const char *from = rd_request_query(req, "from");
  const char *to = rd_request_query(req, "to");
  const char *limit = rd_request_query(req, "limit");
  int64_t n = 0;

  if (user && *user && !rd_http_parse_id(user, &f.user_id)) {
    rd_reply_error(req, RD_E_INVALID, "user_id", "user_id must be a user's id");
    return;
  }
  if (object && *object && !parse_object(req, object, &f.object_kind, &f.object_id)) {
    rd_reply_error(req, RD_E_INVALID, "object",
                   "object must be a kind, or kind:id (complaint:12)");
    return;
  }
  if (action && *action) {
    if (strlen(action) > 64 || !rd_http_utf8_valid(action)) {
      rd_reply_error(req, RD_E_INVALID, "action", "action must be at most 64 characters");
      return;
    }
    f.action = action;
  }
  if ((from && *from && rd_http_parse_instant(from, tz, false, "from", &f.from, &err) != RD_OK) ||
      (to && *to && rd_http_parse_instant(to, tz, true, "to", &f.to, &err) != RD_OK)) {
    rd_reply_problem(req, &err);
    return;
  }
  if (limit && (!rd_http_parse_id(limit, &n) || n > 500)) {
    rd_reply_error(req, RD_E_INVALID, "limit", "limit must be 1 to %d", 500);
    return;
  }
  f.limit = (int)n;
  f.cursor = rd_request_query(req, "cursor");
  if (f.cursor && !*f.cursor)
    f.cursor = NULL;
  if (rd_service_audit_list(req->svc, &req->who, &f, req->arena, &page, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  struct rd_buf b = {0};
  rd_json_list_begin(&b);
  for (size_t i = 0; i < page.n; i++)
    audit_entry(&b, &page.items[i], tz);
  rd_json_list_end(&b, page.next_cursor);
  rd_reply_json(req, 200, &b);
}
