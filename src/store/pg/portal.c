/* store/pg/portal.c - the public portal's capabilities on PostgreSQL:
 * photo-upload and survey links, kept as SHA-256 of their secrets. */
#include <stdio.h>
#include <string.h>

#include "store/pg/pg_int.h"
#include "util/arena.h"

static const char *
purpose_name(enum rd_portal_purpose p)
{
  return p == RD_PORTAL_SURVEY ? "survey" : "upload";
}

static void
token_row(PGresult *r, int row, struct rd_arena *a, void *out)
{
  struct rd_portal_token *t = out;
  memset(t, 0, sizeof *t);
  t->id = rd_pg_int(r, row, 0);
  t->complaint_id = rd_pg_int(r, row, 1);
  t->purpose = strcmp(PQgetvalue(r, row, 2), "survey") == 0 ? RD_PORTAL_SURVEY
                                                             : RD_PORTAL_UPLOAD;
  snprintf(t->token_sha256, sizeof t->token_sha256, "%s", PQgetvalue(r, row, 3));
  t->created_at = rd_pg_int(r, row, 4);
  t->created_by = rd_pg_int(r, row, 5);
  t->expires_at = rd_pg_int(r, row, 6);
  t->uses_left = (int)rd_pg_int(r, row, 7);
  t->bound_at = rd_pg_int(r, row, 8);
  t->used_at = rd_pg_int(r, row, 9);
  t->revoked_at = rd_pg_int(r, row, 10);
}

enum rd_status
rd_pg_tx_portal_token_issue(struct rd_tx *tx, struct rd_portal_token *t,
                            struct rd_error *err)
{
  struct rd_pg_conn *c = rd_pg_tx_conn(tx);
  struct rd_pg_args p = {0}, q = {0};
  enum rd_status rc;

  /* One live link per purpose and complaint: the new one replaces them. */
  rd_pg_arg_int(&p, t->complaint_id);
  rd_pg_arg_text(&p, purpose_name(t->purpose));
  rd_pg_arg_int(&p, t->created_at);
  rc = rd_pg_done(c, PQ_PORTAL_TOKEN_REVOKE, &p, NULL, "portal token", err);
  if (rc != RD_OK)
    return rc;
  rd_pg_arg_int(&q, t->complaint_id);
  rd_pg_arg_text(&q, purpose_name(t->purpose));
  rd_pg_arg_text(&q, t->token_sha256);
  rd_pg_arg_int(&q, t->created_at);
  rd_pg_arg_id(&q, t->created_by);
  rd_pg_arg_int(&q, t->expires_at);
  rd_pg_arg_int(&q, t->uses_left);
  rd_pg_arg_id(&q, t->bound_at);
  rc = rd_pg_returning(c, PQ_PORTAL_TOKEN_INSERT, &q, &t->id, "portal token", err);
  if (rc != RD_OK)
    return rc;
  t->used_at = t->revoked_at = 0;
  return RD_OK;
}

enum rd_status
rd_pg_tx_portal_token_get(struct rd_tx *tx, const char *token_sha256,
                          struct rd_arena *a, struct rd_portal_token *out,
                          struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_text(&p, token_sha256 ? token_sha256 : "");
  return rd_pg_one(rd_pg_tx_conn(tx), PQ_PORTAL_TOKEN_GET, &p, token_row, a,
                   out, "portal token", err);
}

enum rd_status
rd_pg_tx_portal_token_use(struct rd_tx *tx, int64_t id, int64_t now,
                          struct rd_error *err)
{
  struct rd_pg_args p = {0};
  int64_t changed = 0;
  enum rd_status rc;

  rd_pg_arg_int(&p, id);
  rd_pg_arg_int(&p, now);
  rc = rd_pg_done(rd_pg_tx_conn(tx), PQ_PORTAL_TOKEN_USE, &p, &changed,
                  "portal token", err);
  if (rc == RD_OK && changed == 0)
    rc = rd_error_set(err, RD_E_CONFLICT, "", "the link was used up or replaced");
  return rc;
}

enum rd_status
rd_pg_portal_token_get(struct rd_store *st, const char *token_sha256,
                       struct rd_arena *a, struct rd_portal_token *out,
                       struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_text(&p, token_sha256 ? token_sha256 : "");
  return rd_pg_read_one(st, PQ_PORTAL_TOKEN_GET, &p, token_row, a, out,
                        "portal token", err);
}
