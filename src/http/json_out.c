/* http/json_out.c - records to JSON text, written directly into an rd_buf. */
#include "http/json_out.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/action.h"
#include "util/time.h"

/* A value or key goes after '{', '[' or ':' as is, after anything else with a comma. */
static bool
needs_comma(const struct rd_buf *b)
{
  if (b->len == 0)
    return false;
  char last = b->data[b->len - 1];
  return last != '{' && last != '[' && last != ':';
}

static void
separate(struct rd_buf *b)
{
  if (needs_comma(b))
    rd_buf_putc(b, ',');
}

/* Separator and text in one append: rendering a page of complaints is
 * thousands of these, and each append costs a call and a bounds check. */
static void
put_token(struct rd_buf *b, const char *text, size_t n)
{
  char tmp[80];
  size_t i = 0;
  if (n > sizeof tmp - 1) {
    separate(b);
    rd_buf_append(b, text, n);
    return;
  }
  if (needs_comma(b))
    tmp[i++] = ',';
  memcpy(tmp + i, text, n);
  rd_buf_append(b, tmp, i + n);
}

void rd_jw_begin_object(struct rd_buf *b) { separate(b); rd_buf_putc(b, '{'); }
void rd_jw_end_object(struct rd_buf *b) { rd_buf_putc(b, '}'); }
void rd_jw_begin_array(struct rd_buf *b) { separate(b); rd_buf_putc(b, '['); }
void rd_jw_end_array(struct rd_buf *b) { rd_buf_putc(b, ']'); }

/* key is one of our own identifiers: nothing in it needs escaping. */
void
rd_jw_key(struct rd_buf *b, const char *key)
{
  char tmp[72];
  size_t n = strlen(key);
  if (n > sizeof tmp - 3) {
    separate(b);
    rd_buf_json_string(b, key);
    rd_buf_putc(b, ':');
    return;
  }
  tmp[0] = '"';
  memcpy(tmp + 1, key, n);
  tmp[n + 1] = '"';
  tmp[n + 2] = ':';
  put_token(b, tmp, n + 3);
}

void
rd_jw_string(struct rd_buf *b, const char *s)
{
  separate(b);
  if (s)
    rd_buf_json_string(b, s);
  else
    rd_buf_puts(b, "null");
}

/* Decimal digits of v into the end of buf; returns where they start. printf
 * was a tenth of the time of rendering a page of complaints. */
static char *
format_int(int64_t v, char *end)
{
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  char *p = end;
  do {
    *--p = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0)
    *--p = '-';
  return p;
}

void
rd_jw_int(struct rd_buf *b, int64_t v)
{
  char digits[24];
  char *end = digits + sizeof digits;
  char *start = format_int(v, end);
  put_token(b, start, (size_t)(end - start));
}

void
rd_jw_id(struct rd_buf *b, int64_t id)
{
  if (id)
    rd_jw_int(b, id);
  else
    rd_jw_null(b);
}

void
rd_jw_bool(struct rd_buf *b, bool v)
{
  if (v)
    put_token(b, "true", 4);
  else
    put_token(b, "false", 5);
}

void
rd_jw_null(struct rd_buf *b)
{
  put_token(b, "null", 4);
}

void
rd_jw_double(struct rd_buf *b, double v)
{
  separate(b);
  if (!isfinite(v))
    rd_buf_puts(b, "null");
  else if (v == floor(v) && fabs(v) < 1e15)
    rd_buf_printf(b, "%.0f", v);
  else
    rd_buf_printf(b, "%.6g", v);
}

void
rd_jw_fen(struct rd_buf *b, int64_t fen)
{
  separate(b);
  if (fen < 0) {
    rd_buf_putc(b, '-');
    fen = -fen;
  }
  rd_buf_printf(b, "%" PRId64 ".%02" PRId64, fen / 100, fen % 100);
}

/* Writes n as exactly width digits at p. */
static void
put_digits(char *p, int n, int width)
{
  for (int i = width - 1; i >= 0; i--, n /= 10)
    p[i] = (char)('0' + n % 10);
}

void
rd_jw_time(struct rd_buf *b, int64_t t, const char *tz)
{
  struct rd_civil c;
  if (!t) {
    rd_jw_null(b);
    return;
  }
  if (!rd_time_civil(t, tz, &c) || c.year < 0 || c.year > 9999 ||
      (c.offset_s == 0 && (!tz || strcmp(tz, "UTC") == 0))) {
    char text[RD_TIME_TEXT_MAX];
    separate(b);
    rd_buf_putc(b, '"');
    rd_buf_puts(b, rd_time_format(t, tz, text));
    rd_buf_putc(b, '"');
    return;
  }
  /* "2026-11-20T17:50:00+08:00", the same text rd_time_format gives for a
   * zone with an offset, written without printf (hot in list responses). */
  char s[27] = "\"0000-00-00T00:00:00+00:00\"";
  int off = c.offset_s < 0 ? -c.offset_s : c.offset_s;
  put_digits(s + 1, c.year, 4);
  put_digits(s + 6, c.month, 2);
  put_digits(s + 9, c.day, 2);
  put_digits(s + 12, c.hour, 2);
  put_digits(s + 15, c.minute, 2);
  put_digits(s + 18, c.second, 2);
  s[20] = c.offset_s < 0 ? '-' : '+';
  put_digits(s + 21, off / 3600, 2);
  put_digits(s + 24, off / 60 % 60, 2);
  put_token(b, s, sizeof s);
}

void
rd_jw_raw(struct rd_buf *b, const char *json, const char *fallback)
{
  separate(b);
  rd_buf_puts(b, json && *json ? json : fallback);
}

/* ---- records ---------------------------------------------------------------- */

void
rd_json_customer(struct rd_buf *b, const struct rd_customer *cu)
{
  rd_jw_begin_object(b);
  rd_jw_key(b, "id"); rd_jw_id(b, cu->id);
  rd_jw_key(b, "name"); rd_jw_string(b, cu->name);
  rd_jw_key(b, "phone"); rd_jw_string(b, cu->phone);
  rd_jw_key(b, "email"); rd_jw_string(b, cu->email);
  rd_jw_key(b, "refs"); rd_jw_raw(b, cu->refs_json, "null");
  rd_jw_end_object(b);
}

static void
write_plan(struct rd_buf *b, const struct rd_plan *p)
{
  if (!p->present) {
    rd_jw_null(b);
    return;
  }
  rd_jw_begin_object(b);
  rd_jw_key(b, "kind"); rd_jw_string(b, rd_plan_kind_name(p->kind));
  rd_jw_key(b, "description"); rd_jw_string(b, p->description);
  rd_jw_key(b, "amount");
  if (p->has_amount)
    rd_jw_fen(b, p->amount_fen);
  else
    rd_jw_null(b);
  rd_jw_key(b, "needs_approval"); rd_jw_bool(b, p->needs_approval);
  rd_jw_end_object(b);
}

static void
write_transfer(struct rd_buf *b, const struct rd_complaint *c)
{
  const struct rd_transfer_slip *t = &c->transfer;
  if (c->validity != RD_VALIDITY_INVALID && !t->to_party) {
    rd_jw_null(b);
    return;
  }
  rd_jw_begin_object(b);
  rd_jw_key(b, "to_party"); rd_jw_string(b, t->to_party);
  rd_jw_key(b, "contact_person"); rd_jw_string(b, t->contact_person);
  rd_jw_key(b, "contact_phone"); rd_jw_string(b, t->contact_phone);
  rd_jw_key(b, "contact_address"); rd_jw_string(b, t->contact_address);
  rd_jw_end_object(b);
}

void
rd_json_clock(struct rd_buf *b, const struct rd_clock_view *cv)
{
  const struct rd_clock *r = &cv->run;
  const char *tz = cv->timezone;
  bool open = cv->state == RD_CLOCK_RUNNING || cv->state == RD_CLOCK_PAUSED ||
              (cv->state == RD_CLOCK_BREACHED && rd_clock_open(r));
  rd_jw_begin_object(b);
  rd_jw_key(b, "name"); rd_jw_string(b, r->name);
  rd_jw_key(b, "run"); rd_jw_int(b, r->run);
  rd_jw_key(b, "state"); rd_jw_string(b, rd_clock_state_name(cv->state));
  rd_jw_key(b, "started_at"); rd_jw_time(b, r->started_at, tz);
  rd_jw_key(b, "due_at"); rd_jw_time(b, r->due_at, tz);
  rd_jw_key(b, "opens_at"); rd_jw_time(b, r->opens_at, tz);
  rd_jw_key(b, "warn_at"); rd_jw_time(b, r->warn_at, tz);
  rd_jw_key(b, "stopped_at"); rd_jw_time(b, r->stopped_at, tz);
  rd_jw_key(b, "remaining_working_seconds");
  if (open) rd_jw_int(b, cv->remaining); else rd_jw_null(b);
  rd_jw_key(b, "policy_id"); rd_jw_id(b, r->policy_id);
  rd_jw_key(b, "calendar_id"); rd_jw_id(b, r->calendar_id);
  rd_jw_key(b, "department_id"); rd_jw_id(b, r->department_id);
  rd_jw_end_object(b);
}

void
rd_json_complaint(struct rd_buf *b, const struct rd_complaint_view *v,
                  const char *tz)
{
  const struct rd_complaint *c = &v->c;
  rd_jw_begin_object(b);
  rd_jw_key(b, "id"); rd_jw_id(b, c->id);
  rd_jw_key(b, "number"); rd_jw_string(b, c->number);
  rd_jw_key(b, "version"); rd_jw_int(b, c->version);
  rd_jw_key(b, "status"); rd_jw_string(b, rd_state_name(c->status));
  rd_jw_key(b, "channel"); rd_jw_string(b, rd_channel_name(c->channel));
  rd_jw_key(b, "external_ref"); rd_jw_string(b, c->external_ref);
  rd_jw_key(b, "received_at"); rd_jw_time(b, c->received_at, tz);
  rd_jw_key(b, "registered_at"); rd_jw_time(b, c->registered_at, tz);
  rd_jw_key(b, "registered_by"); rd_jw_id(b, c->registered_by);
  rd_jw_key(b, "customer"); rd_json_customer(b, &c->customer);
  rd_jw_key(b, "subject"); rd_jw_string(b, c->subject);
  rd_jw_key(b, "content"); rd_jw_string(b, c->content);
  rd_jw_key(b, "demands"); rd_jw_string(b, c->demands);
  rd_jw_key(b, "restatement"); rd_jw_string(b, c->restatement);
  rd_jw_key(b, "restatement_confirmed"); rd_jw_bool(b, c->restatement_confirmed);
  rd_jw_key(b, "confirmed_at"); rd_jw_time(b, c->confirmed_at, tz);
  rd_jw_key(b, "anger"); if (c->anger) rd_jw_int(b, c->anger); else rd_jw_null(b);
  rd_jw_key(b, "validity"); rd_jw_string(b, rd_validity_name(c->validity));
  rd_jw_key(b, "invalid_reason"); rd_jw_string(b, c->invalid_reason);
  rd_jw_key(b, "transfer"); write_transfer(b, c);
  rd_jw_key(b, "category_id"); rd_jw_id(b, c->category_id);
  rd_jw_key(b, "severity"); if (c->severity) rd_jw_int(b, c->severity); else rd_jw_null(b);
  rd_jw_key(b, "site_id"); rd_jw_id(b, c->site_id);
  rd_jw_key(b, "department_id"); rd_jw_id(b, c->department_id);
  rd_jw_key(b, "assignee_id"); rd_jw_id(b, c->assignee_id);
  rd_jw_key(b, "plan"); write_plan(b, &c->plan);
  rd_jw_key(b, "reopen_count"); rd_jw_int(b, c->reopen_count);
  rd_jw_key(b, "followup_attempts"); rd_jw_int(b, c->followup_attempts);
  rd_jw_key(b, "satisfaction");
  if (c->satisfied < 0) {
    rd_jw_null(b);
  } else {
    rd_jw_begin_object(b);
    rd_jw_key(b, "score");
    if (c->satisfaction_score) rd_jw_int(b, c->satisfaction_score); else rd_jw_null(b);
    rd_jw_key(b, "satisfied"); rd_jw_bool(b, c->satisfied == 1);
    rd_jw_end_object(b);
  }
  rd_jw_key(b, "waiting");
  if (c->waiting_since) {
    rd_jw_begin_object(b);
    rd_jw_key(b, "since"); rd_jw_time(b, c->waiting_since, tz);
    rd_jw_key(b, "reason"); rd_jw_string(b, c->waiting_reason);
    rd_jw_end_object(b);
  } else {
    rd_jw_null(b);
  }
  rd_jw_key(b, "merged_into"); rd_jw_id(b, c->merged_into);
  rd_jw_key(b, "close_reason"); rd_jw_string(b, c->close_reason);
  rd_jw_key(b, "tags"); rd_jw_raw(b, c->tags_json, "[]");
  rd_jw_key(b, "first_contact_at"); rd_jw_time(b, c->first_contact_at, tz);
  rd_jw_key(b, "resolved_at"); rd_jw_time(b, c->resolved_at, tz);
  rd_jw_key(b, "closed_at"); rd_jw_time(b, c->closed_at, tz);
  rd_jw_key(b, "updated_at"); rd_jw_time(b, c->updated_at, tz);
  rd_jw_key(b, "due_at"); rd_jw_time(b, c->due_at, tz);
  rd_jw_key(b, "anonymised_at"); rd_jw_time(b, c->anonymised_at, tz);
  rd_jw_key(b, "clocks");
  rd_jw_begin_array(b);
  for (size_t i = 0; i < v->n_clocks; i++)
    rd_json_clock(b, &v->clocks[i]);
  rd_jw_end_array(b);
  rd_jw_key(b, "allowed_actions");
  rd_jw_begin_array(b);
  for (int k = 0; k < RD_ACT_COUNT; k++)
    if (v->allowed_actions & (1u << k))
      rd_jw_string(b, rd_action_name((enum rd_action_kind)k));
  rd_jw_end_array(b);
  rd_jw_key(b, "pii_masked"); rd_jw_bool(b, v->pii_masked);
  rd_jw_end_object(b);
}

void
rd_json_event(struct rd_buf *b, const struct rd_event *ev, const char *tz)
{
  rd_jw_begin_object(b);
  rd_jw_key(b, "id"); rd_jw_id(b, ev->id);
  rd_jw_key(b, "complaint_id"); rd_jw_id(b, ev->complaint_id);
  rd_jw_key(b, "at"); rd_jw_time(b, ev->at, tz);
  rd_jw_key(b, "actor");
  rd_jw_begin_object(b);
  rd_jw_key(b, "id"); rd_jw_id(b, ev->actor_id);
  rd_jw_key(b, "name");
  rd_jw_string(b, ev->actor_name ? ev->actor_name : ev->actor_id ? NULL : "system");
  rd_jw_end_object(b);
  rd_jw_key(b, "type"); rd_jw_string(b, ev->type);
  rd_jw_key(b, "from_status");
  rd_jw_string(b, ev->from_status >= 0 ? rd_state_name((enum rd_state)ev->from_status) : NULL);
  rd_jw_key(b, "to_status");
  rd_jw_string(b, ev->to_status >= 0 ? rd_state_name((enum rd_state)ev->to_status) : NULL);
  rd_jw_key(b, "note"); rd_jw_string(b, ev->note);
  rd_jw_key(b, "data"); rd_jw_raw(b, ev->data_json, "null");
  rd_jw_end_object(b);
}

void
rd_json_attachment(struct rd_buf *b, const struct rd_attachment *at,
                   const char *tz)
{
  rd_jw_begin_object(b);
  rd_jw_key(b, "id"); rd_jw_id(b, at->id);
  rd_jw_key(b, "complaint_id"); rd_jw_id(b, at->complaint_id);
  rd_jw_key(b, "filename"); rd_jw_string(b, at->filename);
  rd_jw_key(b, "content_type"); rd_jw_string(b, at->content_type);
  rd_jw_key(b, "size"); rd_jw_int(b, at->size);
  rd_jw_key(b, "sha256"); rd_jw_string(b, at->sha256);
  rd_jw_key(b, "uploaded_by"); rd_jw_id(b, at->uploaded_by);
  rd_jw_key(b, "uploaded_at"); rd_jw_time(b, at->uploaded_at, tz);
  rd_jw_key(b, "content_url");
  separate(b);
  rd_buf_printf(b, "\"/api/v1/attachments/%" PRId64 "/content\"", at->id);
  rd_jw_end_object(b);
}

void
rd_json_department(struct rd_buf *b, const struct rd_department *d)
{
  rd_jw_begin_object(b);
  rd_jw_key(b, "id"); rd_jw_id(b, d->id);
  rd_jw_key(b, "code"); rd_jw_string(b, d->code);
  rd_jw_key(b, "name"); rd_jw_string(b, d->name);
  rd_jw_key(b, "active"); rd_jw_bool(b, d->active);
  rd_jw_end_object(b);
}

void
rd_json_site(struct rd_buf *b, const struct rd_site *s)
{
  rd_jw_begin_object(b);
  rd_jw_key(b, "id"); rd_jw_id(b, s->id);
  rd_jw_key(b, "code"); rd_jw_string(b, s->code);
  rd_jw_key(b, "name"); rd_jw_string(b, s->name);
  rd_jw_key(b, "calendar_id"); rd_jw_id(b, s->calendar_id);
  rd_jw_key(b, "active"); rd_jw_bool(b, s->active);
  rd_jw_end_object(b);
}

void
rd_json_category(struct rd_buf *b, const struct rd_category *c)
{
  rd_jw_begin_object(b);
  rd_jw_key(b, "id"); rd_jw_id(b, c->id);
  rd_jw_key(b, "parent_id"); rd_jw_id(b, c->parent_id);
  rd_jw_key(b, "level"); rd_jw_int(b, c->level);
  rd_jw_key(b, "name"); rd_jw_string(b, c->name);
  rd_jw_key(b, "active"); rd_jw_bool(b, c->active);
  rd_jw_end_object(b);
}

void
rd_json_user(struct rd_buf *b, const struct rd_user *u)
{
  rd_jw_begin_object(b);
  rd_jw_key(b, "id"); rd_jw_id(b, u->id);
  rd_jw_key(b, "username"); rd_jw_string(b, u->username);
  rd_jw_key(b, "display_name"); rd_jw_string(b, u->display_name);
  rd_jw_key(b, "role"); rd_jw_string(b, rd_role_name(u->role));
  rd_jw_key(b, "department_id"); rd_jw_id(b, u->department_id);
  rd_jw_key(b, "locale"); rd_jw_string(b, u->locale);
  rd_jw_key(b, "active"); rd_jw_bool(b, u->active);
  rd_jw_end_object(b);
}

/* Writes the set bits of mask as an array of what name(bit) gives, or null. */
static void
write_mask(struct rd_buf *b, unsigned mask, int first, int count,
           const char *(*name)(int))
{
  if (!mask) {
    rd_jw_null(b);
    return;
  }
  rd_jw_begin_array(b);
  for (int i = first; i < count; i++)
    if (mask & (1u << i)) {
      if (name)
        rd_jw_string(b, name(i));
      else
        rd_jw_int(b, i);
    }
  rd_jw_end_array(b);
}

static const char *
channel_name_of(int i)
{
  return rd_channel_name((enum rd_channel)i);
}

static void
write_ids(struct rd_buf *b, const int64_t *ids, size_t n)
{
  if (!n) {
    rd_jw_null(b);
    return;
  }
  rd_jw_begin_array(b);
  for (size_t i = 0; i < n; i++)
    rd_jw_int(b, ids[i]);
  rd_jw_end_array(b);
}

void
rd_json_policy(struct rd_buf *b, const struct rd_sla_policy *p)
{
  rd_jw_begin_object(b);
  rd_jw_key(b, "id"); rd_jw_id(b, p->id);
  rd_jw_key(b, "name"); rd_jw_string(b, p->name);
  rd_jw_key(b, "priority"); rd_jw_int(b, p->priority);
  rd_jw_key(b, "match");
  rd_jw_begin_object(b);
  rd_jw_key(b, "severity"); write_mask(b, p->severity_mask, 1, 6, NULL);
  rd_jw_key(b, "channel"); write_mask(b, p->channel_mask, 0, RD_CHANNEL_COUNT, channel_name_of);
  rd_jw_key(b, "category_id"); write_ids(b, p->category_ids, p->n_categories);
  rd_jw_key(b, "site_id"); write_ids(b, p->site_ids, p->n_sites);
  rd_jw_end_object(b);
  rd_jw_key(b, "calendar_id"); rd_jw_id(b, p->calendar_id);
  rd_jw_key(b, "approval");
  rd_jw_begin_object(b);
  rd_jw_key(b, "always"); rd_jw_bool(b, p->approval.always);
  rd_jw_key(b, "severity_at_least");
  if (p->approval.severity_at_least) rd_jw_int(b, p->approval.severity_at_least); else rd_jw_null(b);
  rd_jw_key(b, "amount_over");
  if (p->approval.has_amount_over) rd_jw_fen(b, p->approval.amount_over_fen); else rd_jw_null(b);
  rd_jw_end_object(b);
  rd_jw_key(b, "clocks"); rd_jw_raw(b, p->clocks_json, "[]");
  rd_jw_end_object(b);
}

static void
write_hhmm(struct rd_buf *b, int minutes)
{
  char text[6];
  if (minutes < 0 || minutes > 1440)
    minutes = 0; /* validation keeps them within a day */
  put_digits(text, minutes / 60, 2);
  text[2] = ':';
  put_digits(text + 3, minutes % 60, 2);
  text[5] = '\0';
  rd_jw_string(b, text);
}

static void
write_day_hours(struct rd_buf *b, const struct rd_day_hours *h)
{
  rd_jw_begin_array(b);
  for (int i = 0; i < h->n; i++) {
    rd_jw_begin_array(b);
    write_hhmm(b, h->iv[i].start_min);
    write_hhmm(b, h->iv[i].end_min);
    rd_jw_end_array(b);
  }
  rd_jw_end_array(b);
}

static void
write_dates(struct rd_buf *b, const int32_t *d, size_t n)
{
  char text[RD_DATE_TEXT_MAX];
  rd_jw_begin_array(b);
  for (size_t i = 0; i < n; i++)
    rd_jw_string(b, rd_date_format(d[i], text));
  rd_jw_end_array(b);
}

void
rd_json_calendar(struct rd_buf *b, const struct rd_calendar *c)
{
  static const char *const days[7] = { "mon", "tue", "wed", "thu", "fri",
                                        "sat", "sun" };
  rd_jw_begin_object(b);
  rd_jw_key(b, "id"); rd_jw_id(b, c->id);
  rd_jw_key(b, "name"); rd_jw_string(b, c->name);
  rd_jw_key(b, "timezone"); rd_jw_string(b, c->timezone);
  rd_jw_key(b, "week");
  rd_jw_begin_object(b);
  for (int d = 0; d < 7; d++) {
    rd_jw_key(b, days[d]);
    write_day_hours(b, &c->week[d]);
  }
  rd_jw_end_object(b);
  rd_jw_key(b, "holidays"); write_dates(b, c->holidays, c->n_holidays);
  rd_jw_key(b, "workdays"); write_dates(b, c->workdays, c->n_workdays);
  rd_jw_key(b, "workday_hours"); write_day_hours(b, &c->workday_hours);
  /* What a target of "1d" is on this calendar. */
  rd_jw_key(b, "working_day_minutes"); rd_jw_int(b, rd_calendar_day_seconds(c) / 60);
  rd_jw_key(b, "version"); rd_jw_int(b, c->version);
  rd_jw_end_object(b);
}

void
rd_json_extension(struct rd_buf *b, const struct rd_clock_extension *x,
                  const char *tz)
{
  rd_jw_begin_object(b);
  rd_jw_key(b, "id"); rd_jw_id(b, x->id);
  rd_jw_key(b, "complaint_id"); rd_jw_id(b, x->complaint_id);
  rd_jw_key(b, "clock"); rd_jw_string(b, x->clock_name);
  rd_jw_key(b, "run"); rd_jw_int(b, x->run);
  rd_jw_key(b, "target"); rd_jw_string(b, x->target);
  rd_jw_key(b, "reason"); rd_jw_string(b, x->reason);
  rd_jw_key(b, "state"); rd_jw_string(b, rd_extension_state_name(x->state));
  rd_jw_key(b, "requested_by"); rd_jw_id(b, x->requested_by);
  rd_jw_key(b, "requested_at"); rd_jw_time(b, x->requested_at, tz);
  rd_jw_key(b, "decided_by"); rd_jw_id(b, x->decided_by);
  rd_jw_key(b, "decided_at"); rd_jw_time(b, x->decided_at, tz);
  rd_jw_key(b, "note"); rd_jw_string(b, x->note);
  rd_jw_key(b, "due_before"); rd_jw_time(b, x->due_before, tz);
  rd_jw_key(b, "due_after"); rd_jw_time(b, x->due_after, tz);
  rd_jw_end_object(b);
}

void
rd_json_notification(struct rd_buf *b, const struct rd_notification *n,
                     const char *tz)
{
  rd_jw_begin_object(b);
  rd_jw_key(b, "id"); rd_jw_id(b, n->id);
  rd_jw_key(b, "kind"); rd_jw_string(b, n->kind);
  rd_jw_key(b, "complaint_id"); rd_jw_id(b, n->complaint_id);
  rd_jw_key(b, "data"); rd_jw_raw(b, n->data_json, "null");
  rd_jw_key(b, "created_at"); rd_jw_time(b, n->created_at, tz);
  rd_jw_key(b, "read_at"); rd_jw_time(b, n->read_at, tz);
  rd_jw_end_object(b);
}

void
rd_json_token(struct rd_buf *b, const struct rd_api_token *t, const char *secret,
              const char *tz)
{
  rd_jw_begin_object(b);
  rd_jw_key(b, "id"); rd_jw_id(b, t->id);
  rd_jw_key(b, "user_id"); rd_jw_id(b, t->user_id);
  rd_jw_key(b, "name"); rd_jw_string(b, t->name);
  rd_jw_key(b, "created_at"); rd_jw_time(b, t->created_at, tz);
  rd_jw_key(b, "expires_at"); rd_jw_time(b, t->expires_at, tz);
  rd_jw_key(b, "revoked"); rd_jw_bool(b, t->revoked);
  if (secret) {
    rd_jw_key(b, "token");
    rd_jw_string(b, secret);
  }
  rd_jw_end_object(b);
}

/* part / whole, or null when there is no whole. */
static void
write_rate(struct rd_buf *b, int64_t part, int64_t whole)
{
  if (whole <= 0)
    rd_jw_null(b);
  else
    rd_jw_double(b, round((double)part / (double)whole * 10000.0) / 10000.0);
}

void
rd_json_report_row(struct rd_buf *b, const struct rd_report_row *r)
{
  rd_jw_begin_object(b);
  rd_jw_key(b, "key"); rd_jw_string(b, r->key);
  rd_jw_key(b, "label"); rd_jw_string(b, r->label);
  rd_jw_key(b, "total"); rd_jw_int(b, r->total);
  rd_jw_key(b, "open"); rd_jw_int(b, r->open);
  rd_jw_key(b, "closed"); rd_jw_int(b, r->closed);
  rd_jw_key(b, "resolved"); rd_jw_int(b, r->resolved);
  rd_jw_key(b, "followed_up"); rd_jw_int(b, r->followed_up);
  rd_jw_key(b, "satisfied"); rd_jw_int(b, r->satisfied);
  rd_jw_key(b, "satisfaction_rate"); write_rate(b, r->satisfied, r->followed_up);
  rd_jw_key(b, "reopened"); rd_jw_int(b, r->reopened);
  rd_jw_key(b, "handling_median_s");
  if (r->resolved) rd_jw_double(b, r->handling_median_s); else rd_jw_null(b);
  rd_jw_key(b, "handling_p90_s");
  if (r->resolved) rd_jw_double(b, r->handling_p90_s); else rd_jw_null(b);
  /* On-time rate per clock: of the runs that ended met or breached. */
  rd_jw_key(b, "clocks");
  rd_jw_begin_object(b);
  for (size_t i = 0; i < r->n_clocks; i++) {
    const struct rd_report_clock *k = &r->clocks[i];
    rd_jw_key(b, k->name);
    rd_jw_begin_object(b);
    rd_jw_key(b, "met"); rd_jw_int(b, k->met);
    rd_jw_key(b, "breached"); rd_jw_int(b, k->breached);
    rd_jw_key(b, "on_time_rate"); write_rate(b, k->met, k->met + k->breached);
    rd_jw_end_object(b);
  }
  rd_jw_end_object(b);
  rd_jw_end_object(b);
}

void
rd_json_list_begin(struct rd_buf *b)
{
  rd_buf_puts(b, "{\"items\":[");
}

void
rd_json_list_end(struct rd_buf *b, const char *next_cursor)
{
  rd_buf_puts(b, "],\"next_cursor\":");
  if (next_cursor)
    rd_buf_json_string(b, next_cursor);
  else
    rd_buf_puts(b, "null");
  rd_buf_putc(b, '}');
}
