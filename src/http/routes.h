/* http/routes.h - the one table of every HTTP route, and matching a request to it.
 *
 * The table (routes.c) is static and read-only: method, path pattern with
 * {params}, handler, what authentication it needs, how its body is read,
 * and what the OpenAPI document says about it.
 */
#ifndef RD_HTTP_ROUTES_H
#define RD_HTTP_ROUTES_H

#include <stdbool.h>
#include <stddef.h>

#include "http/request.h"

enum rd_route_auth {
  RD_AUTH_NONE,     /* public: health, version, login, the API description */
  RD_AUTH_USER,     /* a signed-in principal (cookie + CSRF, or bearer token) */
};

enum rd_route_body {
  RD_BODY_NONE,     /* a body is read but capped like JSON and ignored */
  RD_BODY_JSON,     /* JSON, capped at json_body_max_bytes */
  RD_BODY_RAW,      /* bytes (attachments), capped at RD_HTTP_UPLOAD_MAX */
};

enum { RD_HTTP_UPLOAD_MAX = 10 * 1024 * 1024 };

struct rd_route {
  const char *method;          /* "GET", "POST", "PUT", "PATCH", "DELETE" */
  const char *pattern;         /* "/api/v1/complaints/{id}/actions/{action}" */
  rd_handler_fn handler;
  enum rd_route_auth auth;
  enum rd_route_body body;
  unsigned success;            /* the status of a successful answer */
  const char *tag;             /* OpenAPI grouping */
  const char *summary;
  const char *description;     /* may be NULL */
  const char *query;           /* query parameters, comma separated, or NULL */
  const char *request_schema;  /* components/schemas name, or NULL */
  const char *response_schema; /* name; "[]Name" for a list {items,next_cursor} */
};

/* The table and its length. */
const struct rd_route *rd_routes(size_t *n);

enum rd_route_match {
  RD_ROUTE_FOUND,              /* *index and the request's params are set */
  RD_ROUTE_NO_PATH,            /* 404 */
  RD_ROUTE_NO_METHOD,          /* 405; *allow lists the methods the path has */
};

/* Matches method and path against the table. On RD_ROUTE_FOUND stores the
 * route index in *index and the path parameters (arena copies) in req; on
 * RD_ROUTE_NO_METHOD, *allow (arena) is "GET, POST". HEAD matches GET. */
enum rd_route_match rd_route_match(struct rd_request *req, const char *method,
                                   const char *path, int *index,
                                   const char **allow);

/* ---- handlers (h_*.c, openapi.c) ----------------------------------------- */

void rd_h_healthz(struct rd_request *req);
void rd_h_metrics(struct rd_request *req);
void rd_h_version(struct rd_request *req);
void rd_h_openapi(struct rd_request *req);

void rd_h_login(struct rd_request *req);
void rd_h_logout(struct rd_request *req);
void rd_h_logout_all(struct rd_request *req);
void rd_h_me(struct rd_request *req);
void rd_h_me_patch(struct rd_request *req);
void rd_h_me_password(struct rd_request *req);

void rd_h_complaint_create(struct rd_request *req);
void rd_h_complaint_list(struct rd_request *req);
void rd_h_complaint_get(struct rd_request *req);
void rd_h_complaint_patch(struct rd_request *req);
void rd_h_complaint_act(struct rd_request *req);
void rd_h_event_list(struct rd_request *req);
void rd_h_note_add(struct rd_request *req);
void rd_h_attachment_add(struct rd_request *req);
void rd_h_attachment_list(struct rd_request *req);
void rd_h_attachment_get(struct rd_request *req);
void rd_h_attachment_content(struct rd_request *req);
void rd_h_customer_lookup(struct rd_request *req);

void rd_h_department_create(struct rd_request *req);
void rd_h_department_list(struct rd_request *req);
void rd_h_department_get(struct rd_request *req);
void rd_h_department_put(struct rd_request *req);
void rd_h_site_create(struct rd_request *req);
void rd_h_site_list(struct rd_request *req);
void rd_h_site_get(struct rd_request *req);
void rd_h_site_put(struct rd_request *req);
void rd_h_category_create(struct rd_request *req);
void rd_h_category_list(struct rd_request *req);
void rd_h_category_get(struct rd_request *req);
void rd_h_category_put(struct rd_request *req);
void rd_h_user_create(struct rd_request *req);
void rd_h_user_list(struct rd_request *req);
void rd_h_user_get(struct rd_request *req);
void rd_h_user_put(struct rd_request *req);
void rd_h_user_sessions_end(struct rd_request *req);
void rd_h_web_index(struct rd_request *req);
void rd_h_web_asset(struct rd_request *req);
void rd_h_extension_request(struct rd_request *req);
void rd_h_extension_grant(struct rd_request *req);
void rd_h_extension_refuse(struct rd_request *req);
void rd_h_extension_list(struct rd_request *req);
void rd_h_notification_list(struct rd_request *req);
void rd_h_notification_read(struct rd_request *req);
void rd_h_calendar_create(struct rd_request *req);
void rd_h_calendar_list(struct rd_request *req);
void rd_h_calendar_get(struct rd_request *req);
void rd_h_calendar_put(struct rd_request *req);
void rd_h_calendar_due(struct rd_request *req);
void rd_h_calendar_elapsed(struct rd_request *req);
void rd_h_policy_create(struct rd_request *req);
void rd_h_policy_list(struct rd_request *req);
void rd_h_policy_get(struct rd_request *req);
void rd_h_policy_put(struct rd_request *req);
void rd_h_token_create(struct rd_request *req);
void rd_h_token_list(struct rd_request *req);
void rd_h_token_revoke(struct rd_request *req);

void rd_h_report_summary(struct rd_request *req);

void rd_h_audit_list(struct rd_request *req);

void rd_h_web_portal(struct rd_request *req);
void rd_h_portal_submit(struct rd_request *req);
void rd_h_portal_photo_add(struct rd_request *req);
void rd_h_portal_progress(struct rd_request *req);
void rd_h_portal_survey_get(struct rd_request *req);
void rd_h_portal_survey_answer(struct rd_request *req);
void rd_h_survey_link(struct rd_request *req);

#endif
