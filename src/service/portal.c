/* service/portal.c - the public customer portal: a complaint submitted
 * without signing in (with photos added by a short-lived upload token), its
 * progress for whoever knows the number and the phone's last four digits,
 * and the one-time satisfaction survey link staff send once it is resolved.
 *
 * The customer is not a user: the portal acts as an agent-like principal
 * with user id 0, so its steps show on the timeline as the system's, each
 * marked "via": "portal". What the customer is shown is decided by the pure
 * core (core/portal.c); this file adds the store and the secrets.
 */
#include "service/service_int.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/portal.h"
#include "core/validate.h"
#include "util/arena.h"
#include "util/buf.h"

enum { SECRET_BYTES = 32 };

static const struct rd_principal portal_who = {
    .user_id = 0,
    .username = "portal",
    .display_name = "客户（网上）",
    .role = RD_ROLE_AGENT,
    .department_id = 0,
    .locale = "zh-CN",
    .customer = true,
};

/* The portal's principal for one request: the customer at client_addr. */
static struct rd_principal
customer_at(const char *client_addr)
{
  struct rd_principal who = portal_who;
  who.client_addr = client_addr;
  return who;
}

/* A fresh secret (64 hex digits, in a) and its SHA-256 (hex). */
static const char *
new_secret(struct rd_arena *a, char sha[65])
{
  unsigned char raw[SECRET_BYTES];
  char *hex = rd_arena_alloc(a, SECRET_BYTES * 2 + 1);
  randombytes_buf(raw, sizeof raw);
  sodium_bin2hex(hex, SECRET_BYTES * 2 + 1, raw, sizeof raw);
  sodium_memzero(raw, sizeof raw);
  rd_svc_sha256_hex(hex, SECRET_BYTES * 2, sha);
  return hex;
}

/* Whether s has the shape of a secret we issue; anything else is not looked
 * up at all. */
static bool
secret_shaped(const char *s)
{
  if (!s || strlen(s) != SECRET_BYTES * 2)
    return false;
  for (; *s; s++)
    if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
      return false;
  return true;
}

/* ---- submitting ------------------------------------------------------------- */

struct upload_issue {
  struct rd_portal_token t;    /* hash and limits set before the write */
};

/* The upload token goes in with the complaint (or with its replay). */
static enum rd_status
issue_upload_tx(struct rd_tx *tx, void *ctx, const struct rd_complaint *c,
                struct rd_error *err)
{
  struct upload_issue *u = ctx;
  u->t.complaint_id = c->id;
  return rd_tx_portal_token_issue(tx, &u->t, err);
}

enum rd_status
rd_service_portal_submit(struct rd_service *svc,
                         const struct rd_portal_submission *s,
                         const char *idem_key, const char *body_sha256,
                         const char *client_addr, struct rd_arena *a,
                         struct rd_portal_receipt *out, bool *replayed,
                         struct rd_error *err)
{
  const struct rd_principal who = customer_at(client_addr);
  enum rd_status rc;
  struct rd_complaint in;
  struct rd_complaint_view v;
  struct upload_issue u;
  int64_t now = rd_service_now(svc);

  if ((rc = rd_portal_validate_submission(s, err)))
    return rc;
  memset(&in, 0, sizeof in);
  in.channel = RD_CHANNEL_WEB;
  in.received_at = now;
  in.customer.name = s->name;
  in.customer.phone = s->phone;
  in.customer.email = s->email && *s->email ? s->email : NULL;
  in.subject = s->subject && *s->subject ? s->subject : NULL;
  in.content = s->content;
  in.demands = s->demands && *s->demands ? s->demands : NULL;

  memset(&u, 0, sizeof u);
  const char *secret = new_secret(a, u.t.token_sha256);
  u.t.purpose = RD_PORTAL_UPLOAD;
  u.t.created_at = now;
  u.t.expires_at = now + RD_PORTAL_UPLOAD_TTL_S;
  u.t.uses_left = RD_PORTAL_PHOTOS_MAX;

  /* Customers' keys live apart from staff ones (user 0 is also the CLI's). */
  const char *key = idem_key && *idem_key ? rd_arena_sprintf(a, "portal:%s", idem_key)
                                          : NULL;
  if ((rc = rd_svc_complaint_register_with(svc, &who, &in, key, body_sha256,
                                           issue_upload_tx, &u, a, &v, replayed,
                                           err)))
    return rc;
  memset(out, 0, sizeof *out);
  out->number = v.c.number;
  out->received_at = v.c.received_at;
  out->status = rd_portal_status(v.c.status);
  out->upload_token = secret;
  out->upload_expires_at = u.t.expires_at;
  return RD_OK;
}

/* ---- photos ------------------------------------------------------------------ */

/* Why token t does not let its holder add a photo to complaint_id now, or
 * RD_OK. One answer for "unknown" and "another complaint's". */
static enum rd_status
upload_refusal(const struct rd_portal_token *t, int64_t complaint_id,
               int64_t now, struct rd_error *err)
{
  if (t->purpose != RD_PORTAL_UPLOAD || t->complaint_id != complaint_id)
    return rd_error_set(err, RD_E_FORBIDDEN, "X-Upload-Token",
                        "this upload token is not valid for this complaint");
  if (t->revoked_at || now >= t->expires_at)
    return rd_error_set(err, RD_E_FORBIDDEN, "X-Upload-Token",
                        "this upload token has expired; photos can be added for "
                        "%d minutes after submitting", RD_PORTAL_UPLOAD_TTL_S / 60);
  if (t->uses_left <= 0)
    return rd_error_set(err, RD_E_FORBIDDEN, "X-Upload-Token",
                        "at most %d photos can be added", RD_PORTAL_PHOTOS_MAX);
  return RD_OK;
}

struct photo_ctx {
  const struct rd_principal *who;
  const char *number;
  const char *sha;
  int64_t now;
  struct rd_attachment *att;
  const void *data;
  size_t len;
  int photos_left;
  struct rd_arena *a;
};

/* Token checked and spent, and the photo stored, in one transaction: two
 * uploads racing for the last use cannot both pass. */
static enum rd_status
photo_tx(struct rd_tx *tx, void *arg, struct rd_error *err)
{
  struct photo_ctx *x = arg;
  struct rd_complaint c;
  struct rd_portal_token t;
  enum rd_status rc = rd_tx_complaint_get_by_number(tx, x->number, x->a, &c, err);
  if (rc == RD_E_NOT_FOUND)
    return rd_error_set(err, RD_E_FORBIDDEN, "X-Upload-Token",
                        "this upload token is not valid for this complaint");
  if (rc)
    return rc;
  rc = rd_tx_portal_token_get(tx, x->sha, x->a, &t, err);
  if (rc == RD_E_NOT_FOUND)
    return rd_error_set(err, RD_E_FORBIDDEN, "X-Upload-Token",
                        "this upload token is not valid for this complaint");
  if (rc || (rc = upload_refusal(&t, c.id, x->now, err)) ||
      (rc = rd_tx_portal_token_use(tx, t.id, x->now, err)))
    return rc;
  x->photos_left = t.uses_left - 1;
  x->att->complaint_id = c.id;
  return rd_svc_attach_tx(tx, x->who, x->att, x->data, x->len, "portal", x->a,
                          err);
}

enum rd_status
rd_service_portal_photo_add(struct rd_service *svc, const char *number,
                            const char *upload_token, const char *filename,
                            const void *data, size_t len,
                            const char *client_addr, struct rd_arena *a,
                            struct rd_attachment *out, int *photos_left,
                            struct rd_error *err)
{
  const struct rd_principal who = customer_at(client_addr);
  enum rd_status rc;
  char sha[65];
  struct rd_portal_token t;
  struct rd_complaint c;
  int64_t now = rd_service_now(svc);

  *photos_left = 0;
  if (!upload_token || !*upload_token)
    return rd_error_set(err, RD_E_UNAUTHORIZED, "X-Upload-Token",
                        "send the upload token given with the complaint number "
                        "in the X-Upload-Token header");
  if (!secret_shaped(upload_token) || !number ||
      strlen(number) > RD_PORTAL_NUMBER_MAX)
    return rd_error_set(err, RD_E_FORBIDDEN, "X-Upload-Token",
                        "this upload token is not valid for this complaint");
  /* The capability first (a read), so a stranger learns nothing from the
   * body checks; the write checks it again. */
  rd_svc_sha256_hex(upload_token, strlen(upload_token), sha);
  rc = rd_store_portal_token_get(svc->store, sha, a, &t, err);
  if (rc == RD_OK)
    rc = rd_store_complaint_get_by_number(svc->store, number, a, &c, err);
  if (rc == RD_E_NOT_FOUND)
    return rd_error_set(err, RD_E_FORBIDDEN, "X-Upload-Token",
                        "this upload token is not valid for this complaint");
  if (rc || (rc = upload_refusal(&t, c.id, now, err)))
    return rc;

  if (len > RD_PORTAL_PHOTO_MAX_BYTES)
    return rd_error_set(err, RD_E_TOO_LARGE, "body",
                        "a photo may be at most %d MiB",
                        RD_PORTAL_PHOTO_MAX_BYTES / (1024 * 1024));
  if (len == 0)
    return rd_error_set(err, RD_E_INVALID, "body", "the photo is empty");
  const char *type = rd_portal_image_type(data, len);
  if (!type)
    return rd_error_set(err, RD_E_UNSUPPORTED_MEDIA, "body",
                        "photos must be JPEG, PNG or WebP images");
  if (filename && *filename && (rc = rd_svc_filename_check(filename, err)))
    return rc;
  if (!filename || !*filename)
    filename = strcmp(type, "image/png") == 0    ? "photo.png"
               : strcmp(type, "image/webp") == 0 ? "photo.webp"
                                                 : "photo.jpg";

  memset(out, 0, sizeof *out);
  out->size = (int64_t)len;
  out->content_type = type;
  out->filename = filename;
  out->uploaded_by = 0;
  out->uploaded_at = now;
  rd_svc_sha256_hex(data, len, out->sha256);
  struct photo_ctx x = {.who = &who, .number = number, .sha = sha, .now = now, .att = out,
                        .data = data, .len = len, .a = a};
  if ((rc = rd_store_write(svc->store, photo_tx, &x, err)))
    return rc;
  *photos_left = x.photos_left;
  return RD_OK;
}

/* ---- progress ------------------------------------------------------------------ */

/* The department_id a triage or assign event's data names, or 0. */
static int64_t
event_department(const struct rd_event *ev)
{
  int64_t id = 0;
  if (!ev->data_json)
    return 0;
  json_t *root = json_loads(ev->data_json, 0, NULL);
  json_t *v = json_is_object(root) ? json_object_get(root, "department_id") : NULL;
  if (json_is_integer(v))
    id = (int64_t)json_integer_value(v);
  json_decref(root);
  return id;
}

static const char *
department_name(struct rd_service *svc, int64_t id, struct rd_arena *a)
{
  struct rd_department d;
  struct rd_error ignored = {0};
  if (id <= 0 || rd_store_department_get(svc->store, id, a, &d, &ignored) != RD_OK)
    return NULL;
  return d.name;
}

enum rd_status
rd_service_portal_progress(struct rd_service *svc, const char *number,
                           const char *phone_last4, struct rd_arena *a,
                           struct rd_portal_progress *out, struct rd_error *err)
{
  enum rd_status rc;
  struct rd_complaint c;
  struct rd_event *events = NULL;
  size_t n = 0;

  if ((rc = rd_portal_validate_lookup(number, phone_last4, err)))
    return rc;
  rc = rd_store_complaint_get_by_number(svc->store, number, a, &c, err);
  if (rc == RD_E_NOT_FOUND) {
    /* Typed on a phone in lower case: "ts20261130-000001". */
    char *upper = rd_arena_strdup(a, number);
    for (char *p = upper; *p; p++)
      if (*p >= 'a' && *p <= 'z')
        *p = (char)(*p - 'a' + 'A');
    if (strcmp(upper, number) != 0)
      rc = rd_store_complaint_get_by_number(svc->store, upper, a, &c, err);
  }
  if (rc && rc != RD_E_NOT_FOUND)
    return rc;
  /* One answer for both: whoever has a number but not the phone learns
   * nothing about it, not even that it exists. */
  if (rc == RD_E_NOT_FOUND || !rd_portal_phone_matches(c.customer.phone, phone_last4))
    return rd_error_set(err, RD_E_NOT_FOUND, "number",
                        "no complaint has this number with these phone digits");
  if ((rc = rd_store_event_list(svc->store, c.id, a, &events, &n, err)))
    return rc;

  struct rd_portal_step_view *steps = n ? rd_arena_alloc(a, n * sizeof *steps) : NULL;
  size_t k = 0;
  int64_t shown_department = 0;
  for (size_t i = 0; i < n; i++) {
    const char *step = rd_portal_step(&events[i]);
    if (!step)
      continue;
    struct rd_portal_step_view *s = &steps[k];
    memset(s, 0, sizeof *s);
    s->step = step;
    s->at = events[i].at;
    bool accepted = strcmp(step, "accepted") == 0;
    if (accepted || strcmp(step, "reassigned") == 0) {
      int64_t dept = event_department(&events[i]);
      if (!dept && accepted)
        dept = c.department_id;
      /* A new assignee inside the same department is not news. */
      if (!accepted && (dept == 0 || dept == shown_department))
        continue;
      shown_department = dept;
      s->department = department_name(svc, dept, a);
    }
    k++;
  }
  memset(out, 0, sizeof *out);
  out->number = c.number;
  out->subject = c.subject;
  out->status = rd_portal_status(c.status);
  out->received_at = c.received_at;
  out->steps = steps;
  out->n_steps = k;
  return RD_OK;
}

/* ---- the satisfaction survey ------------------------------------------------------ */

struct link_ctx {
  const struct rd_principal *who;
  int64_t id;
  struct rd_portal_token t;
  struct rd_arena *a;
};

/* State and scope checked again where they cannot change underneath. */
static enum rd_status
link_tx(struct rd_tx *tx, void *arg, struct rd_error *err)
{
  struct link_ctx *x = arg;
  struct rd_complaint c;
  enum rd_status rc = rd_tx_complaint_get(tx, x->id, x->a, &c, err);
  if (rc)
    return rc;
  if (!rd_svc_can_see(x->who, &c))
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such complaint");
  if (c.status != RD_STATE_RESOLVED)
    return rd_error_set(err, RD_E_ILLEGAL_STATE, "status",
                        "a survey link is for a resolved complaint; this one is %s",
                        rd_state_name(c.status));
  x->t.complaint_id = c.id;
  x->t.bound_at = c.resolved_at;
  if ((rc = rd_tx_portal_token_issue(tx, &x->t, err)))
    return rc;
  struct rd_event ev = {
      .complaint_id = c.id, .at = x->t.created_at, .actor_id = x->who->user_id,
      .type = "survey_link", .from_status = (int)c.status, .to_status = (int)c.status,
      .data_json = rd_arena_sprintf(x->a, "{\"expires_at\":%lld}",
                                    (long long)x->t.expires_at),
  };
  if ((rc = rd_tx_event_append(tx, &ev, err)))
    return rc;
  return rd_svc_audit(tx, x->who, x->t.created_at, "survey.link", "complaint",
                      c.id, NULL, err);
}

enum rd_status
rd_service_survey_link(struct rd_service *svc, const struct rd_principal *who,
                       int64_t complaint_id, struct rd_arena *a,
                       const char **token, int64_t *expires_at,
                       struct rd_error *err)
{
  enum rd_status rc;
  struct rd_complaint c;
  int64_t now = rd_service_now(svc);

  /* Customer service sends it, and the department's manager may. */
  if (who->role != RD_ROLE_AGENT && who->role != RD_ROLE_MANAGER &&
      who->role != RD_ROLE_ADMIN)
    return rd_error_set(err, RD_E_FORBIDDEN, "",
                        "survey links are made by customer service, managers and admins");
  if ((rc = rd_svc_load_visible_id(svc, who, complaint_id, a, &c, err)))
    return rc;
  struct link_ctx x = {.who = who, .id = complaint_id, .a = a};
  *token = new_secret(a, x.t.token_sha256);
  x.t.purpose = RD_PORTAL_SURVEY;
  x.t.created_at = now;
  x.t.created_by = who->user_id;
  x.t.expires_at = now + RD_PORTAL_SURVEY_TTL_S;
  x.t.uses_left = 1;
  if ((rc = rd_store_write(svc->store, link_tx, &x, err)))
    return rc;
  *expires_at = x.t.expires_at;
  return RD_OK;
}

/* Why survey token t cannot be answered now, or RD_OK. */
static enum rd_status
survey_refusal(const struct rd_portal_token *t, const struct rd_complaint *c,
               int64_t now, struct rd_error *err)
{
  if (t->purpose != RD_PORTAL_SURVEY || t->revoked_at || now >= t->expires_at)
    return rd_error_set(err, RD_E_NOT_FOUND, "token",
                        "this survey link is unknown or has expired");
  if (t->uses_left <= 0)
    return rd_error_set(err, RD_E_CONFLICT, "token",
                        "this survey was answered already; thank you");
  if (c->status != RD_STATE_RESOLVED || c->resolved_at != t->bound_at)
    return rd_error_set(err, RD_E_CONFLICT, "token",
                        "this complaint no longer waits for this answer");
  return RD_OK;
}

/* The token by its secret, with its complaint; unknown is RD_E_NOT_FOUND. */
static enum rd_status
load_survey(struct rd_service *svc, const char *token, struct rd_arena *a,
            char sha[65], struct rd_portal_token *t, struct rd_complaint *c,
            struct rd_error *err)
{
  enum rd_status rc;
  if (!secret_shaped(token))
    return rd_error_set(err, RD_E_NOT_FOUND, "token",
                        "this survey link is unknown or has expired");
  rd_svc_sha256_hex(token, strlen(token), sha);
  rc = rd_store_portal_token_get(svc->store, sha, a, t, err);
  if (rc == RD_E_NOT_FOUND)
    return rd_error_set(err, RD_E_NOT_FOUND, "token",
                        "this survey link is unknown or has expired");
  if (rc)
    return rc;
  return rd_store_complaint_get(svc->store, t->complaint_id, a, c, err);
}

/* The resolution as last reported (the resolve action's result). */
static const char *
last_result(struct rd_service *svc, int64_t id, struct rd_arena *a)
{
  struct rd_event *ev = NULL;
  size_t n = 0;
  struct rd_error ignored = {0};
  if (rd_store_event_list(svc->store, id, a, &ev, &n, &ignored) != RD_OK)
    return NULL;
  for (size_t i = n; i > 0; i--)
    if (ev[i - 1].type && strcmp(ev[i - 1].type, rd_action_name(RD_ACT_RESOLVE)) == 0)
      return ev[i - 1].note;
  return NULL;
}

static void
survey_view(struct rd_service *svc, const struct rd_complaint *c,
            const struct rd_portal_token *t, struct rd_arena *a,
            struct rd_portal_survey *out)
{
  memset(out, 0, sizeof *out);
  out->number = c->number;
  out->subject = c->subject;
  out->status = rd_portal_status(c->status);
  out->resolved_at = c->resolved_at;
  out->expires_at = t->expires_at;
  out->result = last_result(svc, c->id, a);
}

enum rd_status
rd_service_portal_survey_get(struct rd_service *svc, const char *token,
                             struct rd_arena *a, struct rd_portal_survey *out,
                             struct rd_error *err)
{
  char sha[65];
  struct rd_portal_token t;
  struct rd_complaint c;
  enum rd_status rc;
  if ((rc = load_survey(svc, token, a, sha, &t, &c, err)) ||
      (rc = survey_refusal(&t, &c, rd_service_now(svc), err)))
    return rc;
  survey_view(svc, &c, &t, a, out);
  return RD_OK;
}

struct answer_guard {
  const char *sha;
  int64_t now;
  struct rd_arena *a;
};

/* Inside the follow-up's transaction: the token is still good, and is spent. */
static enum rd_status
answer_guard_tx(struct rd_tx *tx, void *ctx, const struct rd_complaint *c,
                struct rd_error *err)
{
  struct answer_guard *g = ctx;
  struct rd_portal_token t;
  enum rd_status rc = rd_tx_portal_token_get(tx, g->sha, g->a, &t, err);
  if (rc == RD_E_NOT_FOUND)
    return rd_error_set(err, RD_E_NOT_FOUND, "token",
                        "this survey link is unknown or has expired");
  if (rc || (rc = survey_refusal(&t, c, g->now, err)))
    return rc;
  return rd_tx_portal_token_use(tx, t.id, g->now, err);
}

enum rd_status
rd_service_portal_survey_answer(struct rd_service *svc, const char *token,
                                const struct rd_survey_answer *ans,
                                const char *client_addr, struct rd_arena *a,
                                struct rd_portal_survey *out,
                                struct rd_error *err)
{
  const struct rd_principal who = customer_at(client_addr);
  char sha[65];
  struct rd_portal_token t;
  struct rd_complaint c;
  struct rd_complaint_view v;
  enum rd_status rc;
  int64_t now = rd_service_now(svc);

  if ((rc = load_survey(svc, token, a, sha, &t, &c, err)) ||
      (rc = survey_refusal(&t, &c, now, err)))
    return rc;
  if (!ans->has_satisfied)
    return rd_error_set(err, RD_E_INVALID, "satisfied", "satisfied is required");
  if (!ans->has_score || ans->score < 1 || ans->score > 5)
    return rd_error_set(err, RD_E_INVALID, "score", "score must be 1 to 5");
  if ((rc = rd_validate_text("comment", ans->comment, RD_MAX_TEXT, false, err)))
    return rc;

  struct rd_action act = {
      .kind = RD_ACT_FOLLOW_UP,
      .fields = RD_F_METHOD | RD_F_REACHED | RD_F_SATISFIED | RD_F_SCORE,
      .method = "survey", .reached = true, .satisfied = ans->satisfied,
      .score = ans->score,
  };
  if (ans->comment && *ans->comment) {
    act.fields |= RD_F_COMMENT;
    act.comment = ans->comment;
  }
  struct rd_buf b = {0};
  rd_buf_printf(&b, "{\"method\":\"survey\",\"reached\":true,\"satisfied\":%s,\"score\":%d",
                ans->satisfied ? "true" : "false", ans->score);
  if (act.comment) {
    rd_buf_puts(&b, ",\"comment\":");
    rd_buf_json_string(&b, act.comment);
  }
  rd_buf_puts(&b, ",\"via\":\"portal\"}");
  const char *body = rd_arena_strdup(a, b.data);
  rd_buf_free(&b);

  struct answer_guard g = {.sha = sha, .now = now, .a = a};
  if ((rc = rd_svc_complaint_act_with(svc, &who, t.complaint_id, &act, 0, body,
                                      answer_guard_tx, &g, a, &v, err)))
    return rc;
  survey_view(svc, &v.c, &t, a, out);
  return RD_OK;
}
