/* store/sqlite/org.c - the organisation (departments, sites, categories,
 * users, SLA policies), sessions, API tokens and settings on SQLite.
 *
 * Small tables read through rd_sqlite_one/_all with one row reader each;
 * saves insert when id == 0 and otherwise update that id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"
#include "util/arena.h"


/* Steps a bound write statement; for an update (id != 0) RD_E_NOT_FOUND
 * when no row has that id; for an insert sets *id. */
static enum rd_status
finish_save(struct rd_sqlite_conn *c, sqlite3_stmt *s, int64_t *id,
            const char *what, struct rd_error *err)
{
  int src = sqlite3_step(s);
  rd_sqlite_done(s);
  if (src != SQLITE_DONE)
    return rd_sqlite_fail(c->db, src, what, err);
  if (*id == 0)
    *id = sqlite3_last_insert_rowid(c->db);
  else if (sqlite3_changes(c->db) == 0)
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such %s", what);
  return RD_OK;
}

/* The insert or update statement for a record with this id. */
static sqlite3_stmt *
save_stmt(struct rd_sqlite_conn *c, int64_t id, enum rd_sqlite_stmt ins,
          enum rd_sqlite_stmt upd, struct rd_error *err)
{
  return rd_sqlite_stmt(c, id ? upd : ins, err);
}

#define FAIL_NULL(s, err) \
  do { if ((s) == NULL) return (err) ? (err)->code : RD_E_INTERNAL; } while (0)

/* ---- departments ---------------------------------------------------------- */

static void
department_row(sqlite3_stmt *s, struct rd_arena *a, void *out)
{
  struct rd_department *d = out;
  d->id = sqlite3_column_int64(s, 0);
  d->code = rd_sqlite_col_text(s, 1, a);
  d->name = rd_sqlite_col_text(s, 2, a);
  d->active = sqlite3_column_int(s, 3) != 0;
}

enum rd_status
rd_sqlite_tx_department_save(struct rd_tx *tx, struct rd_department *d,
                             struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s = save_stmt(c, d->id, SQ_DEPARTMENT_INSERT,
                              SQ_DEPARTMENT_UPDATE, err);
  FAIL_NULL(s, err);
  rd_sqlite_bind_text(s, 1, d->code);
  rd_sqlite_bind_text(s, 2, d->name);
  sqlite3_bind_int(s, 3, d->active);
  if (d->id)
    sqlite3_bind_int64(s, 4, d->id);
  return finish_save(c, s, &d->id, "department", err);
}

enum rd_status
rd_sqlite_department_get(struct rd_store *st, int64_t id, struct rd_arena *a,
                         struct rd_department *out, struct rd_error *err)
{
  return rd_sqlite_read_one(st, SQ_DEPARTMENT_GET, id, NULL, department_row, a,
                            out, "department", err);
}

enum rd_status
rd_sqlite_department_by_code(struct rd_store *st, const char *code,
                             struct rd_arena *a, struct rd_department *out,
                             struct rd_error *err)
{
  return rd_sqlite_read_one(st, SQ_DEPARTMENT_BY_CODE, 0, code ? code : "",
                            department_row, a, out, "department", err);
}

enum rd_status
rd_sqlite_department_list(struct rd_store *st, struct rd_arena *a,
                          struct rd_department **out, size_t *n,
                          struct rd_error *err)
{
  return rd_sqlite_read_all(st, SQ_DEPARTMENT_LIST, RD_SQLITE_NO_KEY,
                            department_row, sizeof **out, a, (void **)out, n,
                            err);
}

/* ---- sites ---------------------------------------------------------------- */

static void
site_row(sqlite3_stmt *s, struct rd_arena *a, void *out)
{
  struct rd_site *x = out;
  x->id = sqlite3_column_int64(s, 0);
  x->code = rd_sqlite_col_text(s, 1, a);
  x->name = rd_sqlite_col_text(s, 2, a);
  x->calendar_id = sqlite3_column_int64(s, 3);
  x->active = sqlite3_column_int(s, 4) != 0;
}

enum rd_status
rd_sqlite_tx_site_save(struct rd_tx *tx, struct rd_site *x,
                       struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s = save_stmt(c, x->id, SQ_SITE_INSERT, SQ_SITE_UPDATE, err);
  FAIL_NULL(s, err);
  rd_sqlite_bind_text(s, 1, x->code);
  rd_sqlite_bind_text(s, 2, x->name);
  rd_sqlite_bind_id(s, 3, x->calendar_id);
  sqlite3_bind_int(s, 4, x->active);
  if (x->id)
    sqlite3_bind_int64(s, 5, x->id);
  return finish_save(c, s, &x->id, "site", err);
}

enum rd_status
rd_sqlite_site_get(struct rd_store *st, int64_t id, struct rd_arena *a,
                   struct rd_site *out, struct rd_error *err)
{
  return rd_sqlite_read_one(st, SQ_SITE_GET, id, NULL, site_row, a, out,
                            "site", err);
}

enum rd_status
rd_sqlite_site_list(struct rd_store *st, struct rd_arena *a,
                    struct rd_site **out, size_t *n, struct rd_error *err)
{
  return rd_sqlite_read_all(st, SQ_SITE_LIST, RD_SQLITE_NO_KEY, site_row,
                            sizeof **out, a, (void **)out, n, err);
}

/* ---- categories ------------------------------------------------------------ */

static void
category_row(sqlite3_stmt *s, struct rd_arena *a, void *out)
{
  struct rd_category *x = out;
  x->id = sqlite3_column_int64(s, 0);
  x->parent_id = sqlite3_column_int64(s, 1);
  x->level = sqlite3_column_int(s, 2);
  x->name = rd_sqlite_col_text(s, 3, a);
  x->active = sqlite3_column_int(s, 4) != 0;
}

enum rd_status
rd_sqlite_tx_category_save(struct rd_tx *tx, struct rd_category *x,
                           struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s = save_stmt(c, x->id, SQ_CATEGORY_INSERT, SQ_CATEGORY_UPDATE,
                              err);
  FAIL_NULL(s, err);
  rd_sqlite_bind_id(s, 1, x->parent_id);
  sqlite3_bind_int(s, 2, x->level);
  rd_sqlite_bind_text(s, 3, x->name);
  sqlite3_bind_int(s, 4, x->active);
  if (x->id)
    sqlite3_bind_int64(s, 5, x->id);
  return finish_save(c, s, &x->id, "category", err);
}

enum rd_status
rd_sqlite_tx_category_get(struct rd_tx *tx, int64_t id, struct rd_arena *a,
                          struct rd_category *out, struct rd_error *err)
{
  return rd_sqlite_one(rd_sqlite_tx_conn(tx), SQ_CATEGORY_GET, id, NULL, category_row, a,
                       out, "category", err);
}

enum rd_status
rd_sqlite_category_get(struct rd_store *st, int64_t id, struct rd_arena *a,
                       struct rd_category *out, struct rd_error *err)
{
  return rd_sqlite_read_one(st, SQ_CATEGORY_GET, id, NULL, category_row, a,
                            out, "category", err);
}

enum rd_status
rd_sqlite_category_list(struct rd_store *st, struct rd_arena *a,
                        struct rd_category **out, size_t *n,
                        struct rd_error *err)
{
  return rd_sqlite_read_all(st, SQ_CATEGORY_LIST, RD_SQLITE_NO_KEY,
                            category_row, sizeof **out, a, (void **)out, n,
                            err);
}

/* ---- users ------------------------------------------------------------------ */

static void
user_row(sqlite3_stmt *s, struct rd_arena *a, void *out)
{
  struct rd_user *u = out;
  const char *role = (const char *)sqlite3_column_text(s, 3);
  u->id = sqlite3_column_int64(s, 0);
  u->username = rd_sqlite_col_text(s, 1, a);
  u->display_name = rd_sqlite_col_text(s, 2, a);
  u->role = RD_ROLE_AUDITOR; /* an unknown stored role gets the least rights */
  if (role)
    rd_role_parse(role, &u->role);
  u->department_id = sqlite3_column_int64(s, 4);
  u->locale = rd_sqlite_col_text(s, 5, a);
  u->active = sqlite3_column_int(s, 6) != 0;
  u->password_hash = rd_sqlite_col_text(s, 7, a);
  u->created_at = sqlite3_column_int64(s, 8);
}

enum rd_status
rd_sqlite_tx_user_save(struct rd_tx *tx, struct rd_user *u,
                       struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  const char *role = rd_role_name(u->role);

  if (role == NULL)
    return rd_error_set(err, RD_E_INVALID, "role", "unknown role");
  s = save_stmt(c, u->id, SQ_USER_INSERT, SQ_USER_UPDATE, err);
  FAIL_NULL(s, err);
  rd_sqlite_bind_text(s, 1, u->username);
  rd_sqlite_bind_text(s, 2, u->display_name ? u->display_name : u->username);
  sqlite3_bind_text(s, 3, role, -1, SQLITE_STATIC);
  rd_sqlite_bind_id(s, 4, u->department_id);
  sqlite3_bind_text(s, 5, u->locale ? u->locale : "zh-CN", -1, SQLITE_STATIC);
  sqlite3_bind_int(s, 6, u->active);
  rd_sqlite_bind_text(s, 7, u->password_hash);
  sqlite3_bind_int64(s, 8, u->created_at);
  if (u->id)
    sqlite3_bind_int64(s, 9, u->id);
  return finish_save(c, s, &u->id, "user", err);
}

enum rd_status
rd_sqlite_tx_user_set_locale(struct rd_tx *tx, int64_t user_id,
                             const char *locale, struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  enum rd_status rc;
  STMT_OR_FAIL(s, c, SQ_USER_SET_LOCALE, err);
  sqlite3_bind_int64(s, 1, user_id);
  rd_sqlite_bind_text(s, 2, locale);
  if ((rc = rd_sqlite_step_done(c, s, "user", err)))
    return rc;
  if (sqlite3_changes(c->db) == 0)
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such user");
  return RD_OK;
}

enum rd_status
rd_sqlite_tx_user_set_password(struct rd_tx *tx, int64_t user_id,
                               const char *old_hash, const char *new_hash,
                               struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  enum rd_status rc;
  STMT_OR_FAIL(s, c, SQ_USER_SET_PASSWORD, err);
  sqlite3_bind_int64(s, 1, user_id);
  rd_sqlite_bind_text(s, 2, old_hash);
  rd_sqlite_bind_text(s, 3, new_hash);
  if ((rc = rd_sqlite_step_done(c, s, "user", err)))
    return rc;
  if (sqlite3_changes(c->db) == 0)
    return rd_error_set(err, RD_E_CONFLICT, "",
                        "the account changed while its password was being changed");
  return RD_OK;
}

enum rd_status
rd_sqlite_user_get(struct rd_store *st, int64_t id, struct rd_arena *a,
                   struct rd_user *out, struct rd_error *err)
{
  return rd_sqlite_read_one(st, SQ_USER_GET, id, NULL, user_row, a, out,
                            "user", err);
}

enum rd_status
rd_sqlite_user_by_name(struct rd_store *st, const char *username,
                       struct rd_arena *a, struct rd_user *out,
                       struct rd_error *err)
{
  return rd_sqlite_read_one(st, SQ_USER_BY_NAME, 0, username ? username : "",
                            user_row, a, out, "user", err);
}

enum rd_status
rd_sqlite_user_list(struct rd_store *st, struct rd_arena *a,
                    struct rd_user **out, size_t *n, struct rd_error *err)
{
  return rd_sqlite_read_all(st, SQ_USER_LIST, RD_SQLITE_NO_KEY, user_row,
                            sizeof **out, a, (void **)out, n, err);
}

/* ---- SLA policies -------------------------------------------------------------- */

/* Comma-separated lists: "phone,web" and "3,12". */
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
policy_row(sqlite3_stmt *s, struct rd_arena *a, void *out)
{
  struct rd_sla_policy *p = out;
  p->id = sqlite3_column_int64(s, 0);
  p->name = rd_sqlite_col_text(s, 1, a);
  p->priority = sqlite3_column_int(s, 2);
  p->severity_mask = (unsigned)sqlite3_column_int(s, 3);
  p->channel_mask = split_channels((const char *)sqlite3_column_text(s, 4));
  p->n_categories = split_ids((const char *)sqlite3_column_text(s, 5),
                              p->category_ids, RD_POLICY_MATCH_MAX);
  p->n_sites = split_ids((const char *)sqlite3_column_text(s, 6), p->site_ids,
                         RD_POLICY_MATCH_MAX);
  p->calendar_id = sqlite3_column_int64(s, 7);
  p->approval.always = sqlite3_column_int(s, 8) != 0;
  p->approval.severity_at_least = sqlite3_column_int(s, 9);
  p->approval.has_amount_over = sqlite3_column_int(s, 10) != 0;
  p->approval.amount_over_fen = sqlite3_column_int64(s, 11);
  p->clocks_json = rd_sqlite_col_text(s, 12, a);
}

enum rd_status
rd_sqlite_tx_policy_save(struct rd_tx *tx, struct rd_sla_policy *p,
                         struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  struct rd_arena *a;
  sqlite3_stmt *s;
  enum rd_status rc;

  if (p->n_categories > RD_POLICY_MATCH_MAX || p->n_sites > RD_POLICY_MATCH_MAX)
    return rd_error_set(err, RD_E_INVALID, "match", "too many values");
  s = save_stmt(c, p->id, SQ_POLICY_INSERT, SQ_POLICY_UPDATE, err);
  FAIL_NULL(s, err);
  a = rd_arena_new(); /* the joined lists live until the statement ran */
  rd_sqlite_bind_text(s, 1, p->name);
  sqlite3_bind_int(s, 2, p->priority);
  sqlite3_bind_int(s, 3, (int)p->severity_mask);
  sqlite3_bind_text(s, 4, join_channels(a, p->channel_mask), -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 5, join_ids(a, p->category_ids, p->n_categories), -1,
                    SQLITE_STATIC);
  sqlite3_bind_text(s, 6, join_ids(a, p->site_ids, p->n_sites), -1,
                    SQLITE_STATIC);
  rd_sqlite_bind_id(s, 7, p->calendar_id);
  sqlite3_bind_int(s, 8, p->approval.always);
  sqlite3_bind_int(s, 9, p->approval.severity_at_least);
  sqlite3_bind_int(s, 10, p->approval.has_amount_over);
  sqlite3_bind_int64(s, 11, p->approval.amount_over_fen);
  sqlite3_bind_text(s, 12, p->clocks_json ? p->clocks_json : "[]", -1,
                    SQLITE_STATIC);
  if (p->id)
    sqlite3_bind_int64(s, 13, p->id);
  rc = finish_save(c, s, &p->id, "policy", err);
  rd_arena_free(a);
  return rc;
}

enum rd_status
rd_sqlite_policy_get(struct rd_store *st, int64_t id, struct rd_arena *a,
                     struct rd_sla_policy *out, struct rd_error *err)
{
  memset(out, 0, sizeof *out);
  return rd_sqlite_read_one(st, SQ_POLICY_GET, id, NULL, policy_row, a, out,
                            "policy", err);
}

enum rd_status
rd_sqlite_policy_list(struct rd_store *st, struct rd_arena *a,
                      struct rd_sla_policy **out, size_t *n,
                      struct rd_error *err)
{
  return rd_sqlite_read_all(st, SQ_POLICY_LIST, RD_SQLITE_NO_KEY, policy_row,
                            sizeof **out, a, (void **)out, n, err);
}

/* ---- sessions and API tokens --------------------------------------------------- */

static void
session_row(sqlite3_stmt *s, struct rd_arena *a, void *out)
{
  struct rd_session *x = out;
  const char *sha = (const char *)sqlite3_column_text(s, 0);
  snprintf(x->token_sha256, sizeof x->token_sha256, "%s", sha ? sha : "");
  x->user_id = sqlite3_column_int64(s, 1);
  x->csrf_token = rd_sqlite_col_text(s, 2, a);
  x->created_at = sqlite3_column_int64(s, 3);
  x->expires_at = sqlite3_column_int64(s, 4);
  x->last_seen_at = sqlite3_column_int64(s, 5);
}

enum rd_status
rd_sqlite_tx_session_put(struct rd_tx *tx, const struct rd_session *x,
                         struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s = rd_sqlite_stmt(c, SQ_SESSION_PUT, err);
  int src;

  FAIL_NULL(s, err);
  sqlite3_bind_text(s, 1, x->token_sha256, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 2, x->user_id);
  sqlite3_bind_text(s, 3, x->csrf_token ? x->csrf_token : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 4, x->created_at);
  sqlite3_bind_int64(s, 5, x->expires_at);
  sqlite3_bind_int64(s, 6, x->last_seen_at ? x->last_seen_at : x->created_at);
  src = sqlite3_step(s);
  rd_sqlite_done(s);
  return src == SQLITE_DONE ? RD_OK : rd_sqlite_fail(c->db, src, "session", err);
}

enum rd_status
rd_sqlite_tx_session_delete(struct rd_tx *tx, const char *token_sha256,
                            struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s = rd_sqlite_stmt(c, SQ_SESSION_DELETE, err);
  int src;

  FAIL_NULL(s, err);
  sqlite3_bind_text(s, 1, token_sha256 ? token_sha256 : "", -1, SQLITE_STATIC);
  src = sqlite3_step(s);
  rd_sqlite_done(s);
  return src == SQLITE_DONE ? RD_OK : rd_sqlite_fail(c->db, src, "session", err);
}

enum rd_status
rd_sqlite_tx_session_purge(struct rd_tx *tx, int64_t now, struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s = rd_sqlite_stmt(c, SQ_SESSION_PURGE, err);
  int src;

  FAIL_NULL(s, err);
  sqlite3_bind_int64(s, 1, now);
  src = sqlite3_step(s);
  rd_sqlite_done(s);
  return src == SQLITE_DONE ? RD_OK : rd_sqlite_fail(c->db, src, "session", err);
}

enum rd_status
rd_sqlite_tx_session_touch(struct rd_tx *tx, const char *token_sha256,
                           int64_t now, struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s = rd_sqlite_stmt(c, SQ_SESSION_TOUCH, err);
  int src;

  FAIL_NULL(s, err);
  sqlite3_bind_text(s, 1, token_sha256 ? token_sha256 : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 2, now);
  src = sqlite3_step(s);
  rd_sqlite_done(s);
  return src == SQLITE_DONE ? RD_OK : rd_sqlite_fail(c->db, src, "session", err);
}

enum rd_status
rd_sqlite_tx_session_delete_user(struct rd_tx *tx, int64_t user_id,
                                 const char *keep_sha256, struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s = rd_sqlite_stmt(c, SQ_SESSION_DELETE_USER, err);
  int src;

  FAIL_NULL(s, err);
  sqlite3_bind_int64(s, 1, user_id);
  /* No hash is empty, so "" keeps none. */
  sqlite3_bind_text(s, 2, keep_sha256 ? keep_sha256 : "", -1, SQLITE_STATIC);
  src = sqlite3_step(s);
  rd_sqlite_done(s);
  return src == SQLITE_DONE ? RD_OK : rd_sqlite_fail(c->db, src, "session", err);
}

enum rd_status
rd_sqlite_session_get(struct rd_store *st, const char *token_sha256,
                      struct rd_arena *a, struct rd_session *out,
                      struct rd_error *err)
{
  return rd_sqlite_read_one(st, SQ_SESSION_GET, 0,
                            token_sha256 ? token_sha256 : "", session_row, a,
                            out, "session", err);
}

static void
token_row(sqlite3_stmt *s, struct rd_arena *a, void *out)
{
  struct rd_api_token *t = out;
  const char *sha = (const char *)sqlite3_column_text(s, 3);
  t->id = sqlite3_column_int64(s, 0);
  t->user_id = sqlite3_column_int64(s, 1);
  t->name = rd_sqlite_col_text(s, 2, a);
  snprintf(t->token_sha256, sizeof t->token_sha256, "%s", sha ? sha : "");
  t->created_at = sqlite3_column_int64(s, 4);
  t->expires_at = sqlite3_column_int64(s, 5);
  t->revoked = sqlite3_column_int(s, 6) != 0;
}

enum rd_status
rd_sqlite_tx_token_save(struct rd_tx *tx, struct rd_api_token *t,
                        struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s = save_stmt(c, t->id, SQ_TOKEN_INSERT, SQ_TOKEN_UPDATE, err);

  FAIL_NULL(s, err);
  sqlite3_bind_int64(s, 1, t->user_id);
  sqlite3_bind_text(s, 2, t->name ? t->name : "", -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, t->token_sha256, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 4, t->created_at);
  rd_sqlite_bind_id(s, 5, t->expires_at);
  sqlite3_bind_int(s, 6, t->revoked);
  if (t->id)
    sqlite3_bind_int64(s, 7, t->id);
  return finish_save(c, s, &t->id, "token", err);
}

enum rd_status
rd_sqlite_token_get(struct rd_store *st, const char *token_sha256,
                    struct rd_arena *a, struct rd_api_token *out,
                    struct rd_error *err)
{
  return rd_sqlite_read_one(st, SQ_TOKEN_GET, 0,
                            token_sha256 ? token_sha256 : "", token_row, a,
                            out, "token", err);
}

enum rd_status
rd_sqlite_token_by_id(struct rd_store *st, int64_t id, struct rd_arena *a,
                      struct rd_api_token *out, struct rd_error *err)
{
  return rd_sqlite_read_one(st, SQ_TOKEN_BY_ID, id, NULL, token_row, a, out,
                            "token", err);
}

enum rd_status
rd_sqlite_token_list(struct rd_store *st, int64_t user_id, struct rd_arena *a,
                     struct rd_api_token **out, size_t *n,
                     struct rd_error *err)
{
  return rd_sqlite_read_all(st, SQ_TOKEN_LIST, user_id, token_row,
                            sizeof **out, a, (void **)out, n, err);
}

/* ---- settings ----------------------------------------------------------------- */

enum rd_status
rd_sqlite_tx_setting_put(struct rd_tx *tx, const char *key, const char *value,
                         struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s = rd_sqlite_stmt(c, SQ_SETTING_PUT, err);
  int src;

  FAIL_NULL(s, err);
  if (key == NULL || value == NULL)
    return rd_error_set(err, RD_E_INVALID, "value", "setting without a value");
  sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
  src = sqlite3_step(s);
  rd_sqlite_done(s);
  return src == SQLITE_DONE ? RD_OK : rd_sqlite_fail(c->db, src, "setting", err);
}

static void
setting_row(sqlite3_stmt *s, struct rd_arena *a, void *out)
{
  *(const char **)out = rd_sqlite_col_text(s, 0, a);
}

enum rd_status
rd_sqlite_setting_get(struct rd_store *st, const char *key, struct rd_arena *a,
                      const char **value, struct rd_error *err)
{
  struct rd_error e = {0};
  enum rd_status rc = rd_sqlite_read_one(st, SQ_SETTING_GET, 0, key ? key : "",
                                         setting_row, a, (void *)value,
                                         "setting", &e);
  *value = rc == RD_OK ? *value : NULL;
  if (rc == RD_E_NOT_FOUND)
    return RD_OK; /* unset is not an error */
  if (rc != RD_OK && err)
    *err = e;
  return rc;
}
