/* store/sqlite/portal.c - the public portal's capabilities (0010_portal.sql):
 * photo-upload and survey links, kept as SHA-256 of their secrets. */
#include "store/sqlite/sqlite_int.h"

#include <stdio.h>
#include <string.h>

#include "util/arena.h"

static const char *
purpose_name(enum rd_portal_purpose p)
{
  return p == RD_PORTAL_SURVEY ? "survey" : "upload";
}

static void
token_row(sqlite3_stmt *s, struct rd_arena *a, void *out)
{
  struct rd_portal_token *t = out;
  const char *purpose = (const char *)sqlite3_column_text(s, 2);
  const char *sha = (const char *)sqlite3_column_text(s, 3);
  memset(t, 0, sizeof *t);
  t->id = sqlite3_column_int64(s, 0);
  t->complaint_id = sqlite3_column_int64(s, 1);
  t->purpose = purpose && strcmp(purpose, "survey") == 0 ? RD_PORTAL_SURVEY
                                                          : RD_PORTAL_UPLOAD;
  snprintf(t->token_sha256, sizeof t->token_sha256, "%s", sha ? sha : "");
  t->created_at = sqlite3_column_int64(s, 4);
  t->created_by = sqlite3_column_int64(s, 5);
  t->expires_at = sqlite3_column_int64(s, 6);
  t->uses_left = sqlite3_column_int(s, 7);
  t->bound_at = sqlite3_column_int64(s, 8);
  t->used_at = sqlite3_column_int64(s, 9);
  t->revoked_at = sqlite3_column_int64(s, 10);
}

enum rd_status
rd_sqlite_tx_portal_token_issue(struct rd_tx *tx, struct rd_portal_token *t,
                                struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  enum rd_status rc;

  STMT_OR_FAIL(s, c, SQ_PORTAL_TOKEN_REVOKE, err);
  sqlite3_bind_int64(s, 1, t->complaint_id);
  rd_sqlite_bind_text(s, 2, purpose_name(t->purpose));
  sqlite3_bind_int64(s, 3, t->created_at);
  if ((rc = rd_sqlite_step_done(c, s, "portal token", err)))
    return rc;

  STMT_OR_FAIL(s, c, SQ_PORTAL_TOKEN_INSERT, err);
  sqlite3_bind_int64(s, 1, t->complaint_id);
  rd_sqlite_bind_text(s, 2, purpose_name(t->purpose));
  rd_sqlite_bind_text(s, 3, t->token_sha256);
  sqlite3_bind_int64(s, 4, t->created_at);
  rd_sqlite_bind_id(s, 5, t->created_by);
  sqlite3_bind_int64(s, 6, t->expires_at);
  sqlite3_bind_int(s, 7, t->uses_left);
  rd_sqlite_bind_id(s, 8, t->bound_at);
  if ((rc = rd_sqlite_step_done(c, s, "portal token", err)))
    return rc;
  t->id = sqlite3_last_insert_rowid(c->db);
  t->used_at = t->revoked_at = 0;
  return RD_OK;
}

enum rd_status
rd_sqlite_tx_portal_token_get(struct rd_tx *tx, const char *token_sha256,
                              struct rd_arena *a, struct rd_portal_token *out,
                              struct rd_error *err)
{
  return rd_sqlite_one(rd_sqlite_tx_conn(tx), SQ_PORTAL_TOKEN_GET, 0,
                       token_sha256 ? token_sha256 : "", token_row, a, out,
                       "portal token", err);
}

enum rd_status
rd_sqlite_tx_portal_token_use(struct rd_tx *tx, int64_t id, int64_t now,
                              struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  enum rd_status rc;
  STMT_OR_FAIL(s, c, SQ_PORTAL_TOKEN_USE, err);
  sqlite3_bind_int64(s, 1, id);
  sqlite3_bind_int64(s, 2, now);
  if ((rc = rd_sqlite_step_done(c, s, "portal token", err)))
    return rc;
  if (sqlite3_changes(c->db) == 0)
    return rd_error_set(err, RD_E_CONFLICT, "", "the link was used up or replaced");
  return RD_OK;
}

enum rd_status
rd_sqlite_portal_token_get(struct rd_store *st, const char *token_sha256,
                           struct rd_arena *a, struct rd_portal_token *out,
                           struct rd_error *err)
{
  return rd_sqlite_read_one(st, SQ_PORTAL_TOKEN_GET, 0,
                            token_sha256 ? token_sha256 : "", token_row, a,
                            out, "portal token", err);
}
