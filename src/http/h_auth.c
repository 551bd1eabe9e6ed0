/* http/h_auth.c - signing in and out, and who am I. */
#include "http/routes.h"

#include "http/auth.h"
#include "http/handlers.h"
#include "http/json_in.h"
#include "http/json_out.h"
#include "util/arena.h"
#include "util/time.h"

void
rd_h_login(struct rd_request *req)
{
  const char *username, *password;
  struct rd_login login;
  struct rd_error err = {0};
  int retry_after;
  /* Throttling runs on the wall clock even when the service's clock is
   * replaced (demo loader, tests): it guards the real world. */
  /* The service's clock: the wall clock, unless a test moves it. */
  int64_t now = rd_service_now(req->svc);
  const char *ip = rd_request_client_ip(req);

  if (rd_json_read_login(req->body, req->body_len, req->arena, &username,
                         &password, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  if (!rd_throttle_allow(req->http->throttle, username, ip, now, &retry_after)) {
    rd_reply_header(req, "Retry-After", rd_arena_sprintf(req->arena, "%d", retry_after));
    rd_reply_error(req, RD_E_RATE_LIMITED, NULL,
                   "too many failed sign-ins; try again in %d seconds", retry_after);
    return;
  }
  if (rd_service_login(req->svc, username, password, ip, req->arena, &login, &err) != RD_OK) {
    if (err.code == RD_E_UNAUTHORIZED)
      rd_throttle_fail(req->http->throttle, username, ip, now);
    rd_reply_problem(req, &err);
    return;
  }
  rd_throttle_success(req->http->throttle, username, now);

  int64_t ttl = login.expires_at - rd_service_now(req->svc);
  rd_reply_header(req, "Set-Cookie",
                  rd_auth_cookie(req, login.session_token, ttl > 0 ? (int)ttl : 1));
  struct rd_buf b = {0};
  rd_jw_begin_object(&b);
  rd_jw_key(&b, "user"); rd_json_user(&b, &login.user);
  rd_jw_key(&b, "csrf_token"); rd_jw_string(&b, login.csrf_token);
  rd_jw_key(&b, "expires_at"); rd_jw_time(&b, login.expires_at, rd_h_tz(req));
  rd_jw_end_object(&b);
  rd_reply_json(req, 200, &b);
}

void
rd_h_logout(struct rd_request *req)
{
  struct rd_error err = {0};
  if (req->session_token &&
      rd_service_logout(req->svc, req->session_token, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  rd_reply_header(req, "Set-Cookie", rd_auth_cookie(req, NULL, 0));
  rd_reply_empty(req, 204);
}

void
rd_h_logout_all(struct rd_request *req)
{
  struct rd_error err = {0};
  /* NULL keeps nothing: this session ends with the others. */
  if (rd_service_logout_all(req->svc, &req->who, NULL, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  if (req->session_token)
    rd_reply_header(req, "Set-Cookie", rd_auth_cookie(req, NULL, 0));
  rd_reply_empty(req, 204);
}

void
rd_h_me_password(struct rd_request *req)
{
  static const char *const keys[] = {"current_password", "new_password"};
  const char *v[2];
  struct rd_error err = {0};
  int retry_after;
  /* Guessing the password through a stolen session is guessing at the
   * sign-in: the same counters, on the same clock as there (the service's:
   * the wall clock unless a test moves it). */
  int64_t now = rd_service_now(req->svc);
  const char *ip = rd_request_client_ip(req);

  if (rd_json_read_strings(req->body, req->body_len, false, req->arena, keys, v, 2,
                           &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  if (!rd_throttle_allow(req->http->throttle, req->who.username, ip, now, &retry_after)) {
    rd_reply_header(req, "Retry-After", rd_arena_sprintf(req->arena, "%d", retry_after));
    rd_reply_error(req, RD_E_RATE_LIMITED, NULL,
                   "too many failed sign-ins; try again in %d seconds", retry_after);
    return;
  }
  if (rd_service_me_set_password(req->svc, &req->who, req->session_token, v[0], v[1],
                                 &err) != RD_OK) {
    if (err.code == RD_E_FORBIDDEN)
      rd_throttle_fail(req->http->throttle, req->who.username, ip, now);
    rd_reply_problem(req, &err);
    return;
  }
  rd_reply_empty(req, 204);
}

/* The signed-in user as GET /api/v1/me gives it; language as given (the
 * principal was resolved before a PATCH changed it). */
static void
reply_me(struct rd_request *req, const char *language)
{
  const struct rd_principal *p = &req->who;
  struct rd_user u = {
    .id = p->user_id, .username = p->username, .display_name = p->display_name,
    .role = p->role, .department_id = p->department_id, .locale = language,
    .active = true,
  };
  struct rd_department d;
  struct rd_error err = {0};
  bool has_department =
      p->department_id &&
      rd_store_department_get(rd_service_store(req->svc), p->department_id,
                              req->arena, &d, &err) == RD_OK;

  struct rd_buf b = {0};
  rd_jw_begin_object(&b);
  rd_jw_key(&b, "user"); rd_json_user(&b, &u);
  rd_jw_key(&b, "role"); rd_jw_string(&b, rd_role_name(p->role));
  rd_jw_key(&b, "department");
  if (has_department)
    rd_json_department(&b, &d);
  else
    rd_jw_null(&b);
  rd_jw_key(&b, "language"); rd_jw_string(&b, language);
  /* The service's clock, in the display zone: the console judges "today"
   * and whether a follow-up window is open by it, not by the browser's
   * clock (which may be wrong, or real while the server's is faked). */
  rd_jw_key(&b, "now"); rd_jw_time(&b, rd_service_now(req->svc), rd_h_tz(req));
  rd_jw_key(&b, "csrf_token"); rd_jw_string(&b, req->csrf_token);
  rd_jw_end_object(&b);
  rd_reply_json(req, 200, &b);
}

void
rd_h_me(struct rd_request *req)
{
  reply_me(req, req->who.locale ? req->who.locale : "zh-CN");
}

void
rd_h_me_patch(struct rd_request *req)
{
  static const char *const keys[] = {"language"};
  const char *language;
  struct rd_error err = {0};

  if (rd_json_read_strings(req->body, req->body_len, false, req->arena, keys,
                           &language, 1, &err) != RD_OK ||
      rd_service_me_set_language(req->svc, &req->who, language, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  reply_me(req, language);
}
