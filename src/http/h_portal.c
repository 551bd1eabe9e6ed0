/* http/h_portal.c - the public customer portal's API (no sign-in) and the
 * staff call that makes a survey link.
 *
 * Every public call is rate-limited per client address before it does any
 * work (429 with Retry-After). The counts live in the database
 * (http/throttle.c), so behind several server nodes they hold for all of
 * them together; behind a reverse proxy the address is the one a trusted
 * proxy forwarded for (http/client_addr.c).
 */
#include "http/routes.h"

#include <sodium.h>
#include <string.h>

#include "http/handlers.h"
#include "http/json_in.h"
#include "http/json_out.h"
#include "http/params.h"
#include "http/throttle.h"
#include "util/arena.h"
#include "util/time.h"

enum { IDEMPOTENCY_KEY_MAX = 100 };

/* Requests allowed per client address and window. Every attempt counts,
 * not only failures (a customer needs a few of each, a script many) --
 * except for submissions, where only accepted ones count: a refused one
 * writes nothing, and a customer fixing a typo should not lose a turn. */
struct limit {
  const char *name;
  int max;
  int window_s;
};

static const struct limit submit_limit  = {"portal.submit", 10, 60 * 60};
static const struct limit photo_limit   = {"portal.photo",  30, 60 * 60};
static const struct limit lookup_limit  = {"portal.lookup", 10, 10 * 60};
static const struct limit survey_limit  = {"portal.survey", 20, 10 * 60};
/* Failed lookups of one number from any address: someone guessing the four
 * digits from many addresses stops after this many, whatever the number
 * (existing or not, so the limit itself reveals nothing). */
static const struct limit number_limit  = {"portal.number", 10, 60 * 60};

static char *
limit_key(struct rd_request *req, const struct limit *l, const char *subject)
{
  return rd_arena_sprintf(req->arena, "%s:%s", l->name, subject);
}

static void
reply_limited(struct rd_request *req, int retry_after)
{
  rd_reply_header(req, "Retry-After", rd_arena_sprintf(req->arena, "%d", retry_after));
  rd_reply_error(req, RD_E_RATE_LIMITED, NULL,
                 "too many requests; try again in %d seconds", retry_after);
}

/* Whether the client's address is within l, counting this request when
 * count; false (429 sent) past the limit. The wall clock, not the
 * service's: limits guard the real world even when tests move the
 * service's clock. */
static bool
address_within(struct rd_request *req, const struct limit *l, bool count)
{
  int retry_after;
  const char *key = limit_key(req, l, rd_request_client_ip(req));
  if (count ? rd_throttle_take(req->http->portal_limits, key, l->max, l->window_s,
                               rd_service_now(req->svc), &retry_after)
            : rd_throttle_check(req->http->portal_limits, key, l->max, rd_service_now(req->svc),
                                &retry_after))
    return true;
  reply_limited(req, retry_after);
  return false;
}

static bool
within_limit(struct rd_request *req, const struct limit *l)
{
  return address_within(req, l, true);
}

/* ---- submitting ----------------------------------------------------------------- */

void
rd_h_portal_submit(struct rd_request *req)
{
  static const char *const keys[] = {"name", "phone", "email", "subject", "content",
                                     "demands"};
  const char *v[6];
  struct rd_portal_receipt r;
  struct rd_error err = {0};
  bool replayed = false;
  char sha_hex[crypto_hash_sha256_BYTES * 2 + 1] = "";
  const char *key = rd_request_header(req, "Idempotency-Key");

  if (!address_within(req, &submit_limit, false))
    return;
  if (key && (!*key || strlen(key) > IDEMPOTENCY_KEY_MAX)) {
    rd_reply_error(req, RD_E_INVALID, "Idempotency-Key",
                   "Idempotency-Key must be 1 to %d characters", IDEMPOTENCY_KEY_MAX);
    return;
  }
  if (key) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)(req->body ? req->body : ""),
                       req->body_len);
    sodium_bin2hex(sha_hex, sizeof sha_hex, digest, sizeof digest);
  }
  if (rd_json_read_strings(req->body, req->body_len, false, req->arena, keys, v, 6,
                           &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  struct rd_portal_submission s = {.name = v[0], .phone = v[1], .email = v[2],
                                   .subject = v[3], .content = v[4], .demands = v[5]};
  if (rd_service_portal_submit(req->svc, &s, key, key ? sha_hex : NULL,
                               rd_request_client_ip(req), req->arena, &r,
                               &replayed, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  /* Counted after the fact: simultaneous submissions from one address may
   * pass the check together and end a few over the limit, which is fine
   * for a limit meant to stop a script, not to bill. */
  rd_throttle_count(req->http->portal_limits,
                    limit_key(req, &submit_limit, rd_request_client_ip(req)),
                    submit_limit.window_s, rd_service_now(req->svc));
  if (replayed)
    rd_reply_header(req, "Idempotent-Replayed", "true");
  const char *tz = rd_h_tz(req);
  struct rd_buf b = {0};
  rd_jw_begin_object(&b);
  rd_jw_key(&b, "number"); rd_jw_string(&b, r.number);
  rd_jw_key(&b, "received_at"); rd_jw_time(&b, r.received_at, tz);
  rd_jw_key(&b, "status"); rd_jw_string(&b, r.status);
  rd_jw_key(&b, "photos");
  rd_jw_begin_object(&b);
  rd_jw_key(&b, "upload_url");
  rd_jw_string(&b, rd_arena_sprintf(req->arena, "/api/v1/portal/complaints/%s/photos",
                                    r.number));
  rd_jw_key(&b, "token"); rd_jw_string(&b, r.upload_token);
  rd_jw_key(&b, "expires_at"); rd_jw_time(&b, r.upload_expires_at, tz);
  rd_jw_key(&b, "max_count"); rd_jw_int(&b, RD_PORTAL_PHOTOS_MAX);
  rd_jw_key(&b, "max_bytes"); rd_jw_int(&b, RD_PORTAL_PHOTO_MAX_BYTES);
  rd_jw_key(&b, "types");
  rd_jw_begin_array(&b);
  rd_jw_string(&b, "image/jpeg");
  rd_jw_string(&b, "image/png");
  rd_jw_string(&b, "image/webp");
  rd_jw_end_array(&b);
  rd_jw_end_object(&b);
  rd_jw_end_object(&b);
  rd_reply_json(req, 201, &b);
}

void
rd_h_portal_photo_add(struct rd_request *req)
{
  struct rd_attachment at;
  struct rd_error err = {0};
  int left = 0;
  const char *filename = rd_request_query(req, "filename");

  if (!within_limit(req, &photo_limit))
    return;
  if (filename && !rd_http_utf8_valid(filename)) {
    rd_reply_error(req, RD_E_INVALID, "filename", "filename must be UTF-8");
    return;
  }
  if (rd_service_portal_photo_add(req->svc, rd_request_param(req, "number"),
                                  rd_request_header(req, "X-Upload-Token"), filename,
                                  req->body ? req->body : "", req->body_len,
                                  rd_request_client_ip(req), req->arena, &at,
                                  &left, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  struct rd_buf b = {0};
  rd_jw_begin_object(&b);
  rd_jw_key(&b, "filename"); rd_jw_string(&b, at.filename);
  rd_jw_key(&b, "content_type"); rd_jw_string(&b, at.content_type);
  rd_jw_key(&b, "size"); rd_jw_int(&b, at.size);
  rd_jw_key(&b, "photos_left"); rd_jw_int(&b, left);
  rd_jw_end_object(&b);
  rd_reply_json(req, 201, &b);
}

/* ---- progress -------------------------------------------------------------------- */

/* A POST with a JSON body, not a GET with a query: the number and the phone
 * digits together are a credential, and URLs end up in access logs, proxy
 * logs, browser history and Referer headers. */
void
rd_h_portal_progress(struct rd_request *req)
{
  static const char *const keys[] = {"number", "phone_last4"};
  const char *v[2];
  struct rd_portal_progress p;
  struct rd_error err = {0};
  int retry_after;

  if (!within_limit(req, &lookup_limit))
    return;
  if (rd_json_read_strings(req->body, req->body_len, false, req->arena, keys, v, 2,
                           &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  /* Counted by the number as the service finds it (lower case is tried in
   * upper case), so changing the case of a guess is no new turn. */
  char *number_key = limit_key(req, &number_limit, v[0] ? v[0] : "");
  for (char *ch = number_key; *ch; ch++)
    if (*ch >= 'a' && *ch <= 'z')
      *ch = (char)(*ch - 'a' + 'A');
  if (!rd_throttle_check(req->http->portal_limits, number_key, number_limit.max,
                         rd_service_now(req->svc), &retry_after)) {
    reply_limited(req, retry_after);
    return;
  }
  if (rd_service_portal_progress(req->svc, v[0], v[1], req->arena, &p, &err) != RD_OK) {
    if (err.code == RD_E_NOT_FOUND)
      rd_throttle_count(req->http->portal_limits, number_key, number_limit.window_s,
                        rd_service_now(req->svc));
    rd_reply_problem(req, &err);
    return;
  }
  const char *tz = rd_h_tz(req);
  struct rd_buf b = {0};
  rd_jw_begin_object(&b);
  rd_jw_key(&b, "number"); rd_jw_string(&b, p.number);
  rd_jw_key(&b, "subject"); rd_jw_string(&b, p.subject);
  rd_jw_key(&b, "status"); rd_jw_string(&b, p.status);
  rd_jw_key(&b, "received_at"); rd_jw_time(&b, p.received_at, tz);
  rd_jw_key(&b, "timeline");
  rd_jw_begin_array(&b);
  for (size_t i = 0; i < p.n_steps; i++) {
    rd_jw_begin_object(&b);
    rd_jw_key(&b, "step"); rd_jw_string(&b, p.steps[i].step);
    rd_jw_key(&b, "at"); rd_jw_time(&b, p.steps[i].at, tz);
    rd_jw_key(&b, "department"); rd_jw_string(&b, p.steps[i].department);
    rd_jw_end_object(&b);
  }
  rd_jw_end_array(&b);
  rd_jw_end_object(&b);
  rd_reply_json(req, 200, &b);
}

/* ---- the satisfaction survey ----------------------------------------------------------- */

static void
reply_survey(struct rd_request *req, const struct rd_portal_survey *s, bool answered)
{
  const char *tz = rd_h_tz(req);
  struct rd_buf b = {0};
  rd_jw_begin_object(&b);
  rd_jw_key(&b, "number"); rd_jw_string(&b, s->number);
  rd_jw_key(&b, "subject"); rd_jw_string(&b, s->subject);
  rd_jw_key(&b, "result"); rd_jw_string(&b, s->result);
  rd_jw_key(&b, "status"); rd_jw_string(&b, s->status);
  rd_jw_key(&b, "resolved_at"); rd_jw_time(&b, s->resolved_at, tz);
  rd_jw_key(&b, "expires_at"); rd_jw_time(&b, s->expires_at, tz);
  rd_jw_key(&b, "answered"); rd_jw_bool(&b, answered);
  rd_jw_end_object(&b);
  rd_reply_json(req, 200, &b);
}

void
rd_h_portal_survey_get(struct rd_request *req)
{
  struct rd_portal_survey s;
  struct rd_error err = {0};
  if (!within_limit(req, &survey_limit))
    return;
  if (rd_service_portal_survey_get(req->svc, rd_request_param(req, "token"),
                                   req->arena, &s, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  reply_survey(req, &s, false);
}

void
rd_h_portal_survey_answer(struct rd_request *req)
{
  struct rd_survey_answer ans;
  struct rd_portal_survey s;
  struct rd_error err = {0};
  if (!within_limit(req, &survey_limit))
    return;
  if (rd_json_read_survey_answer(req->body, req->body_len, req->arena, &ans,
                                 &err) != RD_OK ||
      rd_service_portal_survey_answer(req->svc, rd_request_param(req, "token"), &ans,
                                      rd_request_client_ip(req), req->arena, &s,
                                      &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  reply_survey(req, &s, true);
}

/* Staff: the link to send the customer. Its secret is in this answer only. */
void
rd_h_survey_link(struct rd_request *req)
{
  const char *token;
  int64_t id, expires_at;
  struct rd_error err = {0};
  if (!rd_h_complaint_id(req, &id))
    return;
  if (rd_service_survey_link(req->svc, &req->who, id, req->arena, &token, &expires_at,
                             &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  struct rd_buf b = {0};
  rd_jw_begin_object(&b);
  rd_jw_key(&b, "token"); rd_jw_string(&b, token);
  rd_jw_key(&b, "url");
  rd_jw_string(&b, rd_arena_sprintf(req->arena, "/portal#/survey/%s", token));
  rd_jw_key(&b, "expires_at"); rd_jw_time(&b, expires_at, rd_h_tz(req));
  rd_jw_end_object(&b);
  rd_reply_json(req, 201, &b);
}
