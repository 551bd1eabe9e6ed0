/* store/store_int.h - the backend contract behind store.h.
 *
 * A backend (store/sqlite, store/pg) fills one const struct
 * rd_store_backend; store.c picks it by uri and every rd_store_* / rd_tx_*
 * call goes through that table, in the manner of Dovecot's lib-sql drivers.
 * Each entry has exactly the contract of the store.h function of that name.
 * Only src/store/ includes this header.
 */
#ifndef RD_STORE_STORE_INT_H
#define RD_STORE_STORE_INT_H

#include "store/store.h"

/* An open store: which backend, and that backend's state (owned by it). */
struct rd_store {
  const struct rd_store_backend *be;
  void *impl;
};

/* The transaction handed to an rd_store_write callback: the store and the
 * backend's connection for this batch (owned by the backend). */
struct rd_tx {
  struct rd_store *st;
  void *impl;
};

struct rd_store_backend {
  const char *name;

  /* lifecycle: open fills st->impl; close releases it (st->impl may be NULL) */
  enum rd_status (*open)(struct rd_store *st, const char *uri,
                         struct rd_error *err);
  void (*close)(struct rd_store *st);
  enum rd_status (*migrate)(struct rd_store *st, int *applied,
                            struct rd_error *err);
  enum rd_status (*migrations_pending)(struct rd_store *st,
                                       struct rd_arena *a,
                                       const char ***names, size_t *n,
                                       struct rd_error *err);
  enum rd_status (*schema_version)(struct rd_store *st, int *out,
                                   struct rd_error *err);
  enum rd_status (*ping)(struct rd_store *st, struct rd_error *err);
  enum rd_status (*write)(struct rd_store *st, rd_store_write_fn fn,
                          void *ctx, struct rd_error *err);

  /* backup and restore: need no open store (see rd_store_backup); NULL
   * when the backend has none of its own */
  enum rd_status (*backup)(const char *uri, const char *dest, bool replace,
                           struct rd_store_backup_report *out,
                           struct rd_error *err);
  enum rd_status (*restore)(const char *from, const char *uri,
                            struct rd_store_backup_report *out,
                            struct rd_error *err);

  /* inside a write transaction */
  enum rd_status (*tx_next_number)(struct rd_tx *tx, const char *day_prefix,
                                   struct rd_arena *a, const char **number,
                                   struct rd_error *err);
  enum rd_status (*tx_customer_upsert)(struct rd_tx *tx,
                                       struct rd_customer *cu, int64_t now,
                                       struct rd_error *err);
  enum rd_status (*tx_complaint_insert)(struct rd_tx *tx,
                                        struct rd_complaint *c,
                                        struct rd_error *err);
  enum rd_status (*tx_complaint_get)(struct rd_tx *tx, int64_t id,
                                     struct rd_arena *a,
                                     struct rd_complaint *out,
                                     struct rd_error *err);
  enum rd_status (*tx_complaint_get_by_number)(struct rd_tx *tx,
                                               const char *number,
                                               struct rd_arena *a,
                                               struct rd_complaint *out,
                                               struct rd_error *err);
  enum rd_status (*tx_complaint_update)(struct rd_tx *tx,
                                        struct rd_complaint *c, int64_t now,
                                        struct rd_error *err);
  enum rd_status (*tx_event_append)(struct rd_tx *tx, struct rd_event *ev,
                                    struct rd_error *err);
  enum rd_status (*tx_idempotency_get)(struct rd_tx *tx, int64_t user_id,
                                       const char *key,
                                       struct rd_idempotency *out, bool *found,
                                       struct rd_error *err);
  enum rd_status (*tx_idempotency_put)(struct rd_tx *tx, int64_t user_id,
                                       const char *key,
                                       const struct rd_idempotency *rec,
                                       struct rd_error *err);
  enum rd_status (*tx_attachment_add)(struct rd_tx *tx,
                                      struct rd_attachment *att,
                                      const void *data, size_t len,
                                      struct rd_error *err);
  enum rd_status (*tx_department_save)(struct rd_tx *tx,
                                       struct rd_department *d,
                                       struct rd_error *err);
  enum rd_status (*tx_site_save)(struct rd_tx *tx, struct rd_site *s,
                                 struct rd_error *err);
  enum rd_status (*tx_category_save)(struct rd_tx *tx, struct rd_category *c,
                                     struct rd_error *err);
  enum rd_status (*tx_user_set_password)(struct rd_tx *tx, int64_t user_id,
                                         const char *old_hash, const char *new_hash,
                                         struct rd_error *err);
  enum rd_status (*tx_user_set_locale)(struct rd_tx *tx, int64_t user_id,
                                       const char *locale,
                                       struct rd_error *err);
  enum rd_status (*tx_user_save)(struct rd_tx *tx, struct rd_user *u,
                                 struct rd_error *err);
  enum rd_status (*tx_complaint_set_due)(struct rd_tx *tx, int64_t id,
                                         int64_t due_at, struct rd_error *err);
  enum rd_status (*tx_clocks_of)(struct rd_tx *tx, int64_t complaint_id,
                                 struct rd_arena *a, struct rd_clock **out,
                                 size_t *n, struct rd_error *err);
  enum rd_status (*tx_clock_insert)(struct rd_tx *tx, struct rd_clock *c,
                                    struct rd_error *err);
  enum rd_status (*tx_clock_update)(struct rd_tx *tx, const struct rd_clock *c,
                                    struct rd_error *err);
  enum rd_status (*tx_clock_steps_add)(struct rd_tx *tx, int64_t clock_id,
                                       struct rd_clock_step *steps, size_t n,
                                       struct rd_error *err);
  enum rd_status (*tx_clock_steps_drop)(struct rd_tx *tx, int64_t clock_id,
                                        struct rd_error *err);
  enum rd_status (*tx_clock_step_claim)(struct rd_tx *tx, int64_t step_id,
                                        int64_t now, bool *claimed,
                                        struct rd_error *err);
  enum rd_status (*tx_notification_add)(struct rd_tx *tx,
                                        struct rd_notification *n,
                                        struct rd_error *err);
  enum rd_status (*tx_notification_read)(struct rd_tx *tx, int64_t user_id,
                                         int64_t id, int64_t now,
                                         struct rd_error *err);
  enum rd_status (*tx_extension_add)(struct rd_tx *tx,
                                     struct rd_clock_extension *x,
                                     struct rd_error *err);
  enum rd_status (*tx_extension_get)(struct rd_tx *tx, int64_t complaint_id,
                                     int64_t id, struct rd_arena *a,
                                     struct rd_clock_extension *out,
                                     struct rd_error *err);
  enum rd_status (*tx_extension_decide)(struct rd_tx *tx,
                                        const struct rd_clock_extension *x,
                                        struct rd_error *err);
  enum rd_status (*tx_calendar_save)(struct rd_tx *tx, struct rd_calendar *c,
                                     int64_t now, struct rd_error *err);
  enum rd_status (*tx_policy_save)(struct rd_tx *tx, struct rd_sla_policy *p,
                                   struct rd_error *err);
  enum rd_status (*tx_category_get)(struct rd_tx *tx, int64_t id,
                                    struct rd_arena *a,
                                    struct rd_category *out,
                                    struct rd_error *err);
  enum rd_status (*tx_session_put)(struct rd_tx *tx,
                                   const struct rd_session *s,
                                   struct rd_error *err);
  enum rd_status (*tx_session_delete)(struct rd_tx *tx,
                                      const char *token_sha256,
                                      struct rd_error *err);
  enum rd_status (*tx_session_purge)(struct rd_tx *tx, int64_t now,
                                     struct rd_error *err);
  enum rd_status (*tx_session_touch)(struct rd_tx *tx, const char *token_sha256,
                                     int64_t now, struct rd_error *err);
  enum rd_status (*tx_session_delete_user)(struct rd_tx *tx, int64_t user_id,
                                           const char *keep_sha256,
                                           struct rd_error *err);
  enum rd_status (*tx_token_save)(struct rd_tx *tx, struct rd_api_token *t,
                                  struct rd_error *err);
  enum rd_status (*tx_complaint_anonymise)(struct rd_tx *tx, int64_t id,
                                           int64_t now, bool *done,
                                           struct rd_error *err);
  enum rd_status (*tx_job_claim)(struct rd_tx *tx, const char *name,
                                 int64_t now, int64_t next_at, bool *claimed,
                                 struct rd_error *err);
  enum rd_status (*retention_due)(struct rd_store *st, int64_t closed_before,
                                  int64_t after_id, int limit,
                                  struct rd_arena *a, int64_t **ids, size_t *n,
                                  struct rd_error *err);
  enum rd_status (*tx_setting_put)(struct rd_tx *tx, const char *key,
                                   const char *value, struct rd_error *err);
  enum rd_status (*tx_portal_token_issue)(struct rd_tx *tx,
                                          struct rd_portal_token *t,
                                          struct rd_error *err);
  enum rd_status (*tx_portal_token_get)(struct rd_tx *tx,
                                        const char *token_sha256,
                                        struct rd_arena *a,
                                        struct rd_portal_token *out,
                                        struct rd_error *err);
  enum rd_status (*tx_portal_token_use)(struct rd_tx *tx, int64_t id,
                                        int64_t now, struct rd_error *err);
  /* Counts one hit on key in one statement (see SQ_LIMIT_TAKE): a window
   * that has passed restarts with window_s, hits never pass max + 1. Sets
   * the row as left: *hits and *expires_at. */
  enum rd_status (*tx_limit_take)(struct rd_tx *tx, const char *key, int max,
                                  int window_s, int64_t now, int64_t *hits,
                                  int64_t *expires_at, struct rd_error *err);
  enum rd_status (*tx_limit_clear)(struct rd_tx *tx, const char *key,
                                   struct rd_error *err);
  /* Deletes the windows ended by now; *removed (may be NULL) how many. */
  enum rd_status (*tx_limit_sweep)(struct rd_tx *tx, int64_t now,
                                   int64_t *removed, struct rd_error *err);
  /* Whether rows are inserted unchained and linked later by the chainer
   * (PostgreSQL) rather than chained as they are inserted (SQLite). */
  bool audit_chain_later;
  /* The chain's end (head row): its seq and hash. For the chainer
   * (audit_chain_later) the row is locked until the transaction ends; with
   * wait false *got is false when another transaction holds it. */
  enum rd_status (*tx_audit_head)(struct rd_tx *tx, bool wait, bool *got,
                                  int64_t *seq, char hash[RD_AUDIT_HASH_HEX],
                                  struct rd_error *err);
  /* Inserts e: chained as it is (seq, prev_hash and hash set by store.c,
   * the trigger moves the head), or unchained (audit_chain_later). */
  enum rd_status (*tx_audit_insert)(struct rd_tx *tx,
                                    const struct rd_audit_entry *e,
                                    struct rd_error *err);
  /* Inserts e[0..n) in one statement, in that order (NULL: row by row):
   * unchained (audit_chain_later), or chained as they are (seq, prev_hash
   * and hash set by store/audit.c from the head). */
  enum rd_status (*tx_audit_insert_batch)(struct rd_tx *tx,
                                          const struct rd_audit_entry *e,
                                          size_t n, struct rd_error *err);
  /* audit_chain_later only (NULL otherwise): the committed unchained rows
   * in row_id order, at most limit; and links rows[0..n) into the chain
   * (seq, prev_hash, hash as set), the trigger moving the head. */
  enum rd_status (*tx_audit_unchained)(struct rd_tx *tx, int limit,
                                       struct rd_arena *a,
                                       struct rd_audit_entry **out, size_t *n,
                                       struct rd_error *err);
  enum rd_status (*tx_audit_link)(struct rd_tx *tx,
                                  const struct rd_audit_entry *rows, size_t n,
                                  struct rd_error *err);

  /* reads, from any thread */
  enum rd_status (*complaint_get)(struct rd_store *st, int64_t id,
                                  struct rd_arena *a, struct rd_complaint *out,
                                  struct rd_error *err);
  enum rd_status (*complaint_get_by_number)(struct rd_store *st,
                                            const char *number,
                                            struct rd_arena *a,
                                            struct rd_complaint *out,
                                            struct rd_error *err);
  enum rd_status (*complaint_list)(struct rd_store *st,
                                   const struct rd_complaint_filter *f,
                                   struct rd_arena *a,
                                   struct rd_complaint_page *out,
                                   struct rd_error *err);
  enum rd_status (*event_list)(struct rd_store *st, int64_t complaint_id,
                               struct rd_arena *a, struct rd_event **out,
                               size_t *n, struct rd_error *err);
  enum rd_status (*attachment_list)(struct rd_store *st, int64_t complaint_id,
                                    struct rd_arena *a,
                                    struct rd_attachment **out, size_t *n,
                                    struct rd_error *err);
  enum rd_status (*attachment_get)(struct rd_store *st, int64_t id,
                                   struct rd_arena *a,
                                   struct rd_attachment *out,
                                   struct rd_error *err);
  enum rd_status (*blob_get)(struct rd_store *st, const char *sha256,
                             struct rd_arena *a, const void **data,
                             size_t *len, struct rd_error *err);
  enum rd_status (*customer_get)(struct rd_store *st, int64_t id,
                                 struct rd_arena *a, struct rd_customer *out,
                                 struct rd_error *err);
  enum rd_status (*customer_by_phone)(struct rd_store *st, const char *phone,
                                      struct rd_arena *a,
                                      struct rd_customer *out,
                                      struct rd_error *err);
  enum rd_status (*department_get)(struct rd_store *st, int64_t id,
                                   struct rd_arena *a,
                                   struct rd_department *out,
                                   struct rd_error *err);
  enum rd_status (*department_by_code)(struct rd_store *st, const char *code,
                                       struct rd_arena *a,
                                       struct rd_department *out,
                                       struct rd_error *err);
  enum rd_status (*department_list)(struct rd_store *st, struct rd_arena *a,
                                    struct rd_department **out, size_t *n,
                                    struct rd_error *err);
  enum rd_status (*site_get)(struct rd_store *st, int64_t id,
                             struct rd_arena *a, struct rd_site *out,
                             struct rd_error *err);
  enum rd_status (*site_list)(struct rd_store *st, struct rd_arena *a,
                              struct rd_site **out, size_t *n,
                              struct rd_error *err);
  enum rd_status (*category_get)(struct rd_store *st, int64_t id,
                                 struct rd_arena *a, struct rd_category *out,
                                 struct rd_error *err);
  enum rd_status (*category_list)(struct rd_store *st, struct rd_arena *a,
                                  struct rd_category **out, size_t *n,
                                  struct rd_error *err);
  enum rd_status (*user_get)(struct rd_store *st, int64_t id,
                             struct rd_arena *a, struct rd_user *out,
                             struct rd_error *err);
  enum rd_status (*user_by_name)(struct rd_store *st, const char *username,
                                 struct rd_arena *a, struct rd_user *out,
                                 struct rd_error *err);
  enum rd_status (*user_list)(struct rd_store *st, struct rd_arena *a,
                              struct rd_user **out, size_t *n,
                              struct rd_error *err);
  enum rd_status (*extensions_of)(struct rd_store *st, int64_t complaint_id,
                                  struct rd_arena *a,
                                  struct rd_clock_extension **out, size_t *n,
                                  struct rd_error *err);
  enum rd_status (*steps_due)(struct rd_store *st, int64_t now, int limit,
                              struct rd_arena *a, struct rd_due_step **out,
                              size_t *n, struct rd_error *err);
  enum rd_status (*notifications_of)(struct rd_store *st, int64_t user_id,
                                     bool unread_only, int64_t before_id,
                                     int limit, struct rd_arena *a,
                                     struct rd_notification **out, size_t *n,
                                     struct rd_error *err);
  enum rd_status (*clocks_of)(struct rd_store *st, const int64_t *ids,
                              size_t n, struct rd_arena *a,
                              struct rd_clock **out, size_t *n_out,
                              struct rd_error *err);
  enum rd_status (*calendar_get)(struct rd_store *st, int64_t id,
                                 struct rd_arena *a, struct rd_calendar *out,
                                 struct rd_error *err);
  enum rd_status (*calendar_list)(struct rd_store *st, struct rd_arena *a,
                                  struct rd_calendar **out, size_t *n,
                                  struct rd_error *err);
  enum rd_status (*policy_get)(struct rd_store *st, int64_t id,
                               struct rd_arena *a, struct rd_sla_policy *out,
                               struct rd_error *err);
  enum rd_status (*policy_list)(struct rd_store *st, struct rd_arena *a,
                                struct rd_sla_policy **out, size_t *n,
                                struct rd_error *err);
  enum rd_status (*session_get)(struct rd_store *st, const char *token_sha256,
                                struct rd_arena *a, struct rd_session *out,
                                struct rd_error *err);
  enum rd_status (*token_get)(struct rd_store *st, const char *token_sha256,
                              struct rd_arena *a, struct rd_api_token *out,
                              struct rd_error *err);
  enum rd_status (*token_by_id)(struct rd_store *st, int64_t id,
                                struct rd_arena *a, struct rd_api_token *out,
                                struct rd_error *err);
  enum rd_status (*token_list)(struct rd_store *st, int64_t user_id,
                               struct rd_arena *a, struct rd_api_token **out,
                               size_t *n, struct rd_error *err);
  enum rd_status (*setting_get)(struct rd_store *st, const char *key,
                                struct rd_arena *a, const char **value,
                                struct rd_error *err);
  enum rd_status (*portal_token_get)(struct rd_store *st,
                                     const char *token_sha256,
                                     struct rd_arena *a,
                                     struct rd_portal_token *out,
                                     struct rd_error *err);
  /* key's row: *found false when it has none (hits, expires_at untouched). */
  enum rd_status (*limit_get)(struct rd_store *st, const char *key,
                              bool *found, int64_t *hits, int64_t *expires_at,
                              struct rd_error *err);
  /* Rows matching f with seq < before_seq, newest first, at most limit
   * (f->cursor and f->limit are store.c's business, not read here). */
  enum rd_status (*audit_page)(struct rd_store *st,
                               const struct rd_audit_filter *f,
                               int64_t before_seq, int limit,
                               struct rd_arena *a, struct rd_audit_entry **out,
                               size_t *n, struct rd_error *err);
  /* Rows with seq > after_seq, in seq order, at most limit. */
  enum rd_status (*audit_range)(struct rd_store *st, int64_t after_seq,
                                int limit, struct rd_arena *a,
                                struct rd_audit_entry **out, size_t *n,
                                struct rd_error *err);
  /* The head row, read outside any transaction. */
  enum rd_status (*audit_head)(struct rd_store *st, int64_t *seq,
                               char hash[RD_AUDIT_HASH_HEX],
                               struct rd_error *err);
  /* How many rows wait for the chain (NULL: none ever do). */
  enum rd_status (*audit_pending)(struct rd_store *st, int64_t *n,
                                  struct rd_error *err);
  enum rd_status (*report_summary)(struct rd_store *st,
                                   const struct rd_report_query *q,
                                   struct rd_arena *a,
                                   struct rd_report_row **out, size_t *n,
                                   struct rd_error *err);
  enum rd_status (*count_by_status)(struct rd_store *st,
                                    int64_t counts[RD_STATE_COUNT],
                                    struct rd_error *err);
  /* NULL when the backend's caches are not in this process */
  size_t (*caches)(struct rd_store *st, struct rd_store_cache *out, size_t max);
};

struct rd_buf;

/* Appends rows e[0..n) as a JSON array of objects (at, actor, user_id,
 * client_addr, action, object_kind, object_id, detail; with chained also
 * seq, prev_hash and hash; NULL texts and 0 ids as null): how a batch is
 * handed to a backend's one INSERT (store/audit.c). */
void rd_audit_rows_json(struct rd_buf *b, const struct rd_audit_entry *e,
                        size_t n, bool chained);

/* The backends built into this binary. */
extern const struct rd_store_backend rd_store_sqlite_backend;
extern const struct rd_store_backend rd_store_pg_backend;

/* Blanks the customer's name, phone, email and refs on an anonymised
 * complaint: its customer row may still hold them for a newer complaint
 * (docs/retention.md), and no read of the old one may show them. Every
 * backend's complaint reader calls it. */
void rd_store_hide_anonymised(struct rd_complaint *c);

#endif
