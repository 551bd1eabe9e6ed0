/* store/pg/org.c - the organisation (departments, sites, categories, users),
 * sessions, API tokens and settings on PostgreSQL.
 *
 * Small tables read through rd_pg_one/_all with one row reader each; saves
 * insert when id == 0 (RETURNING the new id) and otherwise update that id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg/pg_int.h"
#include "util/arena.h"

/* Runs an insert (id == 0: sets *id from RETURNING) or an update (RD_E_NOT_FOUND
 * when no row has that id). */
static enum rd_status
save(struct rd_pg_conn *c, enum rd_pg_stmt ins, enum rd_pg_stmt upd,
     const struct rd_pg_args *p, int64_t *id, const char *what,
     struct rd_error *err)
{
  PGresult *r;
  enum rd_status rc = rd_pg_run(c, *id ? upd : ins, p, &r, what, err);

  if (rc != RD_OK)
    return rc;
  if (*id == 0)
    *id = PQntuples(r) == 1 ? rd_pg_int(r, 0, 0) : 0;
  else if (rd_pg_changes(r) == 0)
    rc = rd_error_set(err, RD_E_NOT_FOUND, "", "no such %s", what);
  if (rc == RD_OK && *id == 0)
    rc = rd_error_set(err, RD_E_INTERNAL, "", "%s insert returned no id", what);
  PQclear(r);
  return rc;
}

/* A read by one id or one text key. */
static enum rd_status
read_by_id(struct rd_store *st, enum rd_pg_stmt id_stmt, int64_t id,
           rd_pg_row_fn row, struct rd_arena *a, void *out, const char *what,
           struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, id);
  return rd_pg_read_one(st, id_stmt, &p, row, a, out, what, err);
}

static enum rd_status
read_by_text(struct rd_store *st, enum rd_pg_stmt id_stmt, const char *key,
             rd_pg_row_fn row, struct rd_arena *a, void *out, const char *what,
             struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_text(&p, key ? key : "");
  return rd_pg_read_one(st, id_stmt, &p, row, a, out, what, err);
}

/* ---- departments ---------------------------------------------------------- */

static void
department_row(PGresult *r, int row, struct rd_arena *a, void *out)
{
  struct rd_department *d = out;
  d->id = rd_pg_int(r, row, 0);
  d->code = rd_pg_text(r, row, 1, a);
  d->name = rd_pg_text(r, row, 2, a);
  d->active = rd_pg_bool(r, row, 3);
}

enum rd_status
rd_pg_tx_department_save(struct rd_tx *tx, struct rd_department *d,
                         struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_text(&p, d->code);
  rd_pg_arg_text(&p, d->name);
  rd_pg_arg_bool(&p, d->active);
  if (d->id)
    rd_pg_arg_int(&p, d->id);
  return save(rd_pg_tx_conn(tx), PQ_DEPARTMENT_INSERT, PQ_DEPARTMENT_UPDATE, &p,
              &d->id, "department", err);
}

enum rd_status
rd_pg_department_get(struct rd_store *st, int64_t id, struct rd_arena *a,
                     struct rd_department *out, struct rd_error *err)
{
  return read_by_id(st, PQ_DEPARTMENT_GET, id, department_row, a, out,
                    "department", err);
}

enum rd_status
rd_pg_department_by_code(struct rd_store *st, const char *code,
                         struct rd_arena *a, struct rd_department *out,
                         struct rd_error *err)
{
  return read_by_text(st, PQ_DEPARTMENT_BY_CODE, code, department_row, a, out,
                      "department", err);
}

enum rd_status
rd_pg_department_list(struct rd_store *st, struct rd_arena *a,
                      struct rd_department **out, size_t *n,
                      struct rd_error *err)
{
  return rd_pg_read_all(st, PQ_DEPARTMENT_LIST, NULL, department_row,
                        sizeof **out, a, (void **)out, n, err);
}

/* ---- sites ------------------------------------------------------------------ */

static void
site_row(PGresult *r, int row, struct rd_arena *a, void *out)
{
  struct rd_site *x = out;
  x->id = rd_pg_int(r, row, 0);
  x->code = rd_pg_text(r, row, 1, a);
  x->name = rd_pg_text(r, row, 2, a);
  x->calendar_id = rd_pg_int(r, row, 3);
  x->active = rd_pg_bool(r, row, 4);
}

enum rd_status
rd_pg_tx_site_save(struct rd_tx *tx, struct rd_site *x, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_text(&p, x->code);
  rd_pg_arg_text(&p, x->name);
  rd_pg_arg_id(&p, x->calendar_id);
  rd_pg_arg_bool(&p, x->active);
  if (x->id)
    rd_pg_arg_int(&p, x->id);
  return save(rd_pg_tx_conn(tx), PQ_SITE_INSERT, PQ_SITE_UPDATE, &p, &x->id,
              "site", err);
}

enum rd_status
rd_pg_site_get(struct rd_store *st, int64_t id, struct rd_arena *a,
               struct rd_site *out, struct rd_error *err)
{
  return read_by_id(st, PQ_SITE_GET, id, site_row, a, out, "site", err);
}

enum rd_status
rd_pg_site_list(struct rd_store *st, struct rd_arena *a, struct rd_site **out,
                size_t *n, struct rd_error *err)
{
  return rd_pg_read_all(st, PQ_SITE_LIST, NULL, site_row, sizeof **out, a,
                        (void **)out, n, err);
}

/* ---- categories ------------------------------------------------------------- */

static void
category_row(PGresult *r, int row, struct rd_arena *a, void *out)
{
  struct rd_category *x = out;
  x->id = rd_pg_int(r, row, 0);
  x->parent_id = rd_pg_int(r, row, 1);
  x->level = (int)rd_pg_int(r, row, 2);
  x->name = rd_pg_text(r, row, 3, a);
  x->active = rd_pg_bool(r, row, 4);
}

enum rd_status
rd_pg_tx_category_save(struct rd_tx *tx, struct rd_category *x,
                       struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_id(&p, x->parent_id);
  rd_pg_arg_int(&p, x->level);
  rd_pg_arg_text(&p, x->name);
  rd_pg_arg_bool(&p, x->active);
  if (x->id)
    rd_pg_arg_int(&p, x->id);
  return save(rd_pg_tx_conn(tx), PQ_CATEGORY_INSERT, PQ_CATEGORY_UPDATE, &p,
              &x->id, "category", err);
}

enum rd_status
rd_pg_tx_category_get(struct rd_tx *tx, int64_t id, struct rd_arena *a,
                      struct rd_category *out, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, id);
  return rd_pg_one(rd_pg_tx_conn(tx), PQ_CATEGORY_GET, &p, category_row, a, out,
                   "category", err);
}

enum rd_status
rd_pg_category_get(struct rd_store *st, int64_t id, struct rd_arena *a,
                   struct rd_category *out, struct rd_error *err)
{
  return read_by_id(st, PQ_CATEGORY_GET, id, category_row, a, out, "category",
                    err);
}

enum rd_status
rd_pg_category_list(struct rd_store *st, struct rd_arena *a,
                    struct rd_category **out, size_t *n, struct rd_error *err)
{
  return rd_pg_read_all(st, PQ_CATEGORY_LIST, NULL, category_row, sizeof **out,
                        a, (void **)out, n, err);
}

/* ---- users ------------------------------------------------------------------ */

static void
user_row(PGresult *r, int row, struct rd_arena *a, void *out)
{
  struct rd_user *u = out;
  u->id = rd_pg_int(r, row, 0);
  u->username = rd_pg_text(r, row, 1, a);
  u->display_name = rd_pg_text(r, row, 2, a);
  u->role = RD_ROLE_AUDITOR; /* an unknown stored role gets the least rights */
  if (!PQgetisnull(r, row, 3))
    rd_role_parse(PQgetvalue(r, row, 3), &u->role);
  u->department_id = rd_pg_int(r, row, 4);
  u->locale = rd_pg_text(r, row, 5, a);
  u->active = rd_pg_bool(r, row, 6);
  u->password_hash = rd_pg_text(r, row, 7, a);
  u->created_at = rd_pg_int(r, row, 8);
}

enum rd_status
rd_pg_tx_user_save(struct rd_tx *tx, struct rd_user *u, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  const char *role = rd_role_name(u->role);

  if (role == NULL)
    return rd_error_set(err, RD_E_INVALID, "role", "unknown role");
  rd_pg_arg_text(&p, u->username);
  rd_pg_arg_text(&p, u->display_name ? u->display_name : u->username);
  rd_pg_arg_text(&p, role);
  rd_pg_arg_id(&p, u->department_id);
  rd_pg_arg_text(&p, u->locale ? u->locale : "zh-CN");
  rd_pg_arg_bool(&p, u->active);
  rd_pg_arg_text(&p, u->password_hash);
  if (u->id)
    rd_pg_arg_int(&p, u->id);       /* $8: the update does not change created_at */
  else
    rd_pg_arg_int(&p, u->created_at);
  return save(rd_pg_tx_conn(tx), PQ_USER_INSERT, PQ_USER_UPDATE, &p, &u->id,
              "user", err);
}

enum rd_status
rd_pg_tx_user_set_locale(struct rd_tx *tx, int64_t user_id, const char *locale,
                         struct rd_error *err)
{
  struct rd_pg_args p = {0};
  int64_t changed = 0;
  enum rd_status rc;

  rd_pg_arg_int(&p, user_id);
  rd_pg_arg_text(&p, locale);
  rc = rd_pg_done(rd_pg_tx_conn(tx), PQ_USER_SET_LOCALE, &p, &changed, "user", err);
  if (rc == RD_OK && changed == 0)
    rc = rd_error_set(err, RD_E_NOT_FOUND, "", "no such user");
  return rc;
}

enum rd_status
rd_pg_tx_user_set_password(struct rd_tx *tx, int64_t user_id, const char *old_hash,
                           const char *new_hash, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  int64_t changed = 0;
  enum rd_status rc;

  rd_pg_arg_int(&p, user_id);
  rd_pg_arg_text(&p, old_hash);
  rd_pg_arg_text(&p, new_hash);
  rc = rd_pg_done(rd_pg_tx_conn(tx), PQ_USER_SET_PASSWORD, &p, &changed, "user", err);
  if (rc == RD_OK && changed == 0)
    rc = rd_error_set(err, RD_E_CONFLICT, "",
                      "the account changed while its password was being changed");
  return rc;
}

enum rd_status
rd_pg_user_get(struct rd_store *st, int64_t id, struct rd_arena *a,
               struct rd_user *out, struct rd_error *err)
{
  return read_by_id(st, PQ_USER_GET, id, user_row, a, out, "user", err);
}

enum rd_status
rd_pg_user_by_name(struct rd_store *st, const char *username,
                   struct rd_arena *a, struct rd_user *out,
                   struct rd_error *err)
{
  return read_by_text(st, PQ_USER_BY_NAME, username, user_row, a, out, "user",
                      err);
}

enum rd_status
rd_pg_user_list(struct rd_store *st, struct rd_arena *a, struct rd_user **out,
                size_t *n, struct rd_error *err)
{
  return rd_pg_read_all(st, PQ_USER_LIST, NULL, user_row, sizeof **out, a,
                        (void **)out, n, err);
}

/* ---- SLA policies -------------------------------------------------------------- */

/* Comma-separated lists, as on SQLite: "phone,web" and "3,12". */
static char *
join_channels(struct rd_arena *a, unsigned mask)
{
  char *out = rd_arena_zalloc(a, RD_CHANNEL_COUNT * 16);
  size_t o = 0;
  for (int v = 0; v < RD_CHANNEL_COUNT; v++)
    if (mask & (1u << v))
      o += (size_t)snprintf(out + o, 16, "%s%s", o ? "," : "",
                            rd_channel_name((enum rd_channel)v));
  return out;
}

static char *
join_ids(struct rd_arena *a, const int64_t *ids, size_t n)
{
  char *out = rd_arena_zalloc(a, n * 21 + 1);
  size_t o = 0;
  for (size_t i = 0; i < n; i++)
    o += (size_t)snprintf(out + o, 22, "%s%lld", i ? "," : "", (long long)ids[i]);
  return out;
}

static unsigned
split_channels(const char *s)
{
  unsigned mask = 0;
  char name[32];
  while (s && *s) {
    size_t len = strcspn(s, ",");
    enum rd_channel ch;
    if (len < sizeof name) {
      memcpy(name, s, len);
      name[len] = '\0';
      if (rd_channel_parse(name, &ch))
        mask |= 1u << ch;
    }
    s += len;
    if (*s == ',')
      s++;
  }
  return mask;
}

static size_t
split_ids(const char *s, int64_t *ids, size_t max)
{
  size_t n = 0;
  while (s && *s && n < max) {
    char *end;
    long long v = strtoll(s, &end, 10);
    if (end == s)
      break;
    ids[n++] = v;
    s = end;
    if (*s == ',')
      s++;
  }
  return n;
}

static void
policy_row(PGresult *r, int row, struct rd_arena *a, void *out)
{
  struct rd_sla_policy *p = out;
  memset(p, 0, sizeof *p);
  p->id = rd_pg_int(r, row, 0);
  p->name = rd_pg_text(r, row, 1, a);
  p->priority = (int)rd_pg_int(r, row, 2);
  p->severity_mask = (unsigned)rd_pg_int(r, row, 3);
  p->channel_mask = split_channels(PQgetvalue(r, row, 4));
  p->n_categories = split_ids(PQgetvalue(r, row, 5), p->category_ids,
                              RD_POLICY_MATCH_MAX);
  p->n_sites = split_ids(PQgetvalue(r, row, 6), p->site_ids, RD_POLICY_MATCH_MAX);
  p->calendar_id = rd_pg_int(r, row, 7);
  p->approval.always = rd_pg_bool(r, row, 8);
  p->approval.severity_at_least = (int)rd_pg_int(r, row, 9);
  p->approval.has_amount_over = rd_pg_bool(r, row, 10);
  p->approval.amount_over_fen = rd_pg_int(r, row, 11);
  p->clocks_json = rd_pg_text(r, row, 12, a);
}

enum rd_status
rd_pg_tx_policy_save(struct rd_tx *tx, struct rd_sla_policy *p,
                     struct rd_error *err)
{
  struct rd_pg_args q = {0};
  struct rd_arena *a;
  enum rd_status rc;

  if (p->n_categories > RD_POLICY_MATCH_MAX || p->n_sites > RD_POLICY_MATCH_MAX)
    return rd_error_set(err, RD_E_INVALID, "match", "too many values");
  a = rd_arena_new(); /* the joined lists live until the statement ran */
  rd_pg_arg_text(&q, p->name);
  rd_pg_arg_int(&q, p->priority);
  rd_pg_arg_int(&q, (int64_t)p->severity_mask);
  rd_pg_arg_text(&q, join_channels(a, p->channel_mask));
  rd_pg_arg_text(&q, join_ids(a, p->category_ids, p->n_categories));
  rd_pg_arg_text(&q, join_ids(a, p->site_ids, p->n_sites));
  rd_pg_arg_id(&q, p->calendar_id);
  rd_pg_arg_bool(&q, p->approval.always);
  rd_pg_arg_int(&q, p->approval.severity_at_least);
  rd_pg_arg_bool(&q, p->approval.has_amount_over);
  rd_pg_arg_int(&q, p->approval.amount_over_fen);
  rd_pg_arg_text(&q, p->clocks_json ? p->clocks_json : "[]");
  if (p->id)
    rd_pg_arg_int(&q, p->id);
  rc = save(rd_pg_tx_conn(tx), PQ_POLICY_INSERT, PQ_POLICY_UPDATE, &q, &p->id,
            "policy", err);
  rd_arena_free(a);
  return rc;
}

enum rd_status
rd_pg_policy_get(struct rd_store *st, int64_t id, struct rd_arena *a,
                 struct rd_sla_policy *out, struct rd_error *err)
{
  memset(out, 0, sizeof *out);
  return read_by_id(st, PQ_POLICY_GET, id, policy_row, a, out, "policy", err);
}

enum rd_status
rd_pg_policy_list(struct rd_store *st, struct rd_arena *a,
                  struct rd_sla_policy **out, size_t *n, struct rd_error *err)
{
  return rd_pg_read_all(st, PQ_POLICY_LIST, NULL, policy_row, sizeof **out, a,
                        (void **)out, n, err);
}

/* ---- sessions ----------------------------------------------------------------- */

static void
session_row(PGresult *r, int row, struct rd_arena *a, void *out)
{
  struct rd_session *x = out;
  snprintf(x->token_sha256, sizeof x->token_sha256, "%s", PQgetvalue(r, row, 0));
  x->user_id = rd_pg_int(r, row, 1);
  x->csrf_token = rd_pg_text(r, row, 2, a);
  x->created_at = rd_pg_int(r, row, 3);
  x->expires_at = rd_pg_int(r, row, 4);
  x->last_seen_at = rd_pg_int(r, row, 5);
}

enum rd_status
rd_pg_tx_session_put(struct rd_tx *tx, const struct rd_session *x,
                     struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_text(&p, x->token_sha256);
  rd_pg_arg_int(&p, x->user_id);
  rd_pg_arg_text(&p, x->csrf_token ? x->csrf_token : "");
  rd_pg_arg_int(&p, x->created_at);
  rd_pg_arg_int(&p, x->expires_at);
  rd_pg_arg_int(&p, x->last_seen_at ? x->last_seen_at : x->created_at);
  return rd_pg_done(rd_pg_tx_conn(tx), PQ_SESSION_PUT, &p, NULL, "session", err);
}

enum rd_status
rd_pg_tx_session_delete(struct rd_tx *tx, const char *token_sha256,
                        struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_text(&p, token_sha256 ? token_sha256 : "");
  return rd_pg_done(rd_pg_tx_conn(tx), PQ_SESSION_DELETE, &p, NULL, "session", err);
}

enum rd_status
rd_pg_tx_session_purge(struct rd_tx *tx, int64_t now, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, now);
  return rd_pg_done(rd_pg_tx_conn(tx), PQ_SESSION_PURGE, &p, NULL, "session", err);
}

enum rd_status
rd_pg_tx_session_touch(struct rd_tx *tx, const char *token_sha256, int64_t now,
                       struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_text(&p, token_sha256 ? token_sha256 : "");
  rd_pg_arg_int(&p, now);
  return rd_pg_done(rd_pg_tx_conn(tx), PQ_SESSION_TOUCH, &p, NULL, "session", err);
}

enum rd_status
rd_pg_tx_session_delete_user(struct rd_tx *tx, int64_t user_id,
                             const char *keep_sha256, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, user_id);
  /* No hash is empty, so "" keeps none. */
  rd_pg_arg_text(&p, keep_sha256 ? keep_sha256 : "");
  return rd_pg_done(rd_pg_tx_conn(tx), PQ_SESSION_DELETE_USER, &p, NULL, "session", err);
}

enum rd_status
rd_pg_session_get(struct rd_store *st, const char *token_sha256,
                  struct rd_arena *a, struct rd_session *out,
                  struct rd_error *err)
{
  return read_by_text(st, PQ_SESSION_GET, token_sha256, session_row, a, out,
                      "session", err);
}

/* ---- API tokens ---------------------------------------------------------------- */

static void
token_row(PGresult *r, int row, struct rd_arena *a, void *out)
{
  struct rd_api_token *t = out;
  t->id = rd_pg_int(r, row, 0);
  t->user_id = rd_pg_int(r, row, 1);
  t->name = rd_pg_text(r, row, 2, a);
  snprintf(t->token_sha256, sizeof t->token_sha256, "%s", PQgetvalue(r, row, 3));
  t->created_at = rd_pg_int(r, row, 4);
  t->expires_at = rd_pg_int(r, row, 5);
  t->revoked = rd_pg_bool(r, row, 6);
}

enum rd_status
rd_pg_tx_token_save(struct rd_tx *tx, struct rd_api_token *t,
                    struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, t->user_id);
  rd_pg_arg_text(&p, t->name ? t->name : "");
  rd_pg_arg_text(&p, t->token_sha256);
  rd_pg_arg_int(&p, t->created_at);
  rd_pg_arg_id(&p, t->expires_at);
  rd_pg_arg_bool(&p, t->revoked);
  if (t->id)
    rd_pg_arg_int(&p, t->id);
  return save(rd_pg_tx_conn(tx), PQ_TOKEN_INSERT, PQ_TOKEN_UPDATE, &p, &t->id,
              "token", err);
}

enum rd_status
rd_pg_token_get(struct rd_store *st, const char *token_sha256,
                struct rd_arena *a, struct rd_api_token *out,
                struct rd_error *err)
{
  return read_by_text(st, PQ_TOKEN_GET, token_sha256, token_row, a, out,
                      "token", err);
}

enum rd_status
rd_pg_token_by_id(struct rd_store *st, int64_t id, struct rd_arena *a,
                  struct rd_api_token *out, struct rd_error *err)
{
  return read_by_id(st, PQ_TOKEN_BY_ID, id, token_row, a, out, "token", err);
}

enum rd_status
rd_pg_token_list(struct rd_store *st, int64_t user_id, struct rd_arena *a,
                 struct rd_api_token **out, size_t *n, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, user_id);
  return rd_pg_read_all(st, PQ_TOKEN_LIST, &p, token_row, sizeof **out, a,
                        (void **)out, n, err);
}

/* ---- settings ------------------------------------------------------------------- */

enum rd_status
rd_pg_tx_setting_put(struct rd_tx *tx, const char *key, const char *value,
                     struct rd_error *err)
{
  struct rd_pg_args p = {0};
  if (key == NULL || value == NULL)
    return rd_error_set(err, RD_E_INVALID, "value", "setting without a value");
  rd_pg_arg_text(&p, key);
  rd_pg_arg_text(&p, value);
  return rd_pg_done(rd_pg_tx_conn(tx), PQ_SETTING_PUT, &p, NULL, "setting", err);
}

static void
setting_row(PGresult *r, int row, struct rd_arena *a, void *out)
{
  *(const char **)out = rd_pg_text(r, row, 0, a);
}

enum rd_status
rd_pg_setting_get(struct rd_store *st, const char *key, struct rd_arena *a,
                  const char **value, struct rd_error *err)
{
  struct rd_error e = {0};
  enum rd_status rc = read_by_text(st, PQ_SETTING_GET, key, setting_row, a,
                                   (void *)value, "setting", &e);
  *value = rc == RD_OK ? *value : NULL;
  if (rc == RD_E_NOT_FOUND)
    return RD_OK; /* unset is not an error */
  if (rc != RD_OK && err)
    *err = e;
  return rc;
}
