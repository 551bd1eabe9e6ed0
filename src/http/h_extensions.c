/* http/h_extensions.c - deadline extensions of a complaint's clocks:
 * asked for by the department, granted or refused by an approver. */
#include "http/routes.h"

#include <string.h>

#include "http/handlers.h"
#include "http/json_in.h"
#include "http/json_out.h"
#include "util/arena.h"

static void
reply_extension(struct rd_request *req, unsigned status,
                const struct rd_clock_extension *x)
{
  struct rd_buf b = {0};
  rd_json_extension(&b, x, rd_h_tz(req));
  rd_reply_json(req, status, &b);
}

void
rd_h_extension_request(struct rd_request *req)
{
  static const char *const keys[] = { "target", "reason" };
  const char *v[2];
  struct rd_clock_extension x;
  struct rd_error err = {0};
  const char *clock = rd_request_param(req, "name");
  int64_t id;

  if (!rd_h_complaint_id(req, &id))
    return;
  if (rd_json_read_strings(req->body, req->body_len, false, req->arena, keys, v, 2,
                           &err) != RD_OK ||
      rd_service_extension_request(req->svc, &req->who, id, clock, v[0], v[1],
                                   req->arena, &x, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  reply_extension(req, 201, &x);
}

static void
decide(struct rd_request *req, bool grant)
{
  static const char *const keys[] = { "note", "reason" };
  const char *v[2];
  struct rd_clock_extension x;
  struct rd_error err = {0};
  int64_t id, eid;

  if (!rd_h_complaint_id(req, &id) || !rd_h_path_id(req, "eid", &eid))
    return;
  if (rd_json_read_strings(req->body, req->body_len, true, req->arena, keys, v, 2,
                           &err) != RD_OK ||
      rd_service_extension_decide(req->svc, &req->who, id, eid, grant,
                                  grant ? v[0] : (v[1] ? v[1] : v[0]),
                                  req->arena, &x, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  reply_extension(req, 200, &x);
}

void
rd_h_extension_grant(struct rd_request *req)
{
  decide(req, true);
}

void
rd_h_extension_refuse(struct rd_request *req)
{
  decide(req, false);
}

void
rd_h_extension_list(struct rd_request *req)
{
  struct rd_clock_extension *items = NULL;
  struct rd_error err = {0};
  struct rd_buf b = {0};
  size_t n = 0;
  int64_t id;

  if (!rd_h_complaint_id(req, &id))
    return;
  if (rd_service_extensions(req->svc, &req->who, id, req->arena, &items, &n,
                            &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  rd_json_list_begin(&b);
  for (size_t i = 0; i < n; i++)
    rd_json_extension(&b, &items[i], rd_h_tz(req));
  rd_json_list_end(&b, NULL);
  rd_reply_json(req, 200, &b);
}
