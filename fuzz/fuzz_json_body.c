/* fuzz/fuzz_json_body.c - the JSON body of every route that takes one.
 *
 * The first byte picks the decoder (its value modulo the number of
 * decoders, see decoders[] below; the committed corpus uses 'A' + index),
 * the rest is the body exactly as a handler hands it over: (body, len).
 * After a decode the target runs the pure checks the service runs next
 * (rd_validate_new_complaint, rd_portal_validate_submission,
 * rd_target_parse), so their messages are fuzzed on decoded values too;
 * departments, sites and categories as GET shows them must decode, as a
 * PUT body, to the same record.
 * Calendars and SLA policies have targets of their own.
 */
#include "fuzz_common.h"

#include "core/calendar.h"
#include "core/portal.h"
#include "core/validate.h"
#include "http/json_in.h"
#include "http/json_out.h"
#include "util/buf.h"

enum { NOW = 1795000000 }; /* 2026-11-19, a fixed "now" for the checks */

static enum rd_status
complaint(const char *body, size_t len, struct rd_arena *a, struct rd_error *err)
{
  struct rd_complaint c;
  enum rd_status rc = rd_json_read_complaint(body, len, a, &c, err);
  if (rc)
    return rc;
  /* Unknown keys were refused and present ones set: what was decoded must
   * survive the intake checks without tripping over itself. */
  rc = rd_validate_new_complaint(&c, NOW, err);
  fuzz_check_outcome(rc, err);
  return RD_OK;
}

static enum rd_status
action(const char *body, size_t len, struct rd_arena *a, struct rd_error *err)
{
  /* The kind comes from the path; every kind reads the same body, so the
   * body's length picks one and each gets its turn. */
  enum rd_action_kind kind = (enum rd_action_kind)(len % RD_ACT_COUNT);
  struct rd_action act;
  int version = -1;
  enum rd_status rc = rd_json_read_action(body, len, a, kind, &act, &version, err);
  if (rc == RD_OK) {
    FUZZ_CHECK(version >= 0);
    FUZZ_CHECK(act.kind == kind);
    FUZZ_CHECK(!(act.fields & RD_F_AMOUNT) || act.amount_fen >= 0);
  }
  return rc;
}

static enum rd_status
patch(const char *body, size_t len, struct rd_arena *a, struct rd_error *err)
{
  struct rd_complaint_patch p;
  int version = -1;
  enum rd_status rc = rd_json_read_patch(body, len, a, &p, &version, err);
  if (rc == RD_OK) {
    FUZZ_CHECK(version >= 0);
    /* The timeline keeps the body as sent. */
    FUZZ_CHECK(p.changes_json != NULL);
    FUZZ_CHECK(strncmp(p.changes_json, body, len) == 0);
  }
  return rc;
}

static enum rd_status
login(const char *body, size_t len, struct rd_arena *a, struct rd_error *err)
{
  const char *user = NULL, *password = NULL;
  enum rd_status rc = rd_json_read_login(body, len, a, &user, &password, err);
  if (rc == RD_OK)
    FUZZ_CHECK(user != NULL && password != NULL); /* both required */
  return rc;
}

static enum rd_status
note(const char *body, size_t len, struct rd_arena *a, struct rd_error *err)
{
  const char *n = NULL;
  enum rd_status rc = rd_json_read_note(body, len, a, &n, err);
  if (rc == RD_OK)
    FUZZ_CHECK(n != NULL);
  return rc;
}

static enum rd_status
token(const char *body, size_t len, struct rd_arena *a, struct rd_error *err)
{
  const char *name = NULL;
  int64_t user_id = -1;
  enum rd_status rc = rd_json_read_token(body, len, a, &name, &user_id, err);
  if (rc == RD_OK)
    FUZZ_CHECK(name != NULL);
  return rc;
}

static bool
same_text(const char *x, const char *y)
{
  return x == y || (x && y && strcmp(x, y) == 0);
}

/* An organisation record as GET shows it (write), sent back by PUT over
 * an empty record (read), is the same record (same). */
#define CHECK_ORG_ROUND_TRIP(type, write, read, rec, same)                \
  do {                                                                    \
    struct rd_buf b_ = {0};                                               \
    struct rd_error e_ = {0};                                             \
    type again_ = {0};                                                    \
    write(&b_, &(rec));                                                   \
    enum rd_status rc_ = read(b_.data, b_.len, a, &again_, &e_);          \
    if (rc_ != RD_OK)                                                     \
      fprintf(stderr, "round trip refused: %s: %s\n", e_.detail, b_.data); \
    FUZZ_CHECK(rc_ == RD_OK);                                             \
    FUZZ_CHECK(same(&again_, &(rec)));                                    \
    rd_buf_free(&b_);                                                     \
  } while (0)

static bool
same_department(const struct rd_department *x, const struct rd_department *y)
{
  return same_text(x->code, y->code) && same_text(x->name, y->name) &&
         x->active == y->active;
}

static bool
same_site(const struct rd_site *x, const struct rd_site *y)
{
  return same_text(x->code, y->code) && same_text(x->name, y->name) &&
         x->calendar_id == y->calendar_id && x->active == y->active;
}

static bool
same_category(const struct rd_category *x, const struct rd_category *y)
{
  return x->parent_id == y->parent_id && same_text(x->name, y->name) &&
         x->active == y->active;
}

static enum rd_status
department(const char *body, size_t len, struct rd_arena *a, struct rd_error *err)
{
  struct rd_department d = {.active = true};
  enum rd_status rc = rd_json_read_department(body, len, a, &d, err);
  if (rc == RD_OK)
    CHECK_ORG_ROUND_TRIP(struct rd_department, rd_json_department,
                         rd_json_read_department, d, same_department);
  return rc;
}

static enum rd_status
site(const char *body, size_t len, struct rd_arena *a, struct rd_error *err)
{
  struct rd_site s = {.active = true};
  enum rd_status rc = rd_json_read_site(body, len, a, &s, err);
  if (rc == RD_OK)
    CHECK_ORG_ROUND_TRIP(struct rd_site, rd_json_site, rd_json_read_site, s,
                         same_site);
  return rc;
}

static enum rd_status
category(const char *body, size_t len, struct rd_arena *a, struct rd_error *err)
{
  struct rd_category c = {.active = true};
  enum rd_status rc = rd_json_read_category(body, len, a, &c, err);
  if (rc == RD_OK)
    CHECK_ORG_ROUND_TRIP(struct rd_category, rd_json_category,
                         rd_json_read_category, c, same_category);
  return rc;
}

static enum rd_status
user(const char *body, size_t len, struct rd_arena *a, struct rd_error *err)
{
  struct rd_user u = {.active = true};
  const char *password = NULL;
  return rd_json_read_user(body, len, a, &u, &password, err);
}

static enum rd_status
portal_submit(const char *body, size_t len, struct rd_arena *a, struct rd_error *err)
{
  /* As h_portal.c reads the public form. */
  static const char *const keys[] = {"name", "phone", "email",
                                     "subject", "content", "demands"};
  const char *v[6];
  enum rd_status rc = rd_json_read_strings(body, len, false, a, keys, v, 6, err);
  if (rc)
    return rc;
  struct rd_portal_submission s = {.name = v[0], .phone = v[1], .email = v[2],
                                   .subject = v[3], .content = v[4], .demands = v[5]};
  rc = rd_portal_validate_submission(&s, err);
  fuzz_check_outcome(rc, err);
  return RD_OK;
}

static enum rd_status
portal_lookup(const char *body, size_t len, struct rd_arena *a, struct rd_error *err)
{
  static const char *const keys[] = {"number", "phone_last4"};
  const char *v[2];
  enum rd_status rc = rd_json_read_strings(body, len, false, a, keys, v, 2, err);
  if (rc)
    return rc;
  rc = rd_portal_validate_lookup(v[0], v[1], err);
  fuzz_check_outcome(rc, err);
  if (rc == RD_OK)
    FUZZ_CHECK(strlen(v[1]) == 4);
  return RD_OK;
}

static enum rd_status
due(const char *body, size_t len, struct rd_arena *a, struct rd_error *err)
{
  int64_t from = 0;
  const char *target = NULL;
  enum rd_status rc = rd_json_read_due(body, len, a, &from, &target, err);
  if (rc)
    return rc;
  struct rd_target t;
  rc = rd_target_parse(target, &t, "target", err);
  fuzz_check_outcome(rc, err);
  if (rc == RD_OK) {
    /* A parsed target formats to text that parses to the same target. */
    char text[RD_TARGET_TEXT_MAX];
    struct rd_target again;
    FUZZ_CHECK(t.n > 0);
    FUZZ_CHECK(rd_target_parse(rd_target_format(&t, text), &again, "target",
                               err) == RD_OK);
    FUZZ_CHECK(again.unit == t.unit && again.n == t.n);
  }
  return RD_OK;
}

static enum rd_status
elapsed(const char *body, size_t len, struct rd_arena *a, struct rd_error *err)
{
  int64_t from, to;
  return rd_json_read_elapsed(body, len, &from, &to, err);
}

static enum rd_status
survey(const char *body, size_t len, struct rd_arena *a, struct rd_error *err)
{
  struct rd_survey_answer ans;
  return rd_json_read_survey_answer(body, len, a, &ans, err);
}

static enum rd_status
extension_request(const char *body, size_t len, struct rd_arena *a,
                  struct rd_error *err)
{
  /* h_extensions.c: a longer target for a clock, and why. */
  static const char *const keys[] = {"target", "reason"};
  const char *v[2];
  enum rd_status rc = rd_json_read_strings(body, len, false, a, keys, v, 2, err);
  if (rc)
    return rc;
  struct rd_target t;
  rc = rd_target_parse(v[0], &t, "target", err);
  fuzz_check_outcome(rc, err);
  return RD_OK;
}

static enum rd_status
extension_decision(const char *body, size_t len, struct rd_arena *a,
                   struct rd_error *err)
{
  /* Granting or refusing: an empty body will do. */
  static const char *const keys[] = {"note", "reason"};
  const char *v[2];
  return rd_json_read_strings(body, len, true, a, keys, v, 2, err);
}

static enum rd_status
me_patch(const char *body, size_t len, struct rd_arena *a, struct rd_error *err)
{
  static const char *const keys[] = {"language"};
  const char *language;
  return rd_json_read_strings(body, len, false, a, keys, &language, 1, err);
}

typedef enum rd_status (*decoder_fn)(const char *body, size_t len,
                                     struct rd_arena *a, struct rd_error *err);

/* Index i is selected by a first byte of 'A' + i in the corpus. */
static const decoder_fn decoders[] = {
  complaint, action, patch, login, note, token, department, site, category,
  user, portal_submit, portal_lookup, due, elapsed, survey, extension_request,
  extension_decision, me_patch,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  size_t n = sizeof decoders / sizeof decoders[0];
  decoder_fn decode = decoders[(size_t)(data[0] - 'A') % n];
  struct rd_arena *a = rd_arena_new();
  struct rd_error err = {0};
  /* The server hands over a NUL-terminated copy of what it received; the
   * decoders are told its length. */
  char *body = rd_arena_alloc(a, size);
  memcpy(body, data + 1, size - 1);
  body[size - 1] = '\0';
  enum rd_status rc = decode(body, size - 1, a, &err);
  fuzz_check_outcome(rc, &err);
  if (rc != RD_OK)
    FUZZ_CHECK(rc == RD_E_MALFORMED || rc == RD_E_INVALID);
  rd_arena_free(a);
  return 0;
}
