/* service/complaints.c - registering, reading and listing complaints, the
 * repeat-customer lookup, the timeline and internal notes.
 *
 * Writes go through rd_store_write(), whose callback may run on the store's
 * writer thread while the caller waits: each callback gets everything in a
 * ctx struct and allocates from the caller's arena (safe: the caller is blocked).
 */
#include "service/service_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/validate.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/time.h"

enum {
  LIST_DEFAULT = 50,
  LIST_MAX = 500,
  LOOKUP_MAX = 50,
  IDEM_KEY_MAX = 200,
};

/* ---- registration ------------------------------------------------------------ */

struct register_ctx {
  struct rd_complaint c;       /* the new record; the stored one on return */
  const struct rd_principal *who;
  int64_t user_id;
  const char *idem_key;        /* NULL = none */
  const char *body_sha256;
  const char *day_prefix;      /* "TS20261120" */
  int64_t now;
  struct rd_arena *a;
  struct rd_clock_changes *clocks; /* computed before the write */
  const struct rd_sla_snapshot *sla;
  const struct rd_user *users;     /* read before the write for a major one */
  size_t n_users;
  rd_svc_tx_hook after;            /* NULL = none; runs last, replay included */
  void *after_ctx;
  bool replayed;
};

/* The whole registration in one transaction, so that a crash leaves either
 * the complaint with its number, event, clocks and idempotency record, or
 * nothing. */
static enum rd_status
register_tx(struct rd_tx *tx, void *arg, struct rd_error *err)
{
  struct register_ctx *x = arg;
  struct rd_idempotency rec;
  bool found = false;
  enum rd_status rc;

  if (x->idem_key) {
    if ((rc = rd_tx_idempotency_get(tx, x->user_id, x->idem_key, &rec, &found, err)))
      return rc;
    if (found) {
      if (strcmp(rec.body_sha256, x->body_sha256) != 0)
        return rd_error_set(err, RD_E_DUPLICATE, "Idempotency-Key",
                            "this Idempotency-Key was used with another body");
      x->replayed = true;
      if ((rc = rd_tx_complaint_get(tx, rec.complaint_id, x->a, &x->c, err)))
        return rc;
      /* Nothing new is stored, but the record goes back to the caller. */
      if (x->after && (rc = x->after(tx, x->after_ctx, &x->c, err)))
        return rc;
      return rd_svc_audit(tx, x->who, x->now, "complaint.create.replay",
                          "complaint", x->c.id, NULL, err);
    }
  }
  if ((rc = rd_tx_customer_upsert(tx, &x->c.customer, x->now, err)) ||
      (rc = rd_tx_next_number(tx, x->day_prefix, x->a, &x->c.number, err)) ||
      (rc = rd_tx_complaint_insert(tx, &x->c, err)))
    return rc;

  struct rd_buf data = {0};
  rd_buf_puts(&data, "{\"number\":");
  rd_buf_json_string(&data, x->c.number);
  rd_buf_puts(&data, ",\"channel\":");
  rd_buf_json_string(&data, rd_channel_name(x->c.channel));
  rd_buf_putc(&data, '}');
  struct rd_event ev = {
    .complaint_id = x->c.id,
    .at = x->now,
    .actor_id = x->user_id,
    .type = RD_EVENT_REGISTERED,
    .from_status = -1,
    .to_status = RD_STATE_REGISTERED,
    .data_json = rd_arena_strdup(x->a, data.data),
  };
  rd_buf_free(&data);
  if ((rc = rd_tx_event_append(tx, &ev, err)))
    return rc;

  if ((rc = rd_svc_clocks_insert(tx, x->c.id, x->clocks, err)) ||
      (rc = rd_svc_after_hours_alert(tx, x->sla, &x->c, 0, x->now, x->users,
                                     x->n_users, x->a, err)))
    return rc;

  if (x->idem_key) {
    memset(&rec, 0, sizeof rec);
    rec.complaint_id = x->c.id;
    snprintf(rec.body_sha256, sizeof rec.body_sha256, "%s", x->body_sha256);
    rec.created_at = x->now;
    if ((rc = rd_tx_idempotency_put(tx, x->user_id, x->idem_key, &rec, err)))
      return rc;
  }
  if (x->after && (rc = x->after(tx, x->after_ctx, &x->c, err)))
    return rc;
  return rd_svc_audit(tx, x->who, x->now, "complaint.create", "complaint",
                      x->c.id, NULL, err);
}

/* The fields a new complaint takes from the request; everything the
 * workflow owns starts empty. */
static void
new_record(const struct rd_complaint *in, const struct rd_principal *who,
           int64_t now, struct rd_complaint *c)
{
  memset(c, 0, sizeof *c);
  c->status = RD_STATE_REGISTERED;
  c->channel = in->channel;
  c->external_ref = in->external_ref && *in->external_ref ? in->external_ref : NULL;
  c->received_at = in->received_at ? in->received_at : now;
  c->registered_at = now;
  c->registered_by = who->user_id;
  c->customer = in->customer;
  c->customer.id = 0;
  if (c->customer.phone && !*c->customer.phone)
    c->customer.phone = NULL;
  if (c->customer.email && !*c->customer.email)
    c->customer.email = NULL;
  c->subject = in->subject;
  c->content = in->content;
  c->demands = in->demands;
  c->restatement = in->restatement;
  c->restatement_confirmed = in->restatement_confirmed;
  if (c->restatement_confirmed)
    c->confirmed_at = in->confirmed_at ? in->confirmed_at : now;
  c->anger = in->anger;
  c->validity = RD_VALIDITY_UNKNOWN;
  c->category_id = in->category_id;
  c->severity = in->severity;
  c->site_id = in->site_id;
  c->satisfied = -1;
  c->tags_json = in->tags_json;
}

enum rd_status
rd_service_complaint_register(struct rd_service *svc,
                              const struct rd_principal *who,
                              const struct rd_complaint *in,
                              const char *idem_key, const char *body_sha256,
                              struct rd_arena *a, struct rd_complaint_view *out,
                              bool *replayed, struct rd_error *err)
{
  return rd_svc_complaint_register_with(svc, who, in, idem_key, body_sha256,
                                        NULL, NULL, a, out, replayed, err);
}

enum rd_status
rd_svc_complaint_register_with(struct rd_service *svc,
                               const struct rd_principal *who,
                               const struct rd_complaint *in,
                               const char *idem_key, const char *body_sha256,
                               rd_svc_tx_hook after, void *after_ctx,
                               struct rd_arena *a, struct rd_complaint_view *out,
                               bool *replayed, struct rd_error *err)
{
  enum rd_status rc;
  int64_t now = rd_service_now(svc);
  struct register_ctx x = {.who = who, .user_id = who->user_id, .now = now, .a = a,
                           .after = after, .after_ctx = after_ctx};

  if (replayed)
    *replayed = false;
  if ((rc = rd_svc_require_writer(who, err)))
    return rc;
  new_record(in, who, now, &x.c);
  if ((rc = rd_validate_new_complaint(&x.c, now, err)) ||
      (rc = rd_svc_check_refs("customer.refs", x.c.customer.refs_json, err)) ||
      (rc = rd_svc_check_tags("tags", x.c.tags_json, err)) ||
      (rc = rd_svc_check_site(svc, "site_id", x.c.site_id, a, err)) ||
      (rc = rd_svc_check_category(svc, "category_id", x.c.category_id, a, err)))
    return rc;
  if (idem_key && *idem_key) {
    if (strlen(idem_key) > IDEM_KEY_MAX)
      return rd_error_set(err, RD_E_INVALID, "Idempotency-Key",
                          "Idempotency-Key is longer than %d characters", IDEM_KEY_MAX);
    x.idem_key = idem_key;
    x.body_sha256 = body_sha256 ? body_sha256 : "";
  }

  /* The number carries the local date of registration (SPEC §1). */
  struct rd_civil day;
  rd_time_civil(now, svc->timezone, &day);
  x.day_prefix = rd_arena_sprintf(a, "%s%04d%02d%02d", svc->number_prefix,
                                  day.year, day.month, day.day);

  struct rd_sla_snapshot *sla;
  if ((rc = rd_svc_sla_acquire(svc, &sla, err)))
    return rc;
  x.clocks = rd_arena_alloc(a, sizeof *x.clocks);
  x.sla = sla;
  if (x.c.severity >= RD_SEVERITY_MAJOR) {
    struct rd_user *users = NULL;
    if ((rc = rd_store_user_list(svc->store, a, &users, &x.n_users, err)))
      goto out;
    x.users = users;
  }
  if ((rc = rd_svc_clocks_at_registration(sla, &x.c, now, x.clocks, err)))
    goto out;
  /* Its deadline: the soonest of the clocks it starts. */
  x.c.due_at = rd_clocks_soonest_due(x.clocks->started, x.clocks->n_started);
  if ((rc = rd_store_write(svc->store, register_tx, &x, err)))
    goto out;
  /* Read back what was committed (the customer record may hold more than
   * this request said) on this thread, not in the transaction: the store's
   * single writer is the bottleneck of registration. */
  if (!x.replayed &&
      (rc = rd_store_complaint_get(svc->store, x.c.id, a, &x.c, err)))
    goto out;
  if (replayed)
    *replayed = x.replayed;
  rd_svc_view(who, &x.c, a, out);
  if (x.replayed)
    rc = rd_svc_views_clocks(svc, out, 1, a, err);
  else
    rd_svc_view_new_clocks(svc, sla, out, x.clocks, a);
out:
  rd_svc_sla_release(svc, sla);
  return rc;
}

/* ---- reading ------------------------------------------------------------------ */

enum rd_status
rd_service_complaint_get(struct rd_service *svc, const struct rd_principal *who,
                         const char *id_or_number, struct rd_arena *a,
                         struct rd_complaint_view *out, struct rd_error *err)
{
  struct rd_complaint c;
  enum rd_status rc = rd_svc_load_visible(svc, who, id_or_number, a, &c, err);
  if (rc)
    return rc;
  rd_svc_view(who, &c, a, out);
  /* "pii": whether this read showed the customer's phone, email and
   * identifiers in full (a role with the PII permission, a complaint not
   * anonymised): the audit log's record of reads of personal data. */
  bool pii = !out->pii_masked && !c.anonymised_at;
  if ((rc = rd_svc_audit_read(svc, who, "complaint.read", "complaint", c.id,
                              pii ? "{\"pii\":true}" : "{\"pii\":false}", err)))
    return rc;
  return rd_svc_views_clocks(svc, out, 1, a, err);
}

/* {"returned":n,"ids":[...]}: which complaints a list showed (ids only). */
static const char *
list_detail(struct rd_arena *a, const struct rd_complaint_view *v, size_t n)
{
  struct rd_buf b = {0};
  rd_buf_printf(&b, "{\"returned\":%zu,\"ids\":[", n);
  for (size_t i = 0; i < n; i++)
    rd_buf_printf(&b, "%s%lld", i ? "," : "", (long long)v[i].c.id);
  rd_buf_puts(&b, "]}");
  const char *out = rd_arena_strdup(a, b.data);
  rd_buf_free(&b);
  return out;
}

/* rd_service_complaint_list without its audit row, for callers that
 * record the read as their own. */
static enum rd_status
list_visible(struct rd_service *svc, const struct rd_principal *who,
             const struct rd_complaint_filter *f, struct rd_arena *a,
             struct rd_complaint_view **items, size_t *n,
             const char **next_cursor, struct rd_error *err)
{
  struct rd_complaint_filter scoped = *f;
  struct rd_complaint_page page = {0};
  enum rd_status rc;

  *items = NULL;
  *n = 0;
  *next_cursor = NULL;
  if (rd_role_is_departmental(who->role)) {
    /* Without a department a handler sees nothing; 0 would mean "all". */
    if (who->department_id == 0)
      return RD_OK;
    scoped.scope_department_id = who->department_id;
  } else {
    scoped.scope_department_id = 0;
  }
  if (scoped.limit <= 0)
    scoped.limit = LIST_DEFAULT;
  if (scoped.limit > LIST_MAX)
    scoped.limit = LIST_MAX;
  if (!scoped.now)
    scoped.now = rd_service_now(svc);

  if ((rc = rd_store_complaint_list(svc->store, &scoped, a, &page, err)))
    return rc;
  struct rd_complaint_view *v = page.n ? rd_arena_alloc(a, page.n * sizeof *v) : NULL;
  /* A list shows many customers at once, to whoever scrolls past: phone,
   * email and identifiers are masked in every row for every role; the
   * full values are on one complaint's own page, whose read is audited as
   * a read of personal data (rd_service_complaint_get). */
  for (size_t i = 0; i < page.n; i++) {
    rd_svc_view(who, &page.items[i], a, &v[i]);
    if (!v[i].pii_masked) {
      rd_svc_mask_customer(&v[i].c.customer, a);
      v[i].pii_masked = true;
    }
  }
  if ((rc = rd_svc_views_clocks(svc, v, page.n, a, err)))
    return rc;
  *items = v;
  *n = page.n;
  *next_cursor = page.next_cursor;
  return RD_OK;
}

enum rd_status
rd_service_customer_lookup(struct rd_service *svc, const struct rd_principal *who,
                           const char *phone, struct rd_arena *a,
                           struct rd_customer *out,
                           struct rd_complaint_view **complaints, size_t *n,
                           struct rd_error *err)
{
  enum rd_status rc;
  const char *next = NULL;

  *complaints = NULL;
  *n = 0;
  if (!phone || !*phone)
    return rd_error_set(err, RD_E_INVALID, "phone", "phone is required");
  if ((rc = rd_validate_phone("phone", phone, err)))
    return rc;
  if ((rc = rd_store_customer_by_phone(svc->store, phone, a, out, err)))
    return rc;
  struct rd_complaint_filter f = {
    .customer_id = out->id,
    .sort = RD_SORT_RECEIVED_DESC,
    .limit = LOOKUP_MAX,
  };
  if ((rc = list_visible(svc, who, &f, a, complaints, n, &next, err)))
    goto fail;
  /* A customer is known to department staff through their department's
   * complaints only: without one, another department's customer (name,
   * phone) does not exist for them, with the store's own answer. */
  if (rd_role_is_departmental(who->role) && *n == 0) {
    rc = rd_error_set(err, RD_E_NOT_FOUND, "", "no such customer");
    goto fail;
  }
  if ((rc = rd_svc_audit_read(svc, who, "customer.lookup", "customer", out->id,
                              list_detail(a, *complaints, *n), err)))
    goto fail;
  if (!rd_role_sees_pii(who->role))
    rd_svc_mask_customer(out, a);
  return RD_OK;
fail:
  *complaints = NULL;
  *n = 0;
  return rc;
}

enum rd_status
rd_service_complaint_list(struct rd_service *svc, const struct rd_principal *who,
                          const struct rd_complaint_filter *f, struct rd_arena *a,
                          struct rd_complaint_view **items, size_t *n,
                          const char **next_cursor, struct rd_error *err)
{
  enum rd_status rc = list_visible(svc, who, f, a, items, n, next_cursor, err);
  if (rc == RD_OK &&
      (rc = rd_svc_audit_read(svc, who, "complaint.list", NULL, 0,
                              list_detail(a, *items, *n), err))) {
    *items = NULL;
    *n = 0;
    *next_cursor = NULL;
  }
  return rc;
}

/* ---- the timeline --------------------------------------------------------------- */

/* For roles without PII: the "edited" events record customer fields' old and
 * new values; hide those as the record itself hides them. */
static const char *
mask_edited_data(struct rd_arena *a, const char *data_json)
{
  json_t *root = json_loads(data_json, 0, NULL);
  const char *out = data_json;
  if (!json_is_object(root))
    goto out;
  const char *key;
  json_t *value;
  bool changed = false;
  json_object_foreach(root, key, value) {
    if (strncmp(key, "customer.", 9) != 0 || !json_is_object(value))
      continue;
    json_object_set_new(value, "from", json_string("***"));
    json_object_set_new(value, "to", json_string("***"));
    changed = true;
  }
  if (changed) {
    char *text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (text) {
      out = rd_arena_strdup(a, text);
      free(text);
    }
  }
out:
  json_decref(root);
  return out;
}

enum rd_status
rd_service_event_list(struct rd_service *svc, const struct rd_principal *who,
                      int64_t id, struct rd_arena *a, struct rd_event **out,
                      size_t *n, struct rd_error *err)
{
  struct rd_complaint c;
  enum rd_status rc;
  if ((rc = rd_svc_load_visible_id(svc, who, id, a, &c, err)) ||
      (rc = rd_store_event_list(svc->store, id, a, out, n, err)) ||
      (rc = rd_svc_audit_read(svc, who, "complaint.events.read", "complaint", id,
                              NULL, err)))
    return rc;
  if (!rd_role_sees_pii(who->role))
    for (size_t i = 0; i < *n; i++)
      if ((*out)[i].type && strcmp((*out)[i].type, RD_EVENT_EDITED) == 0 &&
          (*out)[i].data_json)
        (*out)[i].data_json = mask_edited_data(a, (*out)[i].data_json);
  return RD_OK;
}

struct note_ctx {
  int64_t id;
  int64_t now;
  const struct rd_principal *who;
  struct rd_event *ev;
  struct rd_arena *a;
};

/* Scope is checked again inside the transaction: the complaint may have
 * moved to another department since the caller looked. */
static enum rd_status
note_tx(struct rd_tx *tx, void *arg, struct rd_error *err)
{
  struct note_ctx *x = arg;
  struct rd_complaint c;
  enum rd_status rc = rd_tx_complaint_get(tx, x->id, x->a, &c, err);
  if (rc)
    return rc;
  if (!rd_svc_can_see(x->who, &c))
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such complaint");
  if ((rc = rd_svc_check_not_anonymised(&c, err)) ||
      (rc = rd_tx_event_append(tx, x->ev, err)))
    return rc;
  return rd_svc_audit(tx, x->who, x->now, "complaint.note", "complaint", x->id,
                      NULL, err);
}

enum rd_status
rd_service_note_add(struct rd_service *svc, const struct rd_principal *who,
                    int64_t id, const char *note, struct rd_arena *a,
                    struct rd_event *out, struct rd_error *err)
{
  enum rd_status rc;
  if ((rc = rd_svc_require_writer(who, err)) ||
      (rc = rd_validate_text("note", note, RD_MAX_TEXT, true, err)))
    return rc;
  if (id <= 0)
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such complaint");
  /* A note is not a change of the record: no status, no version bump. */
  memset(out, 0, sizeof *out);
  out->complaint_id = id;
  out->at = rd_service_now(svc);
  out->actor_id = who->user_id;
  out->actor_name = who->display_name;
  out->type = RD_EVENT_NOTE;
  out->from_status = -1;
  out->to_status = -1;
  out->note = note;
  struct note_ctx x = {.id = id, .now = out->at, .who = who, .ev = out, .a = a};
  return rd_store_write(svc->store, note_tx, &x, err);
}
