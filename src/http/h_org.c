/* http/h_org.c - departments, sites, categories, users, calendars, SLA
 * policies, API tokens.
 *
 * Reads go straight to the store (any signed-in user may read the
 * organisation); writes go through the service, which checks the admin role
 * and validates. PUT overlays the body on the stored record, so fields left
 * out keep their value.
 */
#include "http/routes.h"

#include "http/handlers.h"
#include "http/json_in.h"
#include "http/json_out.h"
#include "http/params.h"
#include "util/arena.h"

/* Replies with one record rendered by render(b, record). */
#define REPLY_ONE(req, status, render, rec)                                  \
  do {                                                                       \
    struct rd_buf b_ = {0};                                                  \
    render(&b_, rec);                                                        \
    rd_reply_json(req, status, &b_);                                         \
  } while (0)

#define REPLY_LIST(req, render, items, n)                                    \
  do {                                                                       \
    struct rd_buf b_ = {0};                                                  \
    rd_json_list_begin(&b_);                                                 \
    for (size_t i_ = 0; i_ < (n); i_++)                                      \
      render(&b_, &(items)[i_]);                                             \
    rd_json_list_end(&b_, NULL);                                             \
    rd_reply_json(req, 200, &b_);                                            \
  } while (0)

static struct rd_store *
store(struct rd_request *req)
{
  return rd_service_store(req->svc);
}

/* ---- departments ----------------------------------------------------------- */

void
rd_h_department_create(struct rd_request *req)
{
  struct rd_department d = {.active = true};
  struct rd_error err = {0};
  if (rd_json_read_department(req->body, req->body_len, req->arena, &d, &err) != RD_OK ||
      (d.id = 0, rd_service_department_save(req->svc, &req->who, &d, &err)) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  REPLY_ONE(req, 201, rd_json_department, &d);
}

void
rd_h_department_list(struct rd_request *req)
{
  struct rd_department *items;
  size_t n;
  struct rd_error err = {0};
  if (rd_store_department_list(store(req), req->arena, &items, &n, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  REPLY_LIST(req, rd_json_department, items, n);
}

void
rd_h_department_get(struct rd_request *req)
{
  struct rd_department d;
  struct rd_error err = {0};
  int64_t id;
  if (!rd_h_path_id(req, "id", &id))
    return;
  if (rd_store_department_get(store(req), id, req->arena, &d, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  REPLY_ONE(req, 200, rd_json_department, &d);
}

void
rd_h_department_put(struct rd_request *req)
{
  struct rd_department d;
  struct rd_error err = {0};
  int64_t id;
  if (!rd_h_path_id(req, "id", &id))
    return;
  if (rd_store_department_get(store(req), id, req->arena, &d, &err) != RD_OK ||
      rd_json_read_department(req->body, req->body_len, req->arena, &d, &err) != RD_OK ||
      (d.id = id, rd_service_department_save(req->svc, &req->who, &d, &err)) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  REPLY_ONE(req, 200, rd_json_department, &d);
}

/* ---- sites ------------------------------------------------------------------ */

void
rd_h_site_create(struct rd_request *req)
{
  struct rd_site s = {.active = true};
  struct rd_error err = {0};
  if (rd_json_read_site(req->body, req->body_len, req->arena, &s, &err) != RD_OK ||
      (s.id = 0, rd_service_site_save(req->svc, &req->who, &s, &err)) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  REPLY_ONE(req, 201, rd_json_site, &s);
}

void
rd_h_site_list(struct rd_request *req)
{
  struct rd_site *items;
  size_t n;
  struct rd_error err = {0};
  if (rd_store_site_list(store(req), req->arena, &items, &n, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  REPLY_LIST(req, rd_json_site, items, n);
}

void
rd_h_site_get(struct rd_request *req)
{
  struct rd_site s;
  struct rd_error err = {0};
  int64_t id;
  if (!rd_h_path_id(req, "id", &id))
    return;
  if (rd_store_site_get(store(req), id, req->arena, &s, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  REPLY_ONE(req, 200, rd_json_site, &s);
}

void
rd_h_site_put(struct rd_request *req)
{
  struct rd_site s;
  struct rd_error err = {0};
  int64_t id;
  if (!rd_h_path_id(req, "id", &id))
    return;
  if (rd_store_site_get(store(req), id, req->arena, &s, &err) != RD_OK ||
      rd_json_read_site(req->body, req->body_len, req->arena, &s, &err) != RD_OK ||
      (s.id = id, rd_service_site_save(req->svc, &req->who, &s, &err)) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  REPLY_ONE(req, 200, rd_json_site, &s);
}

/* ---- categories ------------------------------------------------------------- */

void
rd_h_category_create(struct rd_request *req)
{
  struct rd_category c = {.active = true};
  struct rd_error err = {0};
  if (rd_json_read_category(req->body, req->body_len, req->arena, &c, &err) != RD_OK ||
      (c.id = 0, rd_service_category_save(req->svc, &req->who, &c, &err)) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  REPLY_ONE(req, 201, rd_json_category, &c);
}

void
rd_h_category_list(struct rd_request *req)
{
  struct rd_category *items;
  size_t n;
  struct rd_error err = {0};
  if (rd_store_category_list(store(req), req->arena, &items, &n, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  REPLY_LIST(req, rd_json_category, items, n);
}

void
rd_h_category_get(struct rd_request *req)
{
  struct rd_category c;
  struct rd_error err = {0};
  int64_t id;
  if (!rd_h_path_id(req, "id", &id))
    return;
  if (rd_store_category_get(store(req), id, req->arena, &c, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  REPLY_ONE(req, 200, rd_json_category, &c);
}

void
rd_h_category_put(struct rd_request *req)
{
  struct rd_category c;
  struct rd_error err = {0};
  int64_t id;
  if (!rd_h_path_id(req, "id", &id))
    return;
  if (rd_store_category_get(store(req), id, req->arena, &c, &err) != RD_OK ||
      rd_json_read_category(req->body, req->body_len, req->arena, &c, &err) != RD_OK ||
      (c.id = id, rd_service_category_save(req->svc, &req->who, &c, &err)) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  REPLY_ONE(req, 200, rd_json_category, &c);
}

/* ---- users ------------------------------------------------------------------ */

void
rd_h_user_create(struct rd_request *req)
{
  /* RD_ROLE_COUNT marks "not given": a user without a role is refused
   * rather than silently made an agent. */
  struct rd_user u = {.active = true, .locale = "zh-CN", .role = RD_ROLE_COUNT};
  const char *password;
  struct rd_error err = {0};
  if (rd_json_read_user(req->body, req->body_len, req->arena, &u, &password, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  if (u.role == RD_ROLE_COUNT) {
    rd_reply_error(req, RD_E_INVALID, "role", "role is required");
    return;
  }
  if (!password) {
    rd_reply_error(req, RD_E_INVALID, "password", "password is required");
    return;
  }
  u.id = 0;
  if (rd_service_user_save(req->svc, &req->who, &u, password, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  REPLY_ONE(req, 201, rd_json_user, &u);
}

void
rd_h_user_list(struct rd_request *req)
{
  struct rd_user *items;
  size_t n;
  struct rd_error err = {0};
  if (rd_store_user_list(store(req), req->arena, &items, &n, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  REPLY_LIST(req, rd_json_user, items, n);
}

void
rd_h_user_get(struct rd_request *req)
{
  struct rd_user u;
  struct rd_error err = {0};
  int64_t id;
  if (!rd_h_path_id(req, "id", &id))
    return;
  if (rd_store_user_get(store(req), id, req->arena, &u, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  REPLY_ONE(req, 200, rd_json_user, &u);
}

void
rd_h_user_sessions_end(struct rd_request *req)
{
  struct rd_error err = {0};
  int64_t id;
  if (!rd_h_path_id(req, "id", &id))
    return;
  if (rd_service_user_sessions_end(req->svc, &req->who, id, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  rd_reply_empty(req, 204);
}

void
rd_h_user_put(struct rd_request *req)
{
  struct rd_user u;
  const char *password = NULL;
  struct rd_error err = {0};
  int64_t id;
  if (!rd_h_path_id(req, "id", &id))
    return;
  if (rd_store_user_get(store(req), id, req->arena, &u, &err) != RD_OK ||
      rd_json_read_user(req->body, req->body_len, req->arena, &u, &password, &err) != RD_OK ||
      (u.id = id, rd_service_user_save(req->svc, &req->who, &u, password, &err)) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  REPLY_ONE(req, 200, rd_json_user, &u);
}

/* ---- SLA policies ------------------------------------------------------------ */

/* ---- calendars -------------------------------------------------------------- */

void
rd_h_calendar_create(struct rd_request *req)
{
  struct rd_calendar c = {.timezone = "Asia/Shanghai"};
  struct rd_error err = {0};
  if (rd_json_read_calendar(req->body, req->body_len, req->arena, &c, &err) != RD_OK ||
      (c.id = 0, rd_service_calendar_save(req->svc, &req->who, &c, &err)) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  REPLY_ONE(req, 201, rd_json_calendar, &c);
}

void
rd_h_calendar_list(struct rd_request *req)
{
  struct rd_calendar *items;
  size_t n = 0;
  struct rd_error err = {0};
  if (rd_store_calendar_list(store(req), req->arena, &items, &n, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  REPLY_LIST(req, rd_json_calendar, items, n);
}

void
rd_h_calendar_get(struct rd_request *req)
{
  struct rd_calendar c;
  struct rd_error err = {0};
  int64_t id;
  if (!rd_h_path_id(req, "id", &id))
    return;
  if (rd_store_calendar_get(store(req), id, req->arena, &c, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  REPLY_ONE(req, 200, rd_json_calendar, &c);
}

void
rd_h_calendar_put(struct rd_request *req)
{
  struct rd_calendar c;
  struct rd_error err = {0};
  int64_t id;
  if (!rd_h_path_id(req, "id", &id))
    return;
  if (rd_store_calendar_get(store(req), id, req->arena, &c, &err) != RD_OK ||
      rd_json_read_calendar(req->body, req->body_len, req->arena, &c, &err) != RD_OK ||
      (c.id = id, rd_service_calendar_save(req->svc, &req->who, &c, &err)) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  REPLY_ONE(req, 200, rd_json_calendar, &c);
}

void
rd_h_calendar_due(struct rd_request *req)
{
  struct rd_error err = {0};
  struct rd_buf b = {0};
  const char *target = NULL, *tz = NULL;
  int64_t id, from = 0, due = 0;
  if (!rd_h_path_id(req, "id", &id))
    return;
  if (rd_json_read_due(req->body, req->body_len, req->arena, &from, &target, &err) != RD_OK ||
      rd_service_calendar_due(req->svc, id, from, target, req->arena, &due, &tz,
                              &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  rd_jw_begin_object(&b);
  rd_jw_key(&b, "due_at"); rd_jw_time(&b, due, tz);
  rd_jw_end_object(&b);
  rd_reply_json(req, 200, &b);
}

void
rd_h_calendar_elapsed(struct rd_request *req)
{
  struct rd_error err = {0};
  struct rd_buf b = {0};
  int64_t id, from = 0, to = 0, seconds = 0;
  if (!rd_h_path_id(req, "id", &id))
    return;
  if (rd_json_read_elapsed(req->body, req->body_len, &from, &to, &err) != RD_OK ||
      rd_service_calendar_elapsed(req->svc, id, from, to, req->arena, &seconds,
                                  &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  rd_jw_begin_object(&b);
  rd_jw_key(&b, "working_seconds"); rd_jw_int(&b, seconds);
  rd_jw_end_object(&b);
  rd_reply_json(req, 200, &b);
}

void
rd_h_policy_create(struct rd_request *req)
{
  struct rd_sla_policy p = {.clocks_json = "[]"};
  struct rd_error err = {0};
  if (rd_json_read_policy(req->body, req->body_len, req->arena, &p, &err) != RD_OK ||
      (p.id = 0, rd_service_policy_save(req->svc, &req->who, &p, &err)) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  REPLY_ONE(req, 201, rd_json_policy, &p);
}

void
rd_h_policy_list(struct rd_request *req)
{
  struct rd_sla_policy *items;
  size_t n;
  struct rd_error err = {0};
  if (rd_store_policy_list(store(req), req->arena, &items, &n, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  REPLY_LIST(req, rd_json_policy, items, n);
}

void
rd_h_policy_get(struct rd_request *req)
{
  struct rd_sla_policy *p = rd_arena_zalloc(req->arena, sizeof *p);
  struct rd_error err = {0};
  int64_t id;
  if (!rd_h_path_id(req, "id", &id))
    return;
  if (rd_store_policy_get(store(req), id, req->arena, p, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  REPLY_ONE(req, 200, rd_json_policy, p);
}

void
rd_h_policy_put(struct rd_request *req)
{
  struct rd_sla_policy *p = rd_arena_zalloc(req->arena, sizeof *p);
  struct rd_error err = {0};
  int64_t id;
  if (!rd_h_path_id(req, "id", &id))
    return;
  if (rd_store_policy_get(store(req), id, req->arena, p, &err) != RD_OK ||
      rd_json_read_policy(req->body, req->body_len, req->arena, p, &err) != RD_OK ||
      (p->id = id, rd_service_policy_save(req->svc, &req->who, p, &err)) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  REPLY_ONE(req, 200, rd_json_policy, p);
}

/* ---- API tokens --------------------------------------------------------------- */

void
rd_h_token_create(struct rd_request *req)
{
  const char *name, *secret;
  int64_t user_id;
  struct rd_api_token t;
  struct rd_error err = {0};
  if (rd_json_read_token(req->body, req->body_len, req->arena, &name, &user_id, &err) != RD_OK ||
      rd_service_token_create(req->svc, &req->who, user_id, name, req->arena, &t,
                              &secret, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  struct rd_buf b = {0};
  rd_json_token(&b, &t, secret, rd_h_tz(req));
  rd_reply_json(req, 201, &b);
}

void
rd_h_token_list(struct rd_request *req)
{
  struct rd_api_token *items;
  size_t n;
  struct rd_error err = {0};
  int64_t user_id = req->who.user_id;
  const char *q = rd_request_query(req, "user_id");
  const char *tz = rd_h_tz(req);

  if (q && !rd_http_parse_id(q, &user_id)) {
    rd_reply_error(req, RD_E_INVALID, "user_id", "user_id must be a positive integer");
    return;
  }
  if (user_id != req->who.user_id && req->who.role != RD_ROLE_ADMIN) {
    rd_reply_error(req, RD_E_FORBIDDEN, "user_id", "only admins see other users' tokens");
    return;
  }
  if (rd_store_token_list(store(req), user_id, req->arena, &items, &n, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  struct rd_buf b = {0};
  rd_json_list_begin(&b);
  for (size_t i = 0; i < n; i++)
    rd_json_token(&b, &items[i], NULL, tz);
  rd_json_list_end(&b, NULL);
  rd_reply_json(req, 200, &b);
}

void
rd_h_token_revoke(struct rd_request *req)
{
  struct rd_error err = {0};
  int64_t id;
  if (!rd_h_path_id(req, "id", &id))
    return;
  if (rd_service_token_revoke(req->svc, &req->who, id, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  rd_reply_empty(req, 204);
}
