/* http/h_notifications.c - the signed-in user's notifications (the bell):
 * escalation warnings and breaches, newest first. */
#include "http/routes.h"

#include <stdio.h>
#include <string.h>

#include "http/handlers.h"
#include "http/json_out.h"
#include "http/params.h"
#include "util/arena.h"

enum { LIMIT_DEFAULT = 50, LIMIT_MAX = 500 };

void
rd_h_notification_list(struct rd_request *req)
{
  const char *unread = rd_request_query(req, "unread");
  const char *limit_text = rd_request_query(req, "limit");
  const char *cursor = rd_request_query(req, "cursor");
  struct rd_notification *items = NULL;
  struct rd_error err = {0};
  struct rd_buf b = {0};
  int64_t before = 0, limit = LIMIT_DEFAULT;
  size_t n = 0;
  char next[24];

  if (unread && strcmp(unread, "true") != 0 && strcmp(unread, "false") != 0) {
    rd_reply_error(req, RD_E_INVALID, "unread", "unread must be true or false");
    return;
  }
  if (limit_text && (!rd_http_parse_id(limit_text, &limit) || limit > LIMIT_MAX)) {
    rd_reply_error(req, RD_E_INVALID, "limit", "limit must be 1 to %d", LIMIT_MAX);
    return;
  }
  /* The cursor is the id of the last notification of the previous page. */
  if (cursor && !rd_http_parse_id(cursor, &before)) {
    rd_reply_error(req, RD_E_INVALID, "cursor", "not a cursor from this list");
    return;
  }
  if (rd_service_notifications(req->svc, &req->who, unread && !strcmp(unread, "true"),
                               before, (int)limit + 1, req->arena, &items, &n,
                               &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  rd_json_list_begin(&b);
  for (size_t i = 0; i < n && i < (size_t)limit; i++)
    rd_json_notification(&b, &items[i], rd_h_tz(req));
  if (n > (size_t)limit)
    snprintf(next, sizeof next, "%lld", (long long)items[limit - 1].id);
  rd_json_list_end(&b, n > (size_t)limit ? next : NULL);
  rd_reply_json(req, 200, &b);
}

void
rd_h_notification_read(struct rd_request *req)
{
  struct rd_error err = {0};
  int64_t id;
  if (!rd_h_path_id(req, "id", &id))
    return;
  if (rd_service_notification_read(req->svc, &req->who, id, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  rd_reply_empty(req, 204);
}
