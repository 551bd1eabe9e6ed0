/* store/store.h - the port: everything the service needs from storage.
 *
 * Backends (store/sqlite, store/pg) implement it behind store_int.h;
 * nothing above this line knows SQL. Writes happen only inside
 * rd_store_write(), which runs a callback in a transaction and returns once
 * that transaction is durable; concurrent writes are group-committed. Reads
 * are safe from any thread. Results are allocated from the caller's arena.
 */
#ifndef RD_STORE_STORE_H
#define RD_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"
#include "core/clock.h"
#include "core/complaint.h"
#include "core/event.h"
#include "core/notification.h"
#include "core/org.h"
#include "core/policy.h"
#include "util/status.h"

struct rd_arena;
struct rd_store;
struct rd_tx;

/* ---- lifecycle ---------------------------------------------------------- */

/* Opens the store named by uri: a file path (SQLite) or postgresql://...
 * Does not create the schema (see rd_store_migrate). *out is owned by the
 * caller and released with rd_store_close(). RD_E_UNAVAILABLE when it cannot
 * be opened; RD_E_INVALID for an unsupported uri. */
enum rd_status rd_store_open(const char *uri, struct rd_store **out,
                             struct rd_error *err);

/* Waits for pending writes, then closes. Accepts NULL. */
void rd_store_close(struct rd_store *st);

/* Applies the numbered migrations not yet applied; *applied (may be NULL)
 * gets how many ran. A new and an upgraded database end in the same schema. */
enum rd_status rd_store_migrate(struct rd_store *st, int *applied,
                                struct rd_error *err);

/* The migrations rd_store_migrate would apply now, in order, as
 * "NNNN_name" strings in a (*n of them; *names NULL when none). Changes
 * nothing: what `redress migrate --dry-run` prints. */
enum rd_status rd_store_migrations_pending(struct rd_store *st,
                                           struct rd_arena *a,
                                           const char ***names, size_t *n,
                                           struct rd_error *err);

/* Highest applied migration number (0 on an empty database). */
enum rd_status rd_store_schema_version(struct rd_store *st, int *out,
                                       struct rd_error *err);

/* RD_OK when the database answers a trivial query. */
enum rd_status rd_store_ping(struct rd_store *st, struct rd_error *err);

/* ---- backup -------------------------------------------------------------- */

/* What rd_store_backup() copied and checked. */
struct rd_store_backup_report {
  int schema_version;     /* of the copy: the source's at the snapshot */
  int64_t complaints;     /* complaints in the copy (and in the snapshot) */
  int64_t pages;          /* database pages copied */
  int64_t page_size;      /* bytes per page */
  int steps;              /* backup steps taken */
  int64_t bytes;          /* size of the backup file */
};

/* Which backend a uri names: "sqlite" (a file path) or "postgresql"
 * (postgresql:// or postgres://). NULL for
 * an empty uri. Lets a command say what to do for a store it cannot serve. */
const char *rd_store_uri_backend(const char *uri);

/* Copies the database named by uri, as one consistent snapshot taken when
 * the copy starts, to the file dest, while servers go on writing to it. The
 * copy is built in a temporary file beside dest, checked (integrity and
 * schema version), synced and only then renamed to dest: dest never holds a
 * half-written backup. Derived data (the search index) is not copied. Needs
 * no open store: it does not migrate or otherwise change the source.
 * RD_E_NOT_FOUND (field "db") when there is no database at uri, RD_E_INVALID
 * ("db") when it is not one of ours or its backend has no backup of its own;
 * RD_E_DUPLICATE ("to") when dest exists and replace is false;
 * RD_E_NOT_FOUND / RD_E_INVALID ("to") when dest's directory is missing or
 * dest is a directory or the database itself; RD_E_UNAVAILABLE when a file
 * cannot be written; RD_E_INTERNAL when the copy fails its check. On failure
 * nothing is left at dest or beside it. */
enum rd_status rd_store_backup(const char *uri, const char *dest, bool replace,
                               struct rd_store_backup_report *out,
                               struct rd_error *err);

/* Puts the backup file `from` (made by rd_store_backup) in place of the
 * database named by uri, which nothing may have open: the same checked,
 * synced, atomic copy, after refusing (RD_E_UNAVAILABLE, field "db") a
 * database that is open or was not closed cleanly, and (RD_E_INVALID,
 * "from") a backup whose schema is newer than this binary's. The replaced
 * database's search index is deleted (it is rebuilt at the next start) and
 * the new file takes the old one's owner and mode. The restored database
 * keeps the backup's schema; rd_store_migrate brings it up to date. */
enum rd_status rd_store_restore(const char *from, const char *uri,
                                struct rd_store_backup_report *out,
                                struct rd_error *err);

/* ---- writing ------------------------------------------------------------ */

typedef enum rd_status (*rd_store_write_fn)(struct rd_tx *tx, void *ctx,
                                            struct rd_error *err);

/* Runs fn(tx, ctx, err) inside a write transaction and returns when it is
 * committed durably (fsync'd; survives power loss). If fn fails, everything it
 * wrote is rolled back and its status returned. Concurrent callers are
 * committed together (one transaction, one fsync), each fn isolated in its
 * own savepoint, so one caller's failure never undoes another's work. fn may
 * run on another thread while the caller waits: it must touch only ctx and tx. */
enum rd_status rd_store_write(struct rd_store *st, rd_store_write_fn fn,
                              void *ctx, struct rd_error *err);

/* ---- inside a write transaction ----------------------------------------- */

/* Allocates the next complaint number for a prefix such as "TS20261120":
 * returns "TS20261120-000001", then -000002, ... never reused. A number
 * taken by a write that then fails may be skipped (PostgreSQL takes numbers
 * outside the write's transaction, so that concurrent registrations do not
 * queue behind each other's COMMIT); SQLite gives it back. */
enum rd_status rd_tx_next_number(struct rd_tx *tx, const char *day_prefix,
                                 struct rd_arena *a, const char **number,
                                 struct rd_error *err);

/* Finds the customer by phone (when cu->phone is set) and refreshes its name,
 * email and refs from cu when given; otherwise creates one. Sets cu->id. */
enum rd_status rd_tx_customer_upsert(struct rd_tx *tx, struct rd_customer *cu,
                                     int64_t now, struct rd_error *err);

/* Inserts c (number, customer.id already set); sets c->id, c->version = 1,
 * c->updated_at = c->registered_at. Indexes its text for search. */
enum rd_status rd_tx_complaint_insert(struct rd_tx *tx, struct rd_complaint *c,
                                      struct rd_error *err);

/* Reads complaint id (with its customer) inside the transaction.
 * RD_E_NOT_FOUND when absent. */
enum rd_status rd_tx_complaint_get(struct rd_tx *tx, int64_t id,
                                   struct rd_arena *a, struct rd_complaint *out,
                                   struct rd_error *err);

/* Same by number ("TS20261120-000001"). */
enum rd_status rd_tx_complaint_get_by_number(struct rd_tx *tx, const char *number,
                                             struct rd_arena *a,
                                             struct rd_complaint *out,
                                             struct rd_error *err);

/* Writes every mutable field of c if the stored version equals c->version,
 * then sets c->version += 1 and c->updated_at = now. RD_E_CONFLICT when the
 * stored version differs. Re-indexes the text for search. */
enum rd_status rd_tx_complaint_update(struct rd_tx *tx, struct rd_complaint *c,
                                      int64_t now, struct rd_error *err);

/* Appends ev to the timeline; sets ev->id. */
enum rd_status rd_tx_event_append(struct rd_tx *tx, struct rd_event *ev,
                                  struct rd_error *err);

/* An idempotency record: a create already done under (user, key). */
struct rd_idempotency {
  int64_t complaint_id;
  char body_sha256[65];
  int64_t created_at;
};

/* Looks up (user_id, key); *found says whether there is one. */
enum rd_status rd_tx_idempotency_get(struct rd_tx *tx, int64_t user_id,
                                     const char *key, struct rd_idempotency *out,
                                     bool *found, struct rd_error *err);

enum rd_status rd_tx_idempotency_put(struct rd_tx *tx, int64_t user_id,
                                     const char *key,
                                     const struct rd_idempotency *rec,
                                     struct rd_error *err);

/* Stores the content under its SHA-256 (no-op when already there) and the
 * attachment row; sets att->id. */
enum rd_status rd_tx_attachment_add(struct rd_tx *tx, struct rd_attachment *att,
                                    const void *data, size_t len,
                                    struct rd_error *err);

/* Organisation writes. Insert sets ->id; update writes every field of the
 * record with that id (RD_E_NOT_FOUND when absent). A unique code, username
 * or name among siblings already taken gives RD_E_DUPLICATE naming the field. */
enum rd_status rd_tx_department_save(struct rd_tx *tx, struct rd_department *d,
                                     struct rd_error *err);
enum rd_status rd_tx_site_save(struct rd_tx *tx, struct rd_site *s,
                               struct rd_error *err);
enum rd_status rd_tx_category_save(struct rd_tx *tx, struct rd_category *c,
                                   struct rd_error *err);
enum rd_status rd_tx_user_save(struct rd_tx *tx, struct rd_user *u,
                               struct rd_error *err);
/* Sets one user's own language (users.locale: "zh-CN" or "en"), touching
 * nothing else of the record; RD_E_NOT_FOUND when no user has that id. */
enum rd_status rd_tx_user_set_locale(struct rd_tx *tx, int64_t user_id,
                                     const char *locale, struct rd_error *err);
/* Sets one user's password hash to new_hash, touching nothing else, if the
 * user is active and its hash is still old_hash (the one the caller checked
 * the current password against): RD_E_CONFLICT when not, so a password
 * change races neither an admin disabling the account nor another change. */
enum rd_status rd_tx_user_set_password(struct rd_tx *tx, int64_t user_id,
                                       const char *old_hash, const char *new_hash,
                                       struct rd_error *err);
/* Sets a complaint's due_at (its soonest running deadline; 0 = none) and
 * the sort key that follows from it, without a new version: the clocks
 * own it, not the user's edits. */
enum rd_status rd_tx_complaint_set_due(struct rd_tx *tx, int64_t id,
                                       int64_t due_at, struct rd_error *err);

/* The clock runs of a complaint, oldest first (arrays in a). */
enum rd_status rd_tx_clocks_of(struct rd_tx *tx, int64_t complaint_id,
                               struct rd_arena *a, struct rd_clock **out,
                               size_t *n, struct rd_error *err);
/* Inserts a run (sets c->id). */
enum rd_status rd_tx_clock_insert(struct rd_tx *tx, struct rd_clock *c,
                                  struct rd_error *err);
/* Writes what may change of a run (by id): state, stopped_at,
 * department_id, due_at, warn_at, paused_at, opens_at, policy_id and
 * calendar_id. */
enum rd_status rd_tx_clock_update(struct rd_tx *tx, const struct rd_clock *c,
                                  struct rd_error *err);

/* Inserts the escalation steps of a started run (sets their ids and
 * clock_id); for a resumed run, re-arms them at their new times (a step
 * that fired stays fired). */
enum rd_status rd_tx_clock_steps_add(struct rd_tx *tx, int64_t clock_id,
                                     struct rd_clock_step *steps, size_t n,
                                     struct rd_error *err);
/* Drops the pending steps of a run that stopped. */
enum rd_status rd_tx_clock_steps_drop(struct rd_tx *tx, int64_t clock_id,
                                      struct rd_error *err);
/* Marks a pending step fired; *claimed is false when it was fired or
 * dropped already (by another sweep), or another transaction holds it (a
 * sweep on another node: never waited for), and then nothing changes. */
enum rd_status rd_tx_clock_step_claim(struct rd_tx *tx, int64_t step_id,
                                      int64_t now, bool *claimed,
                                      struct rd_error *err);
/* Inserts a notification (sets n->id). */
enum rd_status rd_tx_notification_add(struct rd_tx *tx,
                                      struct rd_notification *n,
                                      struct rd_error *err);
/* Marks notification id of user_id read; RD_E_NOT_FOUND if it is not theirs. */
enum rd_status rd_tx_notification_read(struct rd_tx *tx, int64_t user_id,
                                       int64_t id, int64_t now,
                                       struct rd_error *err);

/* Records an extension request (sets x->id); RD_E_DUPLICATE when the run
 * already has one waiting. */
enum rd_status rd_tx_extension_add(struct rd_tx *tx, struct rd_clock_extension *x,
                                   struct rd_error *err);
/* Extension id of complaint complaint_id; RD_E_NOT_FOUND otherwise. */
enum rd_status rd_tx_extension_get(struct rd_tx *tx, int64_t complaint_id,
                                   int64_t id, struct rd_arena *a,
                                   struct rd_clock_extension *out,
                                   struct rd_error *err);
/* Writes the decision: state, decided_by, decided_at, note, due_after. */
enum rd_status rd_tx_extension_decide(struct rd_tx *tx,
                                      const struct rd_clock_extension *x,
                                      struct rd_error *err);

/* Saves a calendar (insert when c->id == 0, else replaces it whole: name,
 * zone, hours and dates) and sets c->id and c->version. The caller has
 * validated it (rd_calendar_validate). */
enum rd_status rd_tx_calendar_save(struct rd_tx *tx, struct rd_calendar *c,
                                   int64_t now, struct rd_error *err);
/* Saves p (insert when p->id == 0). match arrays and approval are stored as
 * given; clocks_json verbatim. */
enum rd_status rd_tx_policy_save(struct rd_tx *tx, struct rd_sla_policy *p,
                                 struct rd_error *err);

/* Reads inside the transaction, for checks that must see its own writes. */
enum rd_status rd_tx_category_get(struct rd_tx *tx, int64_t id,
                                  struct rd_arena *a, struct rd_category *out,
                                  struct rd_error *err);

/* Sessions and API tokens are stored by SHA-256 of the secret only. */
struct rd_session {
  char token_sha256[65];
  int64_t user_id;
  const char *csrf_token;
  int64_t created_at, expires_at;
  int64_t last_seen_at;   /* last use, refreshed at most once a minute */
};

struct rd_api_token {
  int64_t id;
  int64_t user_id;
  const char *name;
  char token_sha256[65];
  int64_t created_at;
  int64_t expires_at;     /* 0 = never */
  bool revoked;
};

enum rd_status rd_tx_session_put(struct rd_tx *tx, const struct rd_session *s,
                                 struct rd_error *err);
/* Deletes the session; RD_OK also when it did not exist. */
enum rd_status rd_tx_session_delete(struct rd_tx *tx, const char *token_sha256,
                                    struct rd_error *err);
/* Deletes sessions that expired before now. */
enum rd_status rd_tx_session_purge(struct rd_tx *tx, int64_t now,
                                   struct rd_error *err);
/* Sets the session's last_seen_at to now when it is earlier (a node with a
 * slower clock never moves it back); RD_OK also when there is no session. */
enum rd_status rd_tx_session_touch(struct rd_tx *tx, const char *token_sha256,
                                   int64_t now, struct rd_error *err);
/* Deletes every session of user_id but the one whose hash is keep_sha256
 * (NULL: keep none); RD_OK also when there were none. */
enum rd_status rd_tx_session_delete_user(struct rd_tx *tx, int64_t user_id,
                                         const char *keep_sha256,
                                         struct rd_error *err);
enum rd_status rd_tx_token_save(struct rd_tx *tx, struct rd_api_token *t,
                                struct rd_error *err);

/* A capability the public portal hands out for one complaint (0010_portal):
 * adding photos after submitting it, or answering its satisfaction survey.
 * Stored by SHA-256 of the secret only. */
enum rd_portal_purpose { RD_PORTAL_UPLOAD, RD_PORTAL_SURVEY };

struct rd_portal_token {
  int64_t id;
  int64_t complaint_id;
  enum rd_portal_purpose purpose;
  char token_sha256[65];
  int64_t created_at;
  int64_t created_by;     /* 0 = the customer, at submission */
  int64_t expires_at;
  int uses_left;          /* photos left; 1 for an unanswered survey */
  int64_t bound_at;       /* survey: the complaint's resolved_at it asks about */
  int64_t used_at;        /* 0 = never used */
  int64_t revoked_at;     /* 0 = live */
};

/* Revokes the complaint's live tokens of t->purpose (at t->created_at) and
 * inserts t; sets t->id. One live link per purpose and complaint. */
enum rd_status rd_tx_portal_token_issue(struct rd_tx *tx,
                                        struct rd_portal_token *t,
                                        struct rd_error *err);
/* By hash, inside the transaction; RD_E_NOT_FOUND when none. */
enum rd_status rd_tx_portal_token_get(struct rd_tx *tx, const char *token_sha256,
                                      struct rd_arena *a,
                                      struct rd_portal_token *out,
                                      struct rd_error *err);
/* Spends one use of token id at now; RD_E_CONFLICT when it has none left
 * or was revoked meanwhile (nothing changes then). */
enum rd_status rd_tx_portal_token_use(struct rd_tx *tx, int64_t id, int64_t now,
                                      struct rd_error *err);

/* Key/value settings (time zone, number prefix, ...). */
enum rd_status rd_tx_setting_put(struct rd_tx *tx, const char *key,
                                 const char *value, struct rd_error *err);

/* ---- retention (0014_retention / pg 0006_retention) -----------------------
 * docs/retention.md: closed complaints past the configured age lose their
 * personal data; what statistics read stays. */

/* Up to limit ids (ascending, all > after_id) of complaints that are closed
 * (closed, withdrawn or merged), were closed before closed_before and are
 * not anonymised yet. *ids NULL when none. */
enum rd_status rd_store_retention_due(struct rd_store *st, int64_t closed_before,
                                      int64_t after_id, int limit,
                                      struct rd_arena *a, int64_t **ids,
                                      size_t *n, struct rd_error *err);

/* Anonymises complaint id at now, if it is closed and not anonymised yet
 * (*done false and nothing changes otherwise, also for an unknown id):
 * clears its free texts (subject, content, demands, restatement, external
 * reference, invalid reason, transfer contact, plan description, waiting
 * and close reasons) and the customer name and phone copied for search,
 * takes it out of the search index (its number stays findable), sets
 * anonymised_at and a new version; takes note and data out of its timeline
 * events (except clock.* events, which hold no personal data) and marks
 * them redacted; empties its extension reasons and notes and its
 * attachments' file names; empties the bytes of each attachment blob no
 * complaint that is not anonymised still uses; and clears the customer's
 * name, phone, email and refs when no complaint that is not anonymised
 * refers to that customer any more. Category, department, site, channel,
 * severity, states, instants, clocks, satisfaction, plan kind and amount,
 * counts and ids stay. */
enum rd_status rd_tx_complaint_anonymise(struct rd_tx *tx, int64_t id,
                                         int64_t now, bool *done,
                                         struct rd_error *err);

/* Claims the run of the periodic job name due at now: true in *claimed
 * (and the next run is not due before next_at) when the job was never run
 * or its next_at <= now; else false and nothing changes. One conditional
 * statement: of concurrent claimers on any node, one gets it. */
enum rd_status rd_tx_job_claim(struct rd_tx *tx, const char *name, int64_t now,
                               int64_t next_at, bool *claimed,
                               struct rd_error *err);

/* ---- the audit log (0013_audit / pg 0004_audit, 0005_audit_chainer) -------
 * Append-only and hash-chained (docs/audit.md): seq 1, 2, 3 ... with no gaps,
 * each row's hash = SHA-256(prev_hash || its canonical bytes), the genesis
 * prev_hash 64 zeros. The database refuses UPDATE and DELETE and keeps the
 * chain's end (seq and hash) in a head row. On SQLite a row joins the chain
 * as it is inserted (the single writer orders appends anyway); on PostgreSQL
 * it is inserted unchained, without any shared lock, and
 * rd_store_audit_chain links committed rows into the chain later, one
 * chainer at a time across every node. */

enum { RD_AUDIT_HASH_HEX = 65 };    /* 64 hex digits and NUL */

struct rd_audit_entry {
  int64_t seq;                /* set by the chain; 0 while unchained */
  int64_t row_id;             /* PostgreSQL: the row's insertion id (unchained rows) */
  int64_t at;                 /* Unix seconds */
  const char *actor;          /* "user", "customer" (public portal), "system" */
  int64_t user_id;            /* 0 unless actor is "user" */
  const char *client_addr;    /* NULL when not over HTTP */
  const char *action;         /* "complaint.create", "complaint.read", ... */
  const char *object_kind;    /* "complaint", "user", ...; NULL: none */
  int64_t object_id;          /* 0: none */
  const char *detail_json;    /* a small JSON object; NULL is "{}" */
  char prev_hash[RD_AUDIT_HASH_HEX];
  char hash[RD_AUDIT_HASH_HEX];
};

/* The hash of e: SHA-256 over e->prev_hash and e's canonical bytes, in hex.
 * What rd_tx_audit_append stores and rd_store_audit_verify recomputes. */
void rd_audit_entry_hash(const struct rd_audit_entry *e,
                         char out[RD_AUDIT_HASH_HEX]);

/* Appends e in tx (detail_json NULL becomes "{}"). On SQLite it joins the
 * chain at once: e->seq, e->prev_hash and e->hash are set. On PostgreSQL it
 * is inserted unchained (e->seq stays 0) and takes no lock that other
 * writers wait for; rd_store_audit_chain links it once committed.
 * RD_E_INVALID when actor or action is missing. */
enum rd_status rd_tx_audit_append(struct rd_tx *tx, struct rd_audit_entry *e,
                                  struct rd_error *err);

/* rd_tx_audit_append for each of e[0..n), in that order; on PostgreSQL in
 * one statement (the read appender's batches: one round trip, not n). */
enum rd_status rd_tx_audit_append_batch(struct rd_tx *tx,
                                        struct rd_audit_entry *e, size_t n,
                                        struct rd_error *err);

/* ---- reading (any thread) ----------------------------------------------- */

enum rd_status rd_store_complaint_get(struct rd_store *st, int64_t id,
                                      struct rd_arena *a,
                                      struct rd_complaint *out,
                                      struct rd_error *err);
enum rd_status rd_store_complaint_get_by_number(struct rd_store *st,
                                                const char *number,
                                                struct rd_arena *a,
                                                struct rd_complaint *out,
                                                struct rd_error *err);

enum rd_sort { RD_SORT_RECEIVED_DESC, RD_SORT_RECEIVED_ASC, RD_SORT_DUE };

struct rd_complaint_filter {
  unsigned status_mask;       /* bit per rd_state; 0 = any */
  unsigned severity_mask;     /* bit n = severity n; 0 = any */
  unsigned channel_mask;      /* bit per rd_channel; 0 = any */
  int64_t department_id;      /* 0 = any */
  int64_t category_id;        /* 0 = any (exact id) */
  int64_t site_id;            /* 0 = any */
  int64_t assignee_id;        /* 0 = any */
  int64_t customer_id;        /* 0 = any */
  const char *customer_phone; /* exact, NULL = any */
  const char *q;              /* full-text query, NULL = none */
  int64_t received_from;      /* inclusive, 0 = open */
  int64_t received_to;        /* exclusive, 0 = open */
  bool overdue;               /* only open ones with due_at < now */
  int64_t now;
  int64_t scope_department_id;/* set by the service for departmental roles */
  enum rd_sort sort;
  int limit;                  /* 1-500 */
  const char *cursor;         /* from a previous page's next_cursor, or NULL */
};

struct rd_complaint_page {
  struct rd_complaint *items;
  size_t n;
  const char *next_cursor;    /* NULL on the last page */
};

/* One page of complaints matching f, with customers. RD_E_INVALID naming
 * "cursor" for a cursor this store did not issue, "q" for an unusable query. */
enum rd_status rd_store_complaint_list(struct rd_store *st,
                                       const struct rd_complaint_filter *f,
                                       struct rd_arena *a,
                                       struct rd_complaint_page *out,
                                       struct rd_error *err);

/* The timeline of a complaint, oldest first, with actor names. */
enum rd_status rd_store_event_list(struct rd_store *st, int64_t complaint_id,
                                   struct rd_arena *a, struct rd_event **out,
                                   size_t *n, struct rd_error *err);

enum rd_status rd_store_attachment_list(struct rd_store *st,
                                        int64_t complaint_id, struct rd_arena *a,
                                        struct rd_attachment **out, size_t *n,
                                        struct rd_error *err);
enum rd_status rd_store_attachment_get(struct rd_store *st, int64_t id,
                                       struct rd_arena *a,
                                       struct rd_attachment *out,
                                       struct rd_error *err);
/* The content of a blob, in the arena. */
enum rd_status rd_store_blob_get(struct rd_store *st, const char *sha256,
                                 struct rd_arena *a, const void **data,
                                 size_t *len, struct rd_error *err);

enum rd_status rd_store_customer_get(struct rd_store *st, int64_t id,
                                     struct rd_arena *a, struct rd_customer *out,
                                     struct rd_error *err);
/* The customer with this exact phone; RD_E_NOT_FOUND when none. */
enum rd_status rd_store_customer_by_phone(struct rd_store *st, const char *phone,
                                          struct rd_arena *a,
                                          struct rd_customer *out,
                                          struct rd_error *err);

/* Organisation reads. Lists are ordered by id. */
enum rd_status rd_store_department_get(struct rd_store *st, int64_t id,
                                       struct rd_arena *a,
                                       struct rd_department *out,
                                       struct rd_error *err);
enum rd_status rd_store_department_by_code(struct rd_store *st, const char *code,
                                           struct rd_arena *a,
                                           struct rd_department *out,
                                           struct rd_error *err);
enum rd_status rd_store_department_list(struct rd_store *st, struct rd_arena *a,
                                        struct rd_department **out, size_t *n,
                                        struct rd_error *err);
enum rd_status rd_store_site_get(struct rd_store *st, int64_t id,
                                 struct rd_arena *a, struct rd_site *out,
                                 struct rd_error *err);
enum rd_status rd_store_site_list(struct rd_store *st, struct rd_arena *a,
                                  struct rd_site **out, size_t *n,
                                  struct rd_error *err);
enum rd_status rd_store_category_get(struct rd_store *st, int64_t id,
                                     struct rd_arena *a, struct rd_category *out,
                                     struct rd_error *err);
enum rd_status rd_store_category_list(struct rd_store *st, struct rd_arena *a,
                                      struct rd_category **out, size_t *n,
                                      struct rd_error *err);
enum rd_status rd_store_user_get(struct rd_store *st, int64_t id,
                                 struct rd_arena *a, struct rd_user *out,
                                 struct rd_error *err);
enum rd_status rd_store_user_by_name(struct rd_store *st, const char *username,
                                     struct rd_arena *a, struct rd_user *out,
                                     struct rd_error *err);
enum rd_status rd_store_user_list(struct rd_store *st, struct rd_arena *a,
                                  struct rd_user **out, size_t *n,
                                  struct rd_error *err);
enum rd_status rd_store_policy_get(struct rd_store *st, int64_t id,
                                   struct rd_arena *a,
                                   struct rd_sla_policy *out,
                                   struct rd_error *err);
/* A complaint's extension requests, oldest first. */
enum rd_status rd_store_extensions_of(struct rd_store *st, int64_t complaint_id,
                                      struct rd_arena *a,
                                      struct rd_clock_extension **out,
                                      size_t *n, struct rd_error *err);

/* A pending escalation step that is due, with its run. */
struct rd_due_step {
  struct rd_clock_step step;
  struct rd_clock run;
};

/* Pending steps with fire_at <= now, soonest first, at most limit; on
 * PostgreSQL without those another transaction holds (another node is
 * firing them). */
enum rd_status rd_store_steps_due(struct rd_store *st, int64_t now, int limit,
                                  struct rd_arena *a, struct rd_due_step **out,
                                  size_t *n, struct rd_error *err);

/* A user's notifications, newest first: with ids below before_id (0 = from
 * the newest), only unread ones when unread_only, at most limit. */
enum rd_status rd_store_notifications_of(struct rd_store *st, int64_t user_id,
                                         bool unread_only, int64_t before_id,
                                         int limit, struct rd_arena *a,
                                         struct rd_notification **out,
                                         size_t *n, struct rd_error *err);

/* The clock runs of the n complaints ids, by complaint then name and run. */
enum rd_status rd_store_clocks_of(struct rd_store *st, const int64_t *ids,
                                  size_t n, struct rd_arena *a,
                                  struct rd_clock **out, size_t *n_out,
                                  struct rd_error *err);

/* A calendar with its hours and dates (arrays in a); RD_E_NOT_FOUND. */
enum rd_status rd_store_calendar_get(struct rd_store *st, int64_t id,
                                     struct rd_arena *a, struct rd_calendar *out,
                                     struct rd_error *err);
/* Every calendar, by id. */
enum rd_status rd_store_calendar_list(struct rd_store *st, struct rd_arena *a,
                                      struct rd_calendar **out, size_t *n,
                                      struct rd_error *err);
/* Ordered by priority, then id. */
enum rd_status rd_store_policy_list(struct rd_store *st, struct rd_arena *a,
                                    struct rd_sla_policy **out, size_t *n,
                                    struct rd_error *err);

/* RD_E_NOT_FOUND when no such (unexpired or not) session. */
enum rd_status rd_store_session_get(struct rd_store *st,
                                    const char *token_sha256, struct rd_arena *a,
                                    struct rd_session *out,
                                    struct rd_error *err);
enum rd_status rd_store_token_get(struct rd_store *st, const char *token_sha256,
                                  struct rd_arena *a, struct rd_api_token *out,
                                  struct rd_error *err);
/* RD_E_NOT_FOUND when no token has this id (revoked ones are found). */
enum rd_status rd_store_token_by_id(struct rd_store *st, int64_t id,
                                    struct rd_arena *a, struct rd_api_token *out,
                                    struct rd_error *err);
enum rd_status rd_store_token_list(struct rd_store *st, int64_t user_id,
                                   struct rd_arena *a, struct rd_api_token **out,
                                   size_t *n, struct rd_error *err);

/* ---- rate limits (0012_limits / pg 0003_limits) ---------------------------
 * Hits per key in a fixed window, shared by every process on the database,
 * so the limits hold across server nodes. Keys are short texts chosen by the
 * caller ("ip:203.0.113.5"), cut to RD_LIMIT_KEY_MAX - 1 bytes. A window
 * starts at a key's first hit and lasts window_s; the first hit after it
 * starts a new one. Writes are durable like any other (rd_store_write). */

enum { RD_LIMIT_KEY_MAX = 96 };

/* Whether key has fewer than max hits in its current window, and if so
 * counts one, atomically (one statement; concurrent callers on any node
 * never let more than max through). *allowed false: nothing counted and
 * *retry_after_s (>= 1) says when the window ends; true: *retry_after_s 0. */
enum rd_status rd_store_limit_take(struct rd_store *st, const char *key,
                                   int max, int window_s, int64_t now,
                                   bool *allowed, int *retry_after_s,
                                   struct rd_error *err);

/* Counts one hit on key, however many it has (limits on failures: the
 * caller checks before and counts after). */
enum rd_status rd_store_limit_count(struct rd_store *st, const char *key,
                                    int window_s, int64_t now,
                                    struct rd_error *err);

/* rd_store_limit_take's answer without counting: a read. */
enum rd_status rd_store_limit_check(struct rd_store *st, const char *key,
                                    int max, int64_t now, bool *allowed,
                                    int *retry_after_s, struct rd_error *err);

/* Forgets key's hits. */
enum rd_status rd_store_limit_clear(struct rd_store *st, const char *key,
                                    struct rd_error *err);

/* Deletes every window that has ended by now (they mean nothing any more):
 * keeps the table as small as the keys active in the last window.
 * *removed (may be NULL) gets how many. */
enum rd_status rd_store_limit_sweep(struct rd_store *st, int64_t now,
                                    int64_t *removed, struct rd_error *err);

/* A portal token by the hash of its secret; RD_E_NOT_FOUND when none. */
enum rd_status rd_store_portal_token_get(struct rd_store *st,
                                         const char *token_sha256,
                                         struct rd_arena *a,
                                         struct rd_portal_token *out,
                                         struct rd_error *err);

/* The value of a setting, or NULL in *value when unset. */
enum rd_status rd_store_setting_get(struct rd_store *st, const char *key,
                                    struct rd_arena *a, const char **value,
                                    struct rd_error *err);

/* ---- reading the audit log ------------------------------------------------- */

struct rd_audit_filter {
  int64_t user_id;            /* 0 = any */
  const char *object_kind;    /* NULL = any */
  int64_t object_id;          /* 0 = any (with object_kind) */
  const char *action;         /* exact, or a prefix ending in '.' ("complaint."); NULL = any */
  int64_t from, to;           /* at in [from, to); 0 = open */
  int limit;                  /* 1-500 */
  const char *cursor;         /* from a previous page's next_cursor, or NULL */
};

struct rd_audit_page {
  struct rd_audit_entry *items;   /* newest first */
  size_t n;
  const char *next_cursor;        /* NULL on the last page */
};

/* One page of the chained rows matching f, newest first (rows still
 * waiting for the chain are not listed). RD_E_INVALID naming
 * "cursor" for a cursor this store did not issue. */
enum rd_status rd_store_audit_list(struct rd_store *st,
                                   const struct rd_audit_filter *f,
                                   struct rd_arena *a, struct rd_audit_page *out,
                                   struct rd_error *err);

/* Links the committed rows that wait for the chain (PostgreSQL; nothing to
 * do on SQLite), in their insertion order, in short transactions of up to
 * 500 rows, until none wait. One chainer runs at a time across every node:
 * with wait false, when another holds the chain's head this returns at once
 * (it links them); with wait true it waits for it and goes on. *linked (may
 * be NULL) how many rows this call linked. */
enum rd_status rd_store_audit_chain(struct rd_store *st, bool wait,
                                    int64_t *linked, struct rd_error *err);

/* What rd_store_audit_verify found. */
struct rd_audit_report {
  int64_t verified;           /* rows checked and found sound */
  int64_t pending;            /* rows not yet chained (PostgreSQL), not verified */
  int64_t head_seq;           /* the head row's seq */
  char head_hash[RD_AUDIT_HASH_HEX];
  int64_t bad_seq;            /* 0 when the chain holds; else the first bad seq */
  const char *problem;        /* why bad_seq is bad (static text), NULL when sound */
};

/* Walks the whole chain in seq order, recomputing every hash, and compares
 * its end with the head row. RD_OK whether or not the chain holds (see
 * out->bad_seq): an edited row shows as a hash mismatch at its seq, a
 * deleted one as a gap or a prev_hash mismatch, a cut tail as a head that
 * the last row does not match. Store failures are returned as such. */
enum rd_status rd_store_audit_verify(struct rd_store *st,
                                     struct rd_audit_report *out,
                                     struct rd_error *err);

/* ---- reports ------------------------------------------------------------ */

enum rd_group_by {
  RD_GROUP_CATEGORY, RD_GROUP_DEPARTMENT, RD_GROUP_SITE,
  RD_GROUP_CHANNEL, RD_GROUP_SEVERITY, RD_GROUP_MONTH,
  RD_GROUP_STATUS               /* key: the current state's name */
};

struct rd_report_query {
  int64_t from, to;           /* received_at in [from, to); 0 = open */
  enum rd_group_by group_by;
  int tz_offset_s;            /* for month grouping: local = utc + offset */
  int64_t scope_department_id;/* 0 = all */
};

/* How one clock fared in a group: runs stopped in time and late. */
struct rd_report_clock {
  const char *name;
  int64_t met, breached;
};

struct rd_report_row {
  const char *key;            /* id, code or "2026-11"; "" for none */
  const char *label;          /* department/site/category name, or the key */
  int64_t total, open, closed;     /* closed = closed + withdrawn + merged */
  int64_t resolved;                /* ever reached resolved */
  int64_t followed_up, satisfied;  /* follow-ups that reached the customer */
  int64_t reopened;                /* complaints with reopen_count > 0 */
  double handling_median_s;        /* received -> resolved; 0 when none */
  double handling_p90_s;
  size_t n_clocks;                 /* by name */
  struct rd_report_clock *clocks;  /* by department: where each run was due */
};

/* One row per group value, ordered by key; plus a row with key "total" last. */
enum rd_status rd_store_report_summary(struct rd_store *st,
                                       const struct rd_report_query *q,
                                       struct rd_arena *a,
                                       struct rd_report_row **out, size_t *n,
                                       struct rd_error *err);

/* Count of complaints in each state, for /metrics. */
enum rd_status rd_store_count_by_status(struct rd_store *st,
                                        int64_t counts[RD_STATE_COUNT],
                                        struct rd_error *err);

/* Bytes the store's page caches hold in this process, by holder (e.g. the
 * SQLite writer, its read pool, its search indexer), as last seen by the
 * threads using them: each connection notes its own when it comes to rest.
 * For /metrics: it tells a cache filling to its bound from a leak. */
struct rd_store_cache {
  const char *holder;
  int64_t bytes;
};

/* Fills up to max entries of out; returns how many it filled, 0 when the
 * backend keeps its caches elsewhere (PostgreSQL's are the server's). */
size_t rd_store_caches(struct rd_store *st, struct rd_store_cache *out, size_t max);

#endif
