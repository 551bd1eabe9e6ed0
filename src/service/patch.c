/* service/patch.c - editing a complaint's descriptive fields (not its status).
 *
 * Each changed field is listed with its old and new value on an "edited"
 * event, so the timeline shows every correction; the verbatim content is not
 * editable at all.
 */
#include "service/service_int.h"

#include <string.h>

#include "core/validate.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/time.h"

struct patch_ctx {
  struct rd_service *svc;
  const struct rd_principal *who;
  int64_t id;
  const struct rd_complaint_patch *patch;
  int expected_version;
  struct rd_arena *a;
  int64_t now;
  const struct rd_sla_snapshot *sla;
  struct rd_complaint c;
};

static bool
same_text(const char *x, const char *y)
{
  return (!x || !*x) ? (!y || !*y) : (y && strcmp(x, y) == 0);
}

static void
json_text_or_null(struct rd_buf *b, const char *s)
{
  if (s && *s)
    rd_buf_json_string(b, s);
  else
    rd_buf_puts(b, "null");
}

/* Appends "field":{"from":x,"to":y} for a text change. */
static void
diff_text(struct rd_buf *b, const char *field, const char *from, const char *to)
{
  if (same_text(from, to))
    return;
  rd_buf_printf(b, "%s\"%s\":{\"from\":", b->len > 1 ? "," : "", field);
  json_text_or_null(b, from);
  rd_buf_puts(b, ",\"to\":");
  json_text_or_null(b, to);
  rd_buf_putc(b, '}');
}

static void
diff_int(struct rd_buf *b, const char *field, long long from, long long to)
{
  if (from == to)
    return;
  rd_buf_printf(b, "%s\"%s\":{\"from\":%lld,\"to\":%lld}", b->len > 1 ? "," : "",
                field, from, to);
}

/* Appends "field":{"from":"<RFC 3339>","to":...} for a change of instant,
 * in the display zone so the timeline reads like the record. */
static void
diff_time(struct rd_buf *b, const char *field, int64_t from, int64_t to,
          const char *zone)
{
  char from_text[RD_TIME_TEXT_MAX], to_text[RD_TIME_TEXT_MAX];
  if (from == to)
    return;
  rd_buf_printf(b, "%s\"%s\":{\"from\":\"%s\",\"to\":\"%s\"}", b->len > 1 ? "," : "",
                field, rd_time_format(from, zone, from_text),
                rd_time_format(to, zone, to_text));
}

static enum rd_status
validate_patch(const struct rd_complaint_patch *p, int64_t now, struct rd_error *err)
{
  const struct rd_complaint *v = &p->values;
  unsigned f = p->fields;
  enum rd_status rc;
  if ((f & RD_P_SUBJECT) && (rc = rd_validate_text("subject", v->subject, RD_MAX_SUBJECT, false, err)))
    return rc;
  if ((f & RD_P_DEMANDS) && (rc = rd_validate_text("demands", v->demands, RD_MAX_TEXT, false, err)))
    return rc;
  if ((f & RD_P_RESTATEMENT) && (rc = rd_validate_text("restatement", v->restatement, RD_MAX_TEXT, false, err)))
    return rc;
  if ((f & RD_P_EXTERNAL_REF) && (rc = rd_validate_text("external_ref", v->external_ref, RD_MAX_SHORT, false, err)))
    return rc;
  if ((f & RD_P_ANGER) && (v->anger < 0 || v->anger > 5))
    return rd_error_set(err, RD_E_INVALID, "anger", "anger must be 1 to 5");
  if ((f & RD_P_SEVERITY) && (v->severity < 1 || v->severity > 5))
    return rd_error_set(err, RD_E_INVALID, "severity", "severity must be 1 to 5");
  if ((f & RD_P_CUSTOMER_NAME) && (rc = rd_validate_text("customer.name", v->customer.name, RD_MAX_NAME, false, err)))
    return rc;
  if ((f & RD_P_CUSTOMER_EMAIL) && v->customer.email && *v->customer.email &&
      (rc = rd_validate_email("customer.email", v->customer.email, err)))
    return rc;
  if ((f & RD_P_TAGS) && (rc = rd_svc_check_tags("tags", v->tags_json, err)))
    return rc;
  if ((f & RD_P_CUSTOMER_REFS) &&
      (rc = rd_svc_check_refs("customer.refs", v->customer.refs_json, err)))
    return rc;
  if ((f & RD_P_RECEIVED_AT) && (v->received_at <= 0 || v->received_at > now + 300))
    return rd_error_set(err, RD_E_INVALID, "received_at", "received_at must not lie in the future");
  return RD_OK;
}

static enum rd_status
do_patch(struct rd_tx *tx, void *vctx, struct rd_error *err)
{
  struct patch_ctx *x = vctx;
  struct rd_complaint *c = &x->c;
  const struct rd_complaint *v = &x->patch->values;
  unsigned f = x->patch->fields;
  enum rd_status rc;

  if ((rc = rd_tx_complaint_get(tx, x->id, x->a, c, err)))
    return rc;
  if (!rd_svc_can_see(x->who, c))
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such complaint");
  if (c->version != x->expected_version)
    return rd_error_set(err, RD_E_CONFLICT, "version",
                        "the complaint changed (version %d, not %d); reload it",
                        c->version, x->expected_version);
  if (!rd_state_is_open(c->status))
    return rd_error_set(err, RD_E_ILLEGAL_STATE, "", "a %s complaint cannot be edited",
                        rd_state_name(c->status));

  struct rd_buf d = {0};
  rd_buf_putc(&d, '{');
  if (f & RD_P_SUBJECT) { diff_text(&d, "subject", c->subject, v->subject); c->subject = v->subject; }
  if (f & RD_P_DEMANDS) { diff_text(&d, "demands", c->demands, v->demands); c->demands = v->demands; }
  if (f & RD_P_RESTATEMENT) { diff_text(&d, "restatement", c->restatement, v->restatement); c->restatement = v->restatement; }
  if (f & RD_P_EXTERNAL_REF) { diff_text(&d, "external_ref", c->external_ref, v->external_ref); c->external_ref = v->external_ref; }
  if (f & RD_P_TAGS) { diff_text(&d, "tags", c->tags_json, v->tags_json); c->tags_json = v->tags_json; }
  if (f & RD_P_CONFIRMED) {
    diff_int(&d, "restatement_confirmed", c->restatement_confirmed, v->restatement_confirmed);
    if (v->restatement_confirmed && !c->restatement_confirmed)
      c->confirmed_at = x->now;
    c->restatement_confirmed = v->restatement_confirmed;
  }
  if (f & RD_P_ANGER) { diff_int(&d, "anger", c->anger, v->anger); c->anger = v->anger; }
  if (f & RD_P_SEVERITY) { diff_int(&d, "severity", c->severity, v->severity); c->severity = v->severity; }
  if (f & RD_P_CATEGORY) { diff_int(&d, "category_id", c->category_id, v->category_id); c->category_id = v->category_id; }
  if (f & RD_P_SITE) { diff_int(&d, "site_id", c->site_id, v->site_id); c->site_id = v->site_id; }
  if (f & RD_P_RECEIVED_AT) { diff_time(&d, "received_at", c->received_at, v->received_at, x->svc->timezone); c->received_at = v->received_at; }
  if (f & (RD_P_CUSTOMER_NAME | RD_P_CUSTOMER_EMAIL | RD_P_CUSTOMER_REFS)) {
    struct rd_customer cu = c->customer;
    if (f & RD_P_CUSTOMER_NAME) { diff_text(&d, "customer.name", cu.name, v->customer.name); cu.name = v->customer.name; }
    if (f & RD_P_CUSTOMER_EMAIL) { diff_text(&d, "customer.email", cu.email, v->customer.email); cu.email = v->customer.email; }
    if (f & RD_P_CUSTOMER_REFS) { diff_text(&d, "customer.refs", cu.refs_json, v->customer.refs_json); cu.refs_json = v->customer.refs_json; }
    if ((rc = rd_tx_customer_upsert(tx, &cu, x->now, err)))
      goto out;
    c->customer = cu;
  }
  rd_buf_putc(&d, '}');
  if (d.len == 2) { /* nothing changed: no new version, no event */
    rc = RD_OK;
    goto out;
  }
  if ((rc = rd_tx_complaint_update(tx, c, x->now, err)))
    goto out;
  struct rd_event ev = {
      .complaint_id = c->id, .at = x->now, .actor_id = x->who->user_id,
      .type = RD_EVENT_EDITED, .from_status = (int)c->status,
      .to_status = (int)c->status, .data_json = rd_arena_strdup(x->a, d.data),
  };
  if ((rc = rd_tx_event_append(tx, &ev, err)))
    goto out;
  /* A new severity, category or site may bring another policy's clocks. */
  struct rd_clock_event cev = {
    .from = (int)c->status, .to = c->status, .action = RD_CLOCK_EDIT,
    .at = x->now, .department_id = c->department_id,
    .waiting = c->waiting_since != 0,
  };
  if ((rc = rd_svc_clocks_step(tx, x->sla, c, &cev, 0, false, x->a, err)))
    goto out;
  /* Read back: a customer refresh keeps stored values the patch left empty. */
  if ((rc = rd_tx_complaint_get(tx, c->id, x->a, c, err)))
    goto out;
  rc = rd_svc_audit(tx, x->who, x->now, "complaint.edit", "complaint", c->id,
                    rd_svc_audit_keys(x->a, d.data), err);
out:
  rd_buf_free(&d);
  return rc;
}

enum rd_status
rd_service_complaint_patch(struct rd_service *svc, const struct rd_principal *who,
                           int64_t id, const struct rd_complaint_patch *patch,
                           int expected_version, struct rd_arena *a,
                           struct rd_complaint_view *out, struct rd_error *err)
{
  enum rd_status rc;
  int64_t now = rd_service_now(svc);
  if ((rc = rd_svc_require_writer(who, err)))
    return rc;
  if (who->role == RD_ROLE_ANALYST || who->role == RD_ROLE_APPROVER)
    return rd_error_set(err, RD_E_FORBIDDEN, "", "the role %s may not edit complaints",
                        rd_role_name(who->role));
  if (expected_version <= 0)
    return rd_error_set(err, RD_E_INVALID, "version",
                        "version is required (If-Match or a version field)");
  if ((rc = validate_patch(patch, now, err)))
    return rc;
  if ((patch->fields & RD_P_SITE) &&
      (rc = rd_svc_check_site(svc, "site_id", patch->values.site_id, a, err)))
    return rc;
  if ((patch->fields & RD_P_CATEGORY) &&
      (rc = rd_svc_check_category(svc, "category_id", patch->values.category_id, a, err)))
    return rc;
  struct patch_ctx x = {.svc = svc, .who = who, .id = id, .patch = patch,
                        .expected_version = expected_version, .a = a, .now = now};
  struct rd_sla_snapshot *sla;
  if ((rc = rd_svc_sla_acquire(svc, &sla, err)))
    return rc;
  x.sla = sla;
  rc = rd_store_write(svc->store, do_patch, &x, err);
  rd_svc_sla_release(svc, sla);
  if (rc)
    return rc;
  rd_svc_view(who, &x.c, a, out);
  return rd_svc_views_clocks(svc, out, 1, a, err);
}
