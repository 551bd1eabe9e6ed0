/* service/org.c - the organisation: departments, sites, the category tree,
 * users and SLA policies. Administrators write; validation names the field. */
#include "service/service_int.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/password.h"
#include "core/validate.h"
#include "util/arena.h"

typedef enum rd_status (*save_fn)(struct rd_tx *tx, void *rec, struct rd_error *err);

struct save_ctx {
  save_fn fn;
  void *rec;
  const struct rd_principal *who;
  const char *kind;            /* the audit log's object kind: "department" */
  const int64_t *id;           /* the record's id field: 0 before a create */
  const char *detail;          /* for the audit row; may be NULL */
  int64_t now;
};

static enum rd_status
do_save(struct rd_tx *tx, void *vctx, struct rd_error *err)
{
  struct save_ctx *s = vctx;
  bool create = *s->id == 0;
  enum rd_status rc = s->fn(tx, s->rec, err);
  if (rc)
    return rc;
  char action[48];
  snprintf(action, sizeof action, "%s.%s", s->kind, create ? "create" : "update");
  return rd_svc_audit(tx, s->who, s->now, action, s->kind, *s->id, s->detail, err);
}

/* Runs one record's save, with its audit row, in a write transaction. */
static enum rd_status
save(struct rd_service *svc, const struct rd_principal *who, save_fn fn,
     void *rec, const char *kind, const int64_t *id, const char *detail,
     struct rd_error *err)
{
  struct save_ctx s = {fn, rec, who, kind, id, detail, rd_service_now(svc)};
  return rd_store_write(svc->store, do_save, &s, err);
}

static enum rd_status
save_department(struct rd_tx *tx, void *rec, struct rd_error *err)
{
  return rd_tx_department_save(tx, rec, err);
}

static enum rd_status
save_site(struct rd_tx *tx, void *rec, struct rd_error *err)
{
  return rd_tx_site_save(tx, rec, err);
}

static enum rd_status
save_user(struct rd_tx *tx, void *rec, struct rd_error *err)
{
  struct rd_user *u = rec;
  bool existed = u->id != 0;
  enum rd_status rc = rd_tx_user_save(tx, u, err);
  /* A deactivated user, or one an administrator gave a new password (the
   * old one may be known to someone else), is signed out everywhere, in
   * the same transaction; API tokens of a deactivated user stop answering
   * through the active check. Reactivating brings no session back. */
  if (rc == RD_OK && existed && (!u->active || u->password_hash))
    rc = rd_tx_session_delete_user(tx, u->id, NULL, err);
  return rc;
}

static enum rd_status
save_policy(struct rd_tx *tx, void *rec, struct rd_error *err)
{
  return rd_tx_policy_save(tx, rec, err);
}

static enum rd_status
check_code_and_name(const char *code, const char *name, struct rd_error *err)
{
  if (!rd_org_code_valid(code))
    return rd_error_set(err, RD_E_INVALID, "code",
                        "code must be 1 to 32 of a-z, 0-9, _ and -");
  return rd_validate_text("name", name, RD_MAX_SHORT, true, err);
}

enum rd_status
rd_service_department_save(struct rd_service *svc, const struct rd_principal *who,
                           struct rd_department *d, struct rd_error *err)
{
  enum rd_status rc;
  if ((rc = rd_svc_require_admin(who, err)) ||
      (rc = check_code_and_name(d->code, d->name, err)))
    return rc;
  return save(svc, who, save_department, d, "department", &d->id, NULL, err);
}

enum rd_status
rd_service_site_save(struct rd_service *svc, const struct rd_principal *who,
                     struct rd_site *s, struct rd_error *err)
{
  enum rd_status rc;
  if ((rc = rd_svc_require_admin(who, err)) ||
      (rc = check_code_and_name(s->code, s->name, err)))
    return rc;
  if ((rc = rd_svc_check_calendar(svc, s->calendar_id, err)) ||
      (rc = save(svc, who, save_site, s, "site", &s->id, NULL, err)))
    return rc;
  rd_sla_cache_changed(&svc->sla); /* a site's calendar counts its clocks */
  return RD_OK;
}

struct category_ctx {
  struct rd_category *cat;
  struct rd_arena *a;
  /* On update: the categories below cat (from a read before the write),
   * parents before children, with their depth below cat (1 = child). */
  struct rd_category *below;
  int *below_depth;
  size_t n_below;
  const struct rd_principal *who;
  int64_t now;
};

/* Inside the transaction: the level comes from the parent chain, which must
 * end within four levels and must not pass through the category itself.
 * Moving a category moves its subtree: their levels follow, and the deepest
 * of them must stay within four levels too. */
static enum rd_status
save_category(struct rd_tx *tx, void *vctx, struct rd_error *err)
{
  struct category_ctx *x = vctx;
  struct rd_category *c = x->cat;
  enum rd_status rc;
  int depth = 1, deepest = 0;
  for (int64_t up = c->parent_id; up; depth++) {
    struct rd_category parent;
    struct rd_error e = {0};
    if (up == c->id && c->id)
      return rd_error_set(err, RD_E_INVALID, "parent_id",
                          "a category cannot sit below itself");
    if (rd_tx_category_get(tx, up, x->a, &parent, &e) != RD_OK)
      return rd_error_set(err, RD_E_INVALID, "parent_id", "no category has id %lld",
                          (long long)up);
    if (depth >= RD_CATEGORY_MAX_LEVEL)
      return rd_error_set(err, RD_E_INVALID, "parent_id",
                          "categories have at most %d levels", RD_CATEGORY_MAX_LEVEL);
    up = parent.parent_id;
  }
  for (size_t i = 0; i < x->n_below; i++)
    if (x->below_depth[i] > deepest)
      deepest = x->below_depth[i];
  if (depth + deepest > RD_CATEGORY_MAX_LEVEL)
    return rd_error_set(err, RD_E_INVALID, "parent_id",
                        "moving it here would give its subcategories more than %d levels",
                        RD_CATEGORY_MAX_LEVEL);
  bool moved = c->id && c->level != depth;
  bool create = c->id == 0;
  c->level = depth;
  if ((rc = rd_tx_category_save(tx, c, err)))
    return rc;
  for (size_t i = 0; moved && i < x->n_below; i++) {
    struct rd_category sub;
    if ((rc = rd_tx_category_get(tx, x->below[i].id, x->a, &sub, err)))
      return rc;
    sub.level = depth + x->below_depth[i];
    if ((rc = rd_tx_category_save(tx, &sub, err)))
      return rc;
  }
  return rd_svc_audit(tx, x->who, x->now,
                      create ? "category.create" : "category.update", "category",
                      c->id, NULL, err);
}

/* The categories below id in all[0..n), parents first, into x: breadth
 * first, each collected category adding its children after it. */
static void
collect_subtree(struct category_ctx *x, int64_t id, const struct rd_category *all,
                size_t n)
{
  x->below = rd_arena_alloc(x->a, (n ? n : 1) * sizeof *x->below);
  x->below_depth = rd_arena_alloc(x->a, (n ? n : 1) * sizeof *x->below_depth);
  x->n_below = 0;
  for (size_t i = 0; i < n; i++)
    if (all[i].parent_id == id && all[i].id != id) {
      x->below[x->n_below] = all[i];
      x->below_depth[x->n_below++] = 1;
    }
  for (size_t k = 0; k < x->n_below; k++)
    for (size_t i = 0; i < n && x->n_below < n; i++)
      if (all[i].parent_id == x->below[k].id && all[i].id != id) {
        x->below[x->n_below] = all[i];
        x->below_depth[x->n_below++] = x->below_depth[k] + 1;
      }
}

enum rd_status
rd_service_category_save(struct rd_service *svc, const struct rd_principal *who,
                         struct rd_category *c, struct rd_error *err)
{
  enum rd_status rc;
  if ((rc = rd_svc_require_admin(who, err)) ||
      (rc = rd_validate_text("name", c->name, RD_MAX_SHORT, true, err)))
    return rc;
  if (c->parent_id < 0)
    return rd_error_set(err, RD_E_INVALID, "parent_id", "parent_id must be a category's id");
  struct rd_arena *a = rd_arena_new();
  struct category_ctx x = {.cat = c, .a = a, .who = who, .now = rd_service_now(svc)};
  if (c->id) {
    struct rd_category *all = NULL, old;
    size_t n = 0;
    if ((rc = rd_store_category_get(svc->store, c->id, a, &old, err)) ||
        (rc = rd_store_category_list(svc->store, a, &all, &n, err)))
      goto out;
    c->level = old.level;   /* compared after the chain walk: moved or not */
    collect_subtree(&x, c->id, all, n);
  }
  rc = rd_store_write(svc->store, save_category, &x, err);
out:
  rd_arena_free(a);
  return rc;
}

enum rd_status
rd_service_user_save(struct rd_service *svc, const struct rd_principal *who,
                     struct rd_user *u, const char *password,
                     struct rd_error *err)
{
  enum rd_status rc;
  char hash[crypto_pwhash_STRBYTES];
  if ((rc = rd_svc_require_admin(who, err)))
    return rc;
  if (!rd_org_username_valid(u->username))
    return rd_error_set(err, RD_E_INVALID, "username",
                        "username must be 1 to 64 of A-Z, a-z, 0-9, _ . and -");
  if ((rc = rd_validate_text("display_name", u->display_name, RD_MAX_NAME, false, err)))
    return rc;
  if ((unsigned)u->role >= RD_ROLE_COUNT)
    return rd_error_set(err, RD_E_INVALID, "role", "role is not known");
  if (rd_role_is_departmental(u->role) && !u->department_id)
    return rd_error_set(err, RD_E_INVALID, "department_id",
                        "a %s belongs to a department", rd_role_name(u->role));
  if (u->department_id) {
    struct rd_arena *a = rd_arena_new();
    struct rd_department d;
    struct rd_error e = {0};
    rc = rd_store_department_get(svc->store, u->department_id, a, &d, &e);
    rd_arena_free(a);
    if (rc != RD_OK)
      return rd_error_set(err, RD_E_INVALID, "department_id", "no department has id %lld",
                          (long long)u->department_id);
  }
  if (u->locale && strcmp(u->locale, "zh-CN") != 0 && strcmp(u->locale, "en") != 0)
    return rd_error_set(err, RD_E_INVALID, "locale", "locale must be zh-CN or en");
  if (!u->id && !password)
    return rd_error_set(err, RD_E_INVALID, "password", "password is required");
  u->password_hash = NULL; /* kept as stored unless a new password is given */
  if (password) {
    if ((rc = rd_password_check("password", u->username, password, err)))
      return rc;
    if ((rc = rd_service_password_hash(password, hash, sizeof hash, err)))
      return rc;
    u->password_hash = hash;
  }
  if (!u->created_at)
    u->created_at = rd_service_now(svc);
  bool existed = u->id != 0;
  rc = save(svc, who, save_user, u, "user", &u->id,
            password ? "{\"password_set\":true}" : NULL, err);
  /* Role, department or active flag may have changed: resolve afresh. */
  rd_credcache_clear(&svc->creds);
  if (rc == RD_OK && existed && (!u->active || password))
    rd_credcache_forget_user(&svc->creds, u->id, NULL, rd_service_now(svc));
  u->password_hash = NULL;
  return rc;
}

enum rd_status
rd_service_policy_save(struct rd_service *svc, const struct rd_principal *who,
                       struct rd_sla_policy *p, struct rd_error *err)
{
  enum rd_status rc;
  if ((rc = rd_svc_require_admin(who, err)) ||
      (rc = rd_validate_text("name", p->name, RD_MAX_SHORT, true, err)))
    return rc;
  if (p->severity_mask & ~0x3Eu)
    return rd_error_set(err, RD_E_INVALID, "match.severity", "severities are 1 to 5");
  if (p->approval.severity_at_least < 0 || p->approval.severity_at_least > 5)
    return rd_error_set(err, RD_E_INVALID, "approval.severity_at_least",
                        "severity_at_least must be 1 to 5");
  if (p->approval.has_amount_over && p->approval.amount_over_fen < 0)
    return rd_error_set(err, RD_E_INVALID, "approval.amount_over",
                        "amount_over must not be negative");
  if (p->channel_mask & ~((1u << RD_CHANNEL_COUNT) - 1))
    return rd_error_set(err, RD_E_INVALID, "match.channel", "unknown channel");
  if (p->n_categories > RD_POLICY_MATCH_MAX || p->n_sites > RD_POLICY_MATCH_MAX)
    return rd_error_set(err, RD_E_INVALID,
                        p->n_sites > RD_POLICY_MATCH_MAX ? "match.site_id" : "match.category_id",
                        "a policy matches at most %d ids", RD_POLICY_MATCH_MAX);
  if ((rc = rd_svc_check_calendar(svc, p->calendar_id, err)))
    return rc;
  if (!p->clocks_json)
    p->clocks_json = "[]";
  struct rd_arena *a = rd_arena_new();
  struct rd_clock_def *defs;
  size_t n_defs;
  rc = rd_svc_parse_clocks(p->clocks_json, a, &defs, &n_defs, err);
  for (size_t i = 0; rc == RD_OK && i < p->n_categories; i++)
    rc = rd_svc_check_category(svc, "match.category_id", p->category_ids[i], a, err);
  for (size_t i = 0; rc == RD_OK && i < p->n_sites; i++)
    rc = rd_svc_check_site(svc, "match.site_id", p->site_ids[i], a, err);
  rd_arena_free(a);
  if (rc || (rc = save(svc, who, save_policy, p, "sla_policy", &p->id, NULL, err)))
    return rc;
  rd_sla_cache_changed(&svc->sla);
  return RD_OK;
}
