/* http/routes.c - the whole HTTP API on one screen, and matching requests to it. */
#include "http/routes.h"

#include <stdio.h>
#include <string.h>

#include "util/arena.h"

#define LIST_Q "limit,cursor"
#define COMPLAINT_Q "status,department_id,severity,category_id,site_id,channel," \
                    "assignee_id,overdue,customer_id,customer_phone,q,from,to,sort,limit,cursor"

/* Admin writes are checked by the service (it knows roles); the table only says
 * whether someone must be signed in. */
static const struct rd_route routes[] = {
  /* method   pattern                                        handler                  auth          body           ok   tag            summary, description, query, request, response */
  {"GET",   "/",                                         rd_h_web_index,          RD_AUTH_NONE, RD_BODY_NONE, 200, "web", "The web console", "HTML; its scripts and styles come from /assets/ (content-hashed names).", NULL, NULL, NULL},
  {"GET",   "/assets/{name}",                            rd_h_web_asset,          RD_AUTH_NONE, RD_BODY_NONE, 200, "web", "A file of the web console", "Cached for a year: the name carries its content hash.", NULL, NULL, "Binary"},
  {"GET",   "/healthz",                                  rd_h_healthz,            RD_AUTH_NONE, RD_BODY_NONE, 200, "system", "Health: 200 when the store answers", NULL, NULL, NULL, "Health"},
  {"GET",   "/metrics",                                  rd_h_metrics,            RD_AUTH_NONE, RD_BODY_NONE, 200, "system", "Prometheus metrics", "Text exposition format 0.0.4.", NULL, NULL, NULL},
  {"GET",   "/api/v1/version",                           rd_h_version,            RD_AUTH_NONE, RD_BODY_NONE, 200, "system", "Server name and version", NULL, NULL, NULL, "Version"},
  {"GET",   "/api/v1/openapi.json",                      rd_h_openapi,            RD_AUTH_NONE, RD_BODY_NONE, 200, "system", "This document", NULL, NULL, NULL, NULL},

  {"POST",  "/api/v1/auth/login",                        rd_h_login,              RD_AUTH_NONE, RD_BODY_JSON, 200, "auth", "Sign in", "Sets the redress_session cookie; later unsafe requests carry X-CSRF-Token. Repeated failures are throttled (429).", NULL, "Login", "LoginResult"},
  {"POST",  "/api/v1/auth/logout",                       rd_h_logout,             RD_AUTH_USER, RD_BODY_NONE, 204, "auth", "Sign out", "A session is also over after 12 hours, or 30 minutes unused (serve --session-max, --session-idle): 401.", NULL, NULL, NULL},
  {"POST",  "/api/v1/auth/logout-all",                   rd_h_logout_all,         RD_AUTH_USER, RD_BODY_NONE, 204, "auth", "Sign out everywhere", "Ends every session of the signed-in user, this one too, in every browser and on every node (within 5 s on the others). API tokens stay; revoke them apart.", NULL, NULL, NULL},
  {"GET",   "/api/v1/me",                                rd_h_me,                 RD_AUTH_USER, RD_BODY_NONE, 200, "auth", "The signed-in user", "language is the console's language the user chose (user.locale).", NULL, NULL, "Me"},
  {"POST",  "/api/v1/me/password",                       rd_h_me_password,        RD_AUTH_USER, RD_BODY_JSON, 204, "auth", "Change the signed-in user's own password", "current_password must be right (403 otherwise; failures count towards the sign-in limit, 429); new_password must be 10 to 1024 characters of at least two kinds (lower case, upper case, digits, others), not contain the user name, not be a common password (422 naming new_password). The user's other sessions end; this one stays.", NULL, "PasswordChange", NULL},
  {"PATCH", "/api/v1/me",                                rd_h_me_patch,           RD_AUTH_USER, RD_BODY_JSON, 200, "auth", "Change the signed-in user's own settings", "language (zh-CN or en): the console applies it at every sign-in, in any browser.", NULL, "MePatch", "Me"},

  {"POST",  "/api/v1/complaints",                        rd_h_complaint_create,   RD_AUTH_USER, RD_BODY_JSON, 201, "complaints", "Register a complaint", "Honours Idempotency-Key: the same key and body return the first complaint again (header Idempotent-Replayed: true).", NULL, "ComplaintCreate", "Complaint"},
  {"GET",   "/api/v1/complaints",                        rd_h_complaint_list,     RD_AUTH_USER, RD_BODY_NONE, 200, "complaints", "List complaints", "status and channel and severity take comma lists; status=open means every open state; sort is due, -received_at (default) or received_at.", COMPLAINT_Q, NULL, "[]Complaint"},
  {"GET",   "/api/v1/complaints/{id}",                   rd_h_complaint_get,      RD_AUTH_USER, RD_BODY_NONE, 200, "complaints", "One complaint by id or number", NULL, NULL, NULL, "Complaint"},
  {"PATCH", "/api/v1/complaints/{id}",                   rd_h_complaint_patch,    RD_AUTH_USER, RD_BODY_JSON, 200, "complaints", "Edit descriptive fields", "Needs the version (If-Match: \"<n>\" or a version field); a stale one gets 409.", NULL, "ComplaintPatch", "Complaint"},
  {"POST",  "/api/v1/complaints/{id}/actions/{action}",  rd_h_complaint_act,      RD_AUTH_USER, RD_BODY_JSON, 200, "complaints", "Take a workflow action", "action is one of triage, explain, assign, contact, progress, propose_plan, approve, reject, resolve, follow_up, close, withdraw, merge, wait (for the customer; reason) and resume. The version (If-Match or a version field) is optional.", NULL, "Action", "Complaint"},
  {"GET",   "/api/v1/complaints/{id}/events",            rd_h_event_list,         RD_AUTH_USER, RD_BODY_NONE, 200, "complaints", "The timeline, oldest first", NULL, NULL, NULL, "[]Event"},
  {"POST",  "/api/v1/complaints/{id}/notes",             rd_h_note_add,           RD_AUTH_USER, RD_BODY_JSON, 201, "complaints", "Add an internal note", NULL, NULL, "Note", "Event"},
  {"POST",  "/api/v1/complaints/{id}/attachments",       rd_h_attachment_add,     RD_AUTH_USER, RD_BODY_RAW,  201, "attachments", "Upload an attachment", "The raw body is the file; its type comes from Content-Type and its name from ?filename=.", "filename", "Binary", "Attachment"},
  {"GET",   "/api/v1/complaints/{id}/attachments",       rd_h_attachment_list,    RD_AUTH_USER, RD_BODY_NONE, 200, "attachments", "A complaint's attachments", NULL, NULL, NULL, "[]Attachment"},
  {"GET",   "/api/v1/attachments/{id}",                  rd_h_attachment_get,     RD_AUTH_USER, RD_BODY_NONE, 200, "attachments", "Attachment metadata", NULL, NULL, NULL, "Attachment"},
  {"GET",   "/api/v1/attachments/{id}/content",          rd_h_attachment_content, RD_AUTH_USER, RD_BODY_NONE, 200, "attachments", "Attachment bytes", "Served with its content type and Content-Disposition: attachment.", NULL, NULL, "Binary"},

  /* The public customer portal (no sign-in; rate-limited per client address, 429 with Retry-After) and the staff call that makes its survey links. */
  {"GET",   "/portal",                                   rd_h_web_portal,         RD_AUTH_NONE, RD_BODY_NONE, 200, "portal", "The customer portal", "HTML for customers: the complaint form (#/), progress (#/track), the survey (#/survey/<token>).", NULL, NULL, NULL},
  {"POST",  "/api/v1/portal/complaints",                 rd_h_portal_submit,      RD_AUTH_NONE, RD_BODY_JSON, 201, "portal", "Submit a complaint (customer)", "Channel web. name, phone (7+ digits) and content are required. The answer carries the number and a photo-upload token valid for an hour. Honours Idempotency-Key (at most 100 characters). 10 accepted per hour per address.", NULL, "PortalComplaintCreate", "PortalReceipt"},
  {"POST",  "/api/v1/portal/complaints/{number}/photos", rd_h_portal_photo_add,   RD_AUTH_NONE, RD_BODY_RAW,  201, "portal", "Add a photo to a submitted complaint (customer)", "The raw body is a JPEG, PNG or WebP image (checked by its bytes; 415 otherwise) of at most 5 MiB; the token from the submission goes in X-Upload-Token; at most 5 photos. 30 per hour per address.", "filename", "Binary", "PortalPhoto"},
  {"POST",  "/api/v1/portal/progress",                   rd_h_portal_progress,    RD_AUTH_NONE, RD_BODY_JSON, 200, "portal", "A complaint's progress (customer)", "By number and the last four digits of the phone, in the body so they stay out of URLs and logs. A wrong number and wrong digits give the same 404. 10 per 10 minutes per address; 10 failures per hour per number.", NULL, "PortalLookup", "PortalProgress"},
  {"GET",   "/api/v1/portal/surveys/{token}",            rd_h_portal_survey_get,  RD_AUTH_NONE, RD_BODY_NONE, 200, "portal", "A satisfaction survey (customer)", "404 when the link is unknown, expired or replaced; 409 once answered or when the complaint no longer waits for it.", NULL, NULL, "PortalSurvey"},
  {"POST",  "/api/v1/portal/surveys/{token}",            rd_h_portal_survey_answer, RD_AUTH_NONE, RD_BODY_JSON, 200, "portal", "Answer a satisfaction survey (customer)", "Recorded as the follow_up action (method survey): satisfied closes the complaint, not satisfied reopens it. The link works once.", NULL, "SurveyAnswer", "PortalSurvey"},
  {"POST",  "/api/v1/complaints/{id}/survey-link",       rd_h_survey_link,        RD_AUTH_USER, RD_BODY_NONE, 201, "portal", "Make a resolved complaint's survey link (agent, manager, admin)", "A one-time link valid 14 days; earlier links stop working. The token is in this answer only.", NULL, NULL, "SurveyLink"},
  {"POST",  "/api/v1/complaints/{id}/clocks/{name}/extensions", rd_h_extension_request, RD_AUTH_USER, RD_BODY_JSON, 201, "sla", "Ask for a clock's deadline to be extended", "target is the clock's new target counted from its start (the bank's 15cd -> 30cd -> 60cd), later than the current one; reason is required. Handlers, managers and agents ask; one request waits per clock.", NULL, "ExtensionRequest", "Extension"},
  {"GET",   "/api/v1/complaints/{id}/extensions",        rd_h_extension_list,     RD_AUTH_USER, RD_BODY_NONE, 200, "sla", "A complaint's extension requests", NULL, NULL, NULL, "[]Extension"},
  {"POST",  "/api/v1/complaints/{id}/extensions/{eid}/grant", rd_h_extension_grant, RD_AUTH_USER, RD_BODY_JSON, 200, "sla", "Grant an extension (approver)", "The deadline, warning and escalation steps move; on the timeline as clock.extended.", NULL, "ExtensionDecision", "Extension"},
  {"POST",  "/api/v1/complaints/{id}/extensions/{eid}/refuse", rd_h_extension_refuse, RD_AUTH_USER, RD_BODY_JSON, 200, "sla", "Refuse an extension (approver)", "reason is required.", NULL, "ExtensionDecision", "Extension"},
  {"GET",   "/api/v1/customers",                         rd_h_customer_lookup,    RD_AUTH_USER, RD_BODY_NONE, 200, "complaints", "A customer by phone, with their complaints", NULL, "phone", NULL, "CustomerLookup"},

  {"POST",  "/api/v1/departments",                       rd_h_department_create,  RD_AUTH_USER, RD_BODY_JSON, 201, "organisation", "Create a department (admin)", NULL, NULL, "Department", "Department"},
  {"GET",   "/api/v1/departments",                       rd_h_department_list,    RD_AUTH_USER, RD_BODY_NONE, 200, "organisation", "List departments", NULL, NULL, NULL, "[]Department"},
  {"GET",   "/api/v1/departments/{id}",                  rd_h_department_get,     RD_AUTH_USER, RD_BODY_NONE, 200, "organisation", "One department", NULL, NULL, NULL, "Department"},
  {"PUT",   "/api/v1/departments/{id}",                  rd_h_department_put,     RD_AUTH_USER, RD_BODY_JSON, 200, "organisation", "Update a department (admin)", "Fields left out keep their value.", NULL, "Department", "Department"},
  {"POST",  "/api/v1/sites",                             rd_h_site_create,        RD_AUTH_USER, RD_BODY_JSON, 201, "organisation", "Create a site (admin)", NULL, NULL, "Site", "Site"},
  {"GET",   "/api/v1/sites",                             rd_h_site_list,          RD_AUTH_USER, RD_BODY_NONE, 200, "organisation", "List sites", NULL, NULL, NULL, "[]Site"},
  {"GET",   "/api/v1/sites/{id}",                        rd_h_site_get,           RD_AUTH_USER, RD_BODY_NONE, 200, "organisation", "One site", NULL, NULL, NULL, "Site"},
  {"PUT",   "/api/v1/sites/{id}",                        rd_h_site_put,           RD_AUTH_USER, RD_BODY_JSON, 200, "organisation", "Update a site (admin)", "Fields left out keep their value.", NULL, "Site", "Site"},
  {"POST",  "/api/v1/categories",                        rd_h_category_create,    RD_AUTH_USER, RD_BODY_JSON, 201, "organisation", "Create a category (admin)", "The level follows the parent chain, at most 4.", NULL, "Category", "Category"},
  {"GET",   "/api/v1/categories",                        rd_h_category_list,      RD_AUTH_USER, RD_BODY_NONE, 200, "organisation", "List categories", NULL, NULL, NULL, "[]Category"},
  {"GET",   "/api/v1/categories/{id}",                   rd_h_category_get,       RD_AUTH_USER, RD_BODY_NONE, 200, "organisation", "One category", NULL, NULL, NULL, "Category"},
  {"PUT",   "/api/v1/categories/{id}",                   rd_h_category_put,       RD_AUTH_USER, RD_BODY_JSON, 200, "organisation", "Update a category (admin)", "Fields left out keep their value.", NULL, "Category", "Category"},
  {"POST",  "/api/v1/users",                             rd_h_user_create,        RD_AUTH_USER, RD_BODY_JSON, 201, "organisation", "Create a user (admin)", "password follows the policy of POST /api/v1/me/password.", NULL, "UserWrite", "User"},
  {"GET",   "/api/v1/users",                             rd_h_user_list,          RD_AUTH_USER, RD_BODY_NONE, 200, "organisation", "List users", NULL, NULL, NULL, "[]User"},
  {"GET",   "/api/v1/users/{id}",                        rd_h_user_get,           RD_AUTH_USER, RD_BODY_NONE, 200, "organisation", "One user", NULL, NULL, NULL, "User"},
  {"PUT",   "/api/v1/users/{id}",                        rd_h_user_put,           RD_AUTH_USER, RD_BODY_JSON, 200, "organisation", "Update a user (admin)", "Fields left out keep their value; password only when given (the policy of POST /api/v1/me/password). A new password or active: false ends the user's sessions.", NULL, "UserWrite", "User"},
  {"DELETE", "/api/v1/users/{id}/sessions",              rd_h_user_sessions_end,  RD_AUTH_USER, RD_BODY_NONE, 204, "organisation", "End every session of a user (admin)", "The user must sign in again everywhere; their API tokens stay. 404 when no user has the id.", NULL, NULL, NULL},
  {"GET",   "/api/v1/notifications",                     rd_h_notification_list,  RD_AUTH_USER, RD_BODY_NONE, 200, "notifications", "The signed-in user's notifications, newest first", "Clock warnings and breaches (kind clock.warning, clock.breach); unread=true leaves out those already read.", "unread,limit,cursor", NULL, "[]Notification"},
  {"POST",  "/api/v1/notifications/{id}/read",           rd_h_notification_read,  RD_AUTH_USER, RD_BODY_NONE, 204, "notifications", "Mark a notification read", NULL, NULL, NULL, NULL},
  {"POST",  "/api/v1/calendars",                         rd_h_calendar_create,    RD_AUTH_USER, RD_BODY_JSON, 201, "sla", "Create a business calendar (admin)", "timezone defaults to Asia/Shanghai; a day left out of week has no working hours; holidays and workdays (make-up working days, on workday_hours) are dates, a year's at once.", NULL, "Calendar", "Calendar"},
  {"GET",   "/api/v1/calendars",                         rd_h_calendar_list,      RD_AUTH_USER, RD_BODY_NONE, 200, "sla", "List business calendars", NULL, NULL, NULL, "[]Calendar"},
  {"GET",   "/api/v1/calendars/{id}",                    rd_h_calendar_get,       RD_AUTH_USER, RD_BODY_NONE, 200, "sla", "One business calendar", NULL, NULL, NULL, "Calendar"},
  {"PUT",   "/api/v1/calendars/{id}",                    rd_h_calendar_put,       RD_AUTH_USER, RD_BODY_JSON, 200, "sla", "Update a business calendar (admin)", "Fields left out keep their value; holidays, workdays and week given replace the stored ones whole.", NULL, "Calendar", "Calendar"},
  {"POST",  "/api/v1/calendars/{id}/due",                rd_h_calendar_due,       RD_AUTH_USER, RD_BODY_JSON, 200, "sla", "When a time limit falls due on this calendar", "target is N m (working minutes), h (working hours), d (working days of the calendar's normal length) or cd (calendar days); due_at is in the calendar's UTC offset at that instant.", NULL, "DueRequest", "DueAnswer"},
  {"POST",  "/api/v1/calendars/{id}/elapsed",            rd_h_calendar_elapsed,   RD_AUTH_USER, RD_BODY_JSON, 200, "sla", "Working time between two instants", "Working seconds in [from, to).", NULL, "ElapsedRequest", "ElapsedAnswer"},
  {"POST",  "/api/v1/sla-policies",                      rd_h_policy_create,      RD_AUTH_USER, RD_BODY_JSON, 201, "sla", "Create an SLA policy (admin)", NULL, NULL, "SlaPolicy", "SlaPolicy"},
  {"GET",   "/api/v1/sla-policies",                      rd_h_policy_list,        RD_AUTH_USER, RD_BODY_NONE, 200, "sla", "List SLA policies by priority", NULL, NULL, NULL, "[]SlaPolicy"},
  {"GET",   "/api/v1/sla-policies/{id}",                 rd_h_policy_get,         RD_AUTH_USER, RD_BODY_NONE, 200, "sla", "One SLA policy", NULL, NULL, NULL, "SlaPolicy"},
  {"PUT",   "/api/v1/sla-policies/{id}",                 rd_h_policy_put,         RD_AUTH_USER, RD_BODY_JSON, 200, "sla", "Update an SLA policy (admin)", "Fields left out keep their value.", NULL, "SlaPolicy", "SlaPolicy"},
  {"POST",  "/api/v1/tokens",                            rd_h_token_create,       RD_AUTH_USER, RD_BODY_JSON, 201, "auth", "Create an API token", "The secret is in the answer once; only its hash is kept.", NULL, "TokenCreate", "TokenCreated"},
  {"GET",   "/api/v1/tokens",                            rd_h_token_list,         RD_AUTH_USER, RD_BODY_NONE, 200, "auth", "The caller's API tokens", "Admins may pass user_id.", "user_id", NULL, "[]Token"},
  {"DELETE", "/api/v1/tokens/{id}",                      rd_h_token_revoke,       RD_AUTH_USER, RD_BODY_NONE, 204, "auth", "Revoke an API token (its owner or an admin)", "It answers 401 from then on; it stays in the list with revoked: true. Another user's token is 404 to non-admins; revoking twice is 204.", NULL, NULL, NULL},

  {"GET",   "/api/v1/reports/summary",                   rd_h_report_summary,     RD_AUTH_USER, RD_BODY_NONE, 200, "reports", "Counts, times and satisfaction by group", "group_by is category, department, site, channel, severity, month or status (the current state); from/to bound received_at (RFC 3339 or a date).", "from,to,group_by", NULL, "Report"},
  {"GET",   "/api/v1/audit",                             rd_h_audit_list,         RD_AUTH_USER, RD_BODY_NONE, 200, "audit", "The audit log, newest first (admin, auditor)", "Every change and every staff read of personal data, with user, time, client address and action; hash-chained (seq, prev_hash, hash; see docs/audit.md). object is a kind or kind:id (complaint:12); action is exact or a prefix ending in a dot (complaint.); from/to bound the time (RFC 3339 or a date). Reading it is recorded too (audit.read).", "user_id,object,action,from,to," LIST_Q, NULL, "[]AuditEntry"},
};

const struct rd_route *
rd_routes(size_t *n)
{
  *n = sizeof routes / sizeof routes[0];
  return routes;
}

/* Length of the path segment starting at s (up to '/' or the end). */
static size_t
segment_len(const char *s)
{
  const char *slash = strchr(s, '/');
  return slash ? (size_t)(slash - s) : strlen(s);
}

/* Whether path fits pattern; fills names/values (pointers into pattern and
 * path, lengths in *_len) for the {params}. */
static bool
match_pattern(const char *pattern, const char *path, size_t *n_params,
              const char *names[], size_t name_len[], const char *values[],
              size_t value_len[])
{
  *n_params = 0;
  const char *p = pattern, *s = path;
  while (*p && *s) {
    if (*p != '/' || *s != '/')
      return false;
    p++, s++;
    size_t pl = segment_len(p), sl = segment_len(s);
    if (*p == '{') {
      if (sl == 0 || *n_params == RD_ROUTE_MAX_PARAMS)
        return false;
      names[*n_params] = p + 1;
      name_len[*n_params] = pl - 2;
      values[*n_params] = s;
      value_len[*n_params] = sl;
      (*n_params)++;
    } else if (pl != sl || memcmp(p, s, pl) != 0) {
      return false;
    }
    p += pl, s += sl;
  }
  return *p == '\0' && *s == '\0';
}

enum rd_route_match
rd_route_match(struct rd_request *req, const char *method, const char *path,
               int *index, const char **allow)
{
  size_t n = sizeof routes / sizeof routes[0];
  const char *names[RD_ROUTE_MAX_PARAMS], *values[RD_ROUTE_MAX_PARAMS];
  size_t name_len[RD_ROUTE_MAX_PARAMS], value_len[RD_ROUTE_MAX_PARAMS];
  size_t n_params;
  char allowed[128] = "";
  bool path_known = false;

  if (strcmp(method, "HEAD") == 0)
    method = "GET";
  for (size_t i = 0; i < n; i++) {
    if (!match_pattern(routes[i].pattern, path, &n_params, names, name_len,
                       values, value_len))
      continue;
    if (strcmp(routes[i].method, method) != 0) {
      /* Several patterns may fit one path; list each method once. */
      if (!strstr(allowed, routes[i].method)) {
        size_t used = strlen(allowed);
        snprintf(allowed + used, sizeof allowed - used, "%s%s",
                 used ? ", " : "", routes[i].method);
      }
      path_known = true;
      continue;
    }
    *index = (int)i;
    req->n_params = n_params;
    for (size_t k = 0; k < n_params; k++) {
      req->param_names[k] = rd_arena_strndup(req->arena, names[k], name_len[k]);
      req->param_values[k] = rd_arena_strndup(req->arena, values[k], value_len[k]);
    }
    return RD_ROUTE_FOUND;
  }
  *index = -1;
  if (!path_known)
    return RD_ROUTE_NO_PATH;
  if (strstr(allowed, "GET") && !strstr(allowed, "HEAD")) {
    size_t used = strlen(allowed);
    snprintf(allowed + used, sizeof allowed - used, ", HEAD");
  }
  *allow = rd_arena_strdup(req->arena, allowed);
  return RD_ROUTE_NO_METHOD;
}
