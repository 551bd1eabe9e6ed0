/* store/sqlite/sqlite_int.h - private to the SQLite backend.
 *
 * One writer connection (owned by the writer thread, group commit) and a pool
 * of read connections. Every SQL text is a named statement (enum rd_sqlite_stmt,
 * texts in statements.c) prepared once per connection on first use and kept.
 * Strings read from rows are copied into the caller's arena.
 */
#ifndef RD_STORE_SQLITE_SQLITE_INT_H
#define RD_STORE_SQLITE_SQLITE_INT_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/complaint_cols.h"
#include "store/store_int.h"

struct rd_arena;

/* One embedded migration (build/gen/sqlite_migrations.c, by scripts/embed.sh). */
struct rd_sqlite_migration {
  int number;
  const char *name;
  const char *sql;
};
extern const struct rd_sqlite_migration rd_sqlite_migrations[];
extern const size_t rd_sqlite_migrations_count;

/* The named statements; texts in statements.c. */
#define RD_SQLITE_STMT_TABLE(X)                                         \
  X(SQ_BEGIN_IMMEDIATE) X(SQ_COMMIT) X(SQ_ROLLBACK)                     \
  X(SQ_SAVEPOINT) X(SQ_RELEASE) X(SQ_ROLLBACK_TO)                       \
  X(SQ_BEGIN_READ)                                                      \
  X(SQ_PING) X(SQ_SCHEMA_VERSION) X(SQ_MIGRATION_RECORD)                \
  X(SQ_NUMBER_NEXT)                                                     \
  X(SQ_CUSTOMER_BY_PHONE) X(SQ_CUSTOMER_GET) X(SQ_CUSTOMER_INSERT)      \
  X(SQ_CUSTOMER_REFRESH)                                                \
  X(SQ_COMPLAINT_INSERT) X(SQ_COMPLAINT_UPDATE) X(SQ_COMPLAINT_VERSION) \
  X(SQ_COMPLAINT_GET) X(SQ_COMPLAINT_GET_BY_NUMBER)                     \
  X(SQ_EVENT_INSERT) X(SQ_EVENT_LIST)                                   \
  X(SQ_IDEM_GET) X(SQ_IDEM_PUT)                                         \
  X(SQ_BLOB_PUT) X(SQ_BLOB_GET) X(SQ_ATTACHMENT_INSERT)                 \
  X(SQ_ATTACHMENT_GET) X(SQ_ATTACHMENT_LIST)                            \
  X(SQ_DEPARTMENT_INSERT) X(SQ_DEPARTMENT_UPDATE) X(SQ_DEPARTMENT_GET)  \
  X(SQ_DEPARTMENT_BY_CODE) X(SQ_DEPARTMENT_LIST)                        \
  X(SQ_SITE_INSERT) X(SQ_SITE_UPDATE) X(SQ_SITE_GET) X(SQ_SITE_LIST)    \
  X(SQ_CATEGORY_INSERT) X(SQ_CATEGORY_UPDATE) X(SQ_CATEGORY_GET)        \
  X(SQ_CATEGORY_LIST)                                                   \
  X(SQ_USER_INSERT) X(SQ_USER_UPDATE) X(SQ_USER_GET) X(SQ_USER_BY_NAME) \
  X(SQ_USER_LIST) X(SQ_USER_SET_LOCALE) X(SQ_USER_SET_PASSWORD)        \
  X(SQ_POLICY_INSERT) X(SQ_POLICY_UPDATE) X(SQ_POLICY_GET)              \
  X(SQ_POLICY_LIST)                                                     \
  X(SQ_CALENDAR_INSERT) X(SQ_CALENDAR_UPDATE) X(SQ_CALENDAR_GET)        \
  X(SQ_CALENDAR_LIST) X(SQ_CALENDAR_HOURS_CLEAR) X(SQ_CALENDAR_HOURS_ADD)\
  X(SQ_CALENDAR_HOURS_GET) X(SQ_CALENDAR_DATES_CLEAR)                   \
  X(SQ_CALENDAR_DATES_ADD) X(SQ_CALENDAR_DATES_GET)                     \
  X(SQ_CLOCKS_OF) X(SQ_CLOCKS_OF_MANY) X(SQ_CLOCK_INSERT)               \
  X(SQ_COMPLAINT_SET_DUE)                                               \
  X(SQ_CLOCK_UPDATE) X(SQ_STEP_ADD) X(SQ_STEPS_DROP) X(SQ_STEP_CLAIM)   \
  X(SQ_STEPS_DUE) X(SQ_NOTIFICATION_ADD) X(SQ_NOTIFICATION_READ)        \
  X(SQ_NOTIFICATIONS_OF) X(SQ_EXTENSION_ADD) X(SQ_EXTENSION_GET)        \
  X(SQ_EXTENSION_DECIDE) X(SQ_EXTENSIONS_OF)                            \
  X(SQ_SESSION_PUT) X(SQ_SESSION_GET) X(SQ_SESSION_DELETE)              \
  X(SQ_SESSION_PURGE) X(SQ_SESSION_TOUCH) X(SQ_SESSION_DELETE_USER)    \
  X(SQ_TOKEN_INSERT) X(SQ_TOKEN_UPDATE) X(SQ_TOKEN_GET) X(SQ_TOKEN_LIST)\
  X(SQ_TOKEN_BY_ID)                                                     \
  X(SQ_SETTING_PUT) X(SQ_SETTING_GET)                                   \
  X(SQ_RETENTION_DUE) X(SQ_ANON_COMPLAINT) X(SQ_ANON_EVENTS)           \
  X(SQ_ANON_EXTENSIONS) X(SQ_ANON_ATTACHMENTS) X(SQ_ANON_BLOBS)         \
  X(SQ_ANON_CUSTOMER) X(SQ_JOB_CLAIM)                                   \
  X(SQ_COUNT_BY_STATUS) X(SQ_FTS_COUNT) X(SQ_OVERDUE_COUNT)              \
  X(SQ_REPORT_CATEGORY) X(SQ_REPORT_DEPARTMENT) X(SQ_REPORT_SITE)       \
  X(SQ_REPORT_CHANNEL) X(SQ_REPORT_SEVERITY) X(SQ_REPORT_MONTH)         \
  X(SQ_DURATIONS_CATEGORY) X(SQ_DURATIONS_DEPARTMENT)                   \
  X(SQ_DURATIONS_SITE) X(SQ_DURATIONS_CHANNEL)                          \
  X(SQ_DURATIONS_SEVERITY) X(SQ_DURATIONS_MONTH)                        \
  X(SQ_CLOCKS_CATEGORY) X(SQ_CLOCKS_DEPARTMENT) X(SQ_CLOCKS_SITE)       \
  X(SQ_CLOCKS_CHANNEL) X(SQ_CLOCKS_SEVERITY) X(SQ_CLOCKS_MONTH)        \
  X(SQ_REPORT_STATUS) X(SQ_DURATIONS_STATUS) X(SQ_CLOCKS_STATUS)        \
  X(SQ_PORTAL_TOKEN_REVOKE) X(SQ_PORTAL_TOKEN_INSERT)                   \
  X(SQ_PORTAL_TOKEN_GET) X(SQ_PORTAL_TOKEN_USE)                         \
  X(SQ_LIMIT_TAKE) X(SQ_LIMIT_GET) X(SQ_LIMIT_CLEAR) X(SQ_LIMIT_SWEEP)   \
  X(SQ_AUDIT_HEAD) X(SQ_AUDIT_INSERT) X(SQ_AUDIT_INSERT_BATCH) X(SQ_AUDIT_PAGE) X(SQ_AUDIT_RANGE)

enum rd_sqlite_stmt {
#define RD_X(name) name,
  RD_SQLITE_STMT_TABLE(RD_X)
#undef RD_X
  SQ_STMT_COUNT
};

extern const char *const rd_sqlite_sql[SQ_STMT_COUNT];

/* The columns of struct rd_complaint (store/complaint_cols.h). */
#define RD_SQLITE_COMPLAINT_FIXED RD_COMPLAINT_COLS_FIXED
#define RD_SQLITE_COMPLAINT_MUTABLE RD_COMPLAINT_COLS_MUTABLE

/* The SELECT list of a complaint row joined with its customer (alias c, cu),
 * in the order rd_sqlite_complaint_read() expects. */
extern const char rd_sqlite_complaint_cols[];

/* Prepared statements for list queries, whose WHERE depends on the filter:
 * cached per connection by SQL text. */
enum { RD_SQLITE_LIST_CACHE = 32 };

struct rd_sqlite_conn {
  sqlite3 *db;
  sqlite3_stmt *stmt[SQ_STMT_COUNT];
  struct {
    uint64_t hash;
    char *sql;
    sqlite3_stmt *st;
  } lists[RD_SQLITE_LIST_CACHE];
  unsigned list_evict;              /* round-robin victim when full */
  struct rd_sqlite_conn *next_idle; /* read pool link */
  int64_t cache_noted;              /* its part of rd_sqlite.cache_bytes */
};

struct rd_sqlite_job;
struct rd_sqlite_search;

/* Who holds a page cache: the writer's connection, the read pool's, the
 * search indexer's (its index and the store attached to it). */
enum rd_sqlite_cache_holder {
  RD_SQLITE_CACHE_WRITER,
  RD_SQLITE_CACHE_READERS,
  RD_SQLITE_CACHE_INDEXER,
  RD_SQLITE_CACHE_HOLDERS
};

struct rd_sqlite {
  char *path;

  /* The full-text index, in its own database and thread (search.c). */
  struct rd_sqlite_search *search;

  /* The writer: one connection, used by the writer thread for batches and by
   * rd_store_migrate; wlock serialises the two. */
  struct rd_sqlite_conn *writer;
  pthread_mutex_t wlock;
  pthread_t thread;
  bool thread_started;

  /* The write queue (group commit). */
  pthread_mutex_t qlock;
  pthread_cond_t qcond;     /* the writer waits for work */
  struct rd_sqlite_job *head, *tail;
  bool closing;

  /* The read pool. */
  pthread_mutex_t plock;
  pthread_cond_t pcond;
  struct rd_sqlite_conn *idle;
  int readers_open, readers_max;

  /* What the connections' page caches hold, in bytes (atomic), by holder:
   * the sum of each connection's last note (rd_sqlite_note_cache). */
  int64_t cache_bytes[RD_SQLITE_CACHE_HOLDERS];
};

/* The writer connection a transaction runs on. */
static inline struct rd_sqlite_conn *
rd_sqlite_tx_conn(struct rd_tx *tx)
{
  return tx->impl;
}

/* ---- connections (conn.c) ------------------------------------------------ */

/* Opens a connection to path with the backend's PRAGMAs and tokenizer.
 * RD_E_UNAVAILABLE when the file cannot be opened. */
enum rd_status rd_sqlite_conn_open(const char *path, bool writer,
                                   struct rd_sqlite_conn **out,
                                   struct rd_error *err);
void rd_sqlite_conn_close(struct rd_sqlite_conn *c);

/* Notes what db's page caches (its own and its attached databases') hold:
 * moves s->cache_bytes[holder] by the change since *noted and stores it
 * there. Only
 * the thread using db may call it, at rest between statements: connections
 * are NOMUTEX, so no other thread may ask them. Connections live as long
 * as the store, so no note is ever taken back. */
void rd_sqlite_note_cache(struct rd_sqlite *s, enum rd_sqlite_cache_holder holder,
                          sqlite3 *db, int64_t *noted);

/* The notes by holder, for rd_store_caches. */
size_t rd_sqlite_caches(struct rd_store *st, struct rd_store_cache *out, size_t max);

/* The prepared statement id on c, reset and unbound, ready to bind.
 * NULL (err filled) when it cannot be prepared (e.g. no schema yet). */
sqlite3_stmt *rd_sqlite_stmt(struct rd_sqlite_conn *c, enum rd_sqlite_stmt id,
                             struct rd_error *err);

/* The cached statement for sql (prepared on first use), reset and unbound. */
sqlite3_stmt *rd_sqlite_stmt_text(struct rd_sqlite_conn *c, const char *sql,
                                  struct rd_error *err);

/* s = the prepared statement id on c, or return the failure from the
 * calling function. */
#define STMT_OR_FAIL(s, c, id, err)                                       \
  do {                                                                    \
    (s) = rd_sqlite_stmt((c), (id), (err));                               \
    if ((s) == NULL)                                                      \
      return (err) ? (err)->code : RD_E_INTERNAL;                         \
  } while (0)

/* Resets st after use (keeps it prepared); accepts NULL. */
void rd_sqlite_done(sqlite3_stmt *st);

/* Turns an SQLite result code into a status: UNIQUE -> RD_E_DUPLICATE naming
 * the column, other constraints -> RD_E_INVALID, BUSY/IO/FULL ->
 * RD_E_UNAVAILABLE, anything else RD_E_INTERNAL. `what` names the operation. */
enum rd_status rd_sqlite_fail(sqlite3 *db, int rc, const char *what,
                              struct rd_error *err);

/* Runs a statement that returns no rows; RD_OK on SQLITE_DONE. */
enum rd_status rd_sqlite_exec(struct rd_sqlite_conn *c, enum rd_sqlite_stmt id,
                              struct rd_error *err);

/* Steps a bound statement that returns no rows and resets it; RD_OK on
 * SQLITE_DONE, else the mapped failure (`what` names the operation). */
enum rd_status rd_sqlite_step_done(struct rd_sqlite_conn *c, sqlite3_stmt *s,
                                   const char *what, struct rd_error *err);

/* Bind helpers: NULL text and zero ids / instants become SQL NULL. */
int rd_sqlite_bind_text(sqlite3_stmt *st, int i, const char *s);
int rd_sqlite_bind_id(sqlite3_stmt *st, int i, int64_t v);

/* Column text copied into a (NULL for SQL NULL). */
const char *rd_sqlite_col_text(sqlite3_stmt *st, int i, struct rd_arena *a);

/* Read pool: a connection for this thread's exclusive use until release. */
enum rd_status rd_sqlite_reader_acquire(struct rd_store *st,
                                        struct rd_sqlite_conn **out,
                                        struct rd_error *err);
void rd_sqlite_reader_release(struct rd_store *st, struct rd_sqlite_conn *c);

/* Generic reads. fn copies the current row into *out (zeroed for lists).
 * _one: RD_E_NOT_FOUND ("no such <what>") without a row; the key is key_t
 * when not NULL, else key_i. _all: every row, into an arena array; key_i is
 * bound as ?1 unless RD_SQLITE_NO_KEY. read_ variants take a pooled reader. */
typedef void (*rd_sqlite_row_fn)(sqlite3_stmt *s, struct rd_arena *a, void *out);
#define RD_SQLITE_NO_KEY INT64_MIN
enum rd_status rd_sqlite_one(struct rd_sqlite_conn *c, enum rd_sqlite_stmt id,
                             int64_t key_i, const char *key_t,
                             rd_sqlite_row_fn fn, struct rd_arena *a,
                             void *out, const char *what, struct rd_error *err);
enum rd_status rd_sqlite_all(struct rd_sqlite_conn *c, enum rd_sqlite_stmt id,
                             int64_t key_i, rd_sqlite_row_fn fn, size_t size,
                             struct rd_arena *a, void **out, size_t *n,
                             struct rd_error *err);
enum rd_status rd_sqlite_read_one(struct rd_store *st, enum rd_sqlite_stmt id,
                                  int64_t key_i, const char *key_t,
                                  rd_sqlite_row_fn fn, struct rd_arena *a,
                                  void *out, const char *what,
                                  struct rd_error *err);
enum rd_status rd_sqlite_read_all(struct rd_store *st, enum rd_sqlite_stmt id,
                                  int64_t key_i, rd_sqlite_row_fn fn,
                                  size_t size, struct rd_arena *a, void **out,
                                  size_t *n, struct rd_error *err);

/* Every row of statement id on a pooled reader, with ints bound as ?1..?n
 * and then text (when not NULL), into an arena array of size-byte rows
 * (each zeroed, then filled by fn). */
enum rd_status rd_sqlite_read_rows(struct rd_store *st, enum rd_sqlite_stmt id,
                                   const int64_t *ints, size_t n_ints,
                                   const char *text, rd_sqlite_row_fn fn,
                                   size_t size, struct rd_arena *a, void **out,
                                   size_t *n, struct rd_error *err);

/* sort=due key of c: its due_at while open and set, else INT64_MAX. */
int64_t rd_sqlite_due_key(const struct rd_complaint *c);

/* ---- the tokenizer (tokenizer.c) ------------------------------------------ */

/* Registers the "redress" FTS5 tokenizer on db. */
int rd_sqlite_tokenizer_register(sqlite3 *db);

/* Tokenizes text as a query would and returns how many tokens it gives. */
int rd_sqlite_tokenizer_count(const char *text, int len);

/* ---- the search index (search.c) ----------------------------------------- */

/* Opens (or builds) <path>-search and starts its indexer thread. */
enum rd_status rd_sqlite_search_open(struct rd_sqlite *s, struct rd_error *err);
/* Stops the indexer and closes the search database; accepts none open. */
void rd_sqlite_search_close(struct rd_sqlite *s);
/* Lets the indexer run once the store's schema has complaints.search_seq;
 * w is the writer connection, after opening and after migrating. */
void rd_sqlite_search_schema_check(struct rd_sqlite *s, struct rd_sqlite_conn *w);
/* Tells the indexer that a transaction committed. */
void rd_sqlite_search_kick(struct rd_sqlite *s);
/* Attaches the search database to a reader connection as "search". */
enum rd_status rd_sqlite_search_attach(struct rd_sqlite *s,
                                       struct rd_sqlite_conn *c,
                                       struct rd_error *err);
/* Waits until the index holds every change c can see committed;
 * RD_E_UNAVAILABLE if it does not within a few seconds. */
enum rd_status rd_sqlite_search_wait(struct rd_sqlite *s,
                                     struct rd_sqlite_conn *c,
                                     struct rd_error *err);

/* ---- backend entries (one file per area) ---------------------------------- */

/* audit.c */
enum rd_status rd_sqlite_tx_audit_head(struct rd_tx *tx, bool wait, bool *got, int64_t *seq,
                                       char hash[RD_AUDIT_HASH_HEX],
                                       struct rd_error *err);
enum rd_status rd_sqlite_tx_audit_insert(struct rd_tx *tx,
                                         const struct rd_audit_entry *e,
                                         struct rd_error *err);
enum rd_status rd_sqlite_tx_audit_insert_batch(struct rd_tx *tx,
                                               const struct rd_audit_entry *e,
                                               size_t n, struct rd_error *err);
enum rd_status rd_sqlite_audit_page(struct rd_store *st,
                                    const struct rd_audit_filter *f,
                                    int64_t before_seq, int limit,
                                    struct rd_arena *a,
                                    struct rd_audit_entry **out, size_t *n,
                                    struct rd_error *err);
enum rd_status rd_sqlite_audit_range(struct rd_store *st, int64_t after_seq,
                                     int limit, struct rd_arena *a,
                                     struct rd_audit_entry **out, size_t *n,
                                     struct rd_error *err);
enum rd_status rd_sqlite_audit_head(struct rd_store *st, int64_t *seq,
                                    char hash[RD_AUDIT_HASH_HEX],
                                    struct rd_error *err);

/* clocks.c */
enum rd_status rd_sqlite_tx_complaint_set_due(struct rd_tx *tx, int64_t id,
                                              int64_t due_at,
                                              struct rd_error *err);
enum rd_status rd_sqlite_tx_clocks_of(struct rd_tx *tx, int64_t complaint_id,
                                      struct rd_arena *a, struct rd_clock **out,
                                      size_t *n, struct rd_error *err);
enum rd_status rd_sqlite_tx_clock_insert(struct rd_tx *tx, struct rd_clock *c,
                                         struct rd_error *err);
enum rd_status rd_sqlite_tx_clock_update(struct rd_tx *tx,
                                         const struct rd_clock *c,
                                         struct rd_error *err);
enum rd_status rd_sqlite_tx_clock_steps_add(struct rd_tx *tx, int64_t clock_id,
                                            struct rd_clock_step *steps,
                                            size_t n, struct rd_error *err);
enum rd_status rd_sqlite_tx_clock_steps_drop(struct rd_tx *tx, int64_t clock_id,
                                             struct rd_error *err);
enum rd_status rd_sqlite_tx_clock_step_claim(struct rd_tx *tx, int64_t step_id,
                                             int64_t now, bool *claimed,
                                             struct rd_error *err);
enum rd_status rd_sqlite_tx_notification_add(struct rd_tx *tx,
                                             struct rd_notification *n,
                                             struct rd_error *err);
enum rd_status rd_sqlite_tx_notification_read(struct rd_tx *tx,
                                              int64_t user_id, int64_t id,
                                              int64_t now,
                                              struct rd_error *err);
enum rd_status rd_sqlite_tx_extension_add(struct rd_tx *tx,
                                          struct rd_clock_extension *x,
                                          struct rd_error *err);
enum rd_status rd_sqlite_tx_extension_get(struct rd_tx *tx, int64_t complaint_id,
                                          int64_t id, struct rd_arena *a,
                                          struct rd_clock_extension *out,
                                          struct rd_error *err);
enum rd_status rd_sqlite_tx_extension_decide(struct rd_tx *tx,
                                             const struct rd_clock_extension *x,
                                             struct rd_error *err);
enum rd_status rd_sqlite_extensions_of(struct rd_store *st, int64_t complaint_id,
                                       struct rd_arena *a,
                                       struct rd_clock_extension **out,
                                       size_t *n, struct rd_error *err);
enum rd_status rd_sqlite_steps_due(struct rd_store *st, int64_t now, int limit,
                                   struct rd_arena *a, struct rd_due_step **out,
                                   size_t *n, struct rd_error *err);
enum rd_status rd_sqlite_notifications_of(struct rd_store *st, int64_t user_id,
                                          bool unread_only, int64_t before_id,
                                          int limit, struct rd_arena *a,
                                          struct rd_notification **out,
                                          size_t *n, struct rd_error *err);
enum rd_status rd_sqlite_clocks_of(struct rd_store *st, const int64_t *ids,
                                   size_t n, struct rd_arena *a,
                                   struct rd_clock **out, size_t *n_out,
                                   struct rd_error *err);

/* calendars.c */
enum rd_status rd_sqlite_tx_calendar_save(struct rd_tx *tx,
                                          struct rd_calendar *c, int64_t now,
                                          struct rd_error *err);
enum rd_status rd_sqlite_calendar_get(struct rd_store *st, int64_t id,
                                      struct rd_arena *a,
                                      struct rd_calendar *out,
                                      struct rd_error *err);
enum rd_status rd_sqlite_calendar_list(struct rd_store *st, struct rd_arena *a,
                                       struct rd_calendar **out, size_t *n,
                                       struct rd_error *err);

/* backend.c */
enum rd_status rd_sqlite_open(struct rd_store *st, const char *uri,
                              struct rd_error *err);
void rd_sqlite_close(struct rd_store *st);
enum rd_status rd_sqlite_migrate(struct rd_store *st, int *applied,
                                 struct rd_error *err);
enum rd_status rd_sqlite_migrations_pending(struct rd_store *st,
                                            struct rd_arena *a,
                                            const char ***names, size_t *n,
                                            struct rd_error *err);
enum rd_status rd_sqlite_schema_version(struct rd_store *st, int *out,
                                        struct rd_error *err);
enum rd_status rd_sqlite_ping(struct rd_store *st, struct rd_error *err);
enum rd_status rd_sqlite_write(struct rd_store *st, rd_store_write_fn fn,
                               void *ctx, struct rd_error *err);

/* backup.c */
enum rd_status rd_sqlite_backup(const char *path, const char *dest,
                                bool replace,
                                struct rd_store_backup_report *out,
                                struct rd_error *err);
enum rd_status rd_sqlite_restore(const char *from, const char *path,
                                 struct rd_store_backup_report *out,
                                 struct rd_error *err);

/* complaints.c */
enum rd_status rd_sqlite_complaint_read(sqlite3_stmt *s, int col,
                                        struct rd_arena *a,
                                        struct rd_complaint *out);
enum rd_status rd_sqlite_tx_next_number(struct rd_tx *tx, const char *day_prefix,
                                        struct rd_arena *a, const char **number,
                                        struct rd_error *err);
enum rd_status rd_sqlite_tx_customer_upsert(struct rd_tx *tx,
                                            struct rd_customer *cu, int64_t now,
                                            struct rd_error *err);
enum rd_status rd_sqlite_tx_complaint_insert(struct rd_tx *tx,
                                             struct rd_complaint *c,
                                             struct rd_error *err);
enum rd_status rd_sqlite_tx_complaint_get(struct rd_tx *tx, int64_t id,
                                          struct rd_arena *a,
                                          struct rd_complaint *out,
                                          struct rd_error *err);
enum rd_status rd_sqlite_tx_complaint_get_by_number(struct rd_tx *tx,
                                                    const char *number,
                                                    struct rd_arena *a,
                                                    struct rd_complaint *out,
                                                    struct rd_error *err);
enum rd_status rd_sqlite_tx_complaint_update(struct rd_tx *tx,
                                             struct rd_complaint *c,
                                             int64_t now, struct rd_error *err);
enum rd_status rd_sqlite_tx_event_append(struct rd_tx *tx, struct rd_event *ev,
                                         struct rd_error *err);
enum rd_status rd_sqlite_tx_idempotency_get(struct rd_tx *tx, int64_t user_id,
                                            const char *key,
                                            struct rd_idempotency *out,
                                            bool *found, struct rd_error *err);
enum rd_status rd_sqlite_tx_idempotency_put(struct rd_tx *tx, int64_t user_id,
                                            const char *key,
                                            const struct rd_idempotency *rec,
                                            struct rd_error *err);
enum rd_status rd_sqlite_tx_attachment_add(struct rd_tx *tx,
                                           struct rd_attachment *att,
                                           const void *data, size_t len,
                                           struct rd_error *err);
enum rd_status rd_sqlite_complaint_get(struct rd_store *st, int64_t id,
                                       struct rd_arena *a,
                                       struct rd_complaint *out,
                                       struct rd_error *err);
enum rd_status rd_sqlite_complaint_get_by_number(struct rd_store *st,
                                                 const char *number,
                                                 struct rd_arena *a,
                                                 struct rd_complaint *out,
                                                 struct rd_error *err);
enum rd_status rd_sqlite_event_list(struct rd_store *st, int64_t complaint_id,
                                    struct rd_arena *a, struct rd_event **out,
                                    size_t *n, struct rd_error *err);
enum rd_status rd_sqlite_attachment_list(struct rd_store *st,
                                         int64_t complaint_id,
                                         struct rd_arena *a,
                                         struct rd_attachment **out, size_t *n,
                                         struct rd_error *err);
enum rd_status rd_sqlite_attachment_get(struct rd_store *st, int64_t id,
                                        struct rd_arena *a,
                                        struct rd_attachment *out,
                                        struct rd_error *err);
enum rd_status rd_sqlite_blob_get(struct rd_store *st, const char *sha256,
                                  struct rd_arena *a, const void **data,
                                  size_t *len, struct rd_error *err);
enum rd_status rd_sqlite_customer_get(struct rd_store *st, int64_t id,
                                      struct rd_arena *a,
                                      struct rd_customer *out,
                                      struct rd_error *err);
enum rd_status rd_sqlite_customer_by_phone(struct rd_store *st,
                                           const char *phone,
                                           struct rd_arena *a,
                                           struct rd_customer *out,
                                           struct rd_error *err);

/* list.c */
enum rd_status rd_sqlite_complaint_list(struct rd_store *st,
                                        const struct rd_complaint_filter *f,
                                        struct rd_arena *a,
                                        struct rd_complaint_page *out,
                                        struct rd_error *err);

/* org.c */
enum rd_status rd_sqlite_tx_department_save(struct rd_tx *tx,
                                            struct rd_department *d,
                                            struct rd_error *err);
enum rd_status rd_sqlite_tx_site_save(struct rd_tx *tx, struct rd_site *s,
                                      struct rd_error *err);
enum rd_status rd_sqlite_tx_category_save(struct rd_tx *tx,
                                          struct rd_category *c,
                                          struct rd_error *err);
enum rd_status rd_sqlite_tx_user_set_locale(struct rd_tx *tx, int64_t user_id,
                                            const char *locale,
                                            struct rd_error *err);
enum rd_status rd_sqlite_tx_user_set_password(struct rd_tx *tx, int64_t user_id,
                                              const char *old_hash,
                                              const char *new_hash,
                                              struct rd_error *err);
enum rd_status rd_sqlite_tx_user_save(struct rd_tx *tx, struct rd_user *u,
                                      struct rd_error *err);
enum rd_status rd_sqlite_tx_policy_save(struct rd_tx *tx,
                                        struct rd_sla_policy *p,
                                        struct rd_error *err);
enum rd_status rd_sqlite_tx_category_get(struct rd_tx *tx, int64_t id,
                                         struct rd_arena *a,
                                         struct rd_category *out,
                                         struct rd_error *err);
enum rd_status rd_sqlite_tx_session_put(struct rd_tx *tx,
                                        const struct rd_session *s,
                                        struct rd_error *err);
enum rd_status rd_sqlite_tx_session_delete(struct rd_tx *tx,
                                           const char *token_sha256,
                                           struct rd_error *err);
enum rd_status rd_sqlite_tx_session_purge(struct rd_tx *tx, int64_t now,
                                          struct rd_error *err);
enum rd_status rd_sqlite_tx_session_touch(struct rd_tx *tx,
                                          const char *token_sha256, int64_t now,
                                          struct rd_error *err);
enum rd_status rd_sqlite_tx_session_delete_user(struct rd_tx *tx, int64_t user_id,
                                                const char *keep_sha256,
                                                struct rd_error *err);
enum rd_status rd_sqlite_tx_token_save(struct rd_tx *tx,
                                       struct rd_api_token *t,
                                       struct rd_error *err);
/* retention.c */
enum rd_status rd_sqlite_tx_complaint_anonymise(struct rd_tx *tx, int64_t id,
                                                int64_t now, bool *done,
                                                struct rd_error *err);
enum rd_status rd_sqlite_tx_job_claim(struct rd_tx *tx, const char *name,
                                      int64_t now, int64_t next_at,
                                      bool *claimed, struct rd_error *err);
enum rd_status rd_sqlite_retention_due(struct rd_store *st,
                                       int64_t closed_before, int64_t after_id,
                                       int limit, struct rd_arena *a,
                                       int64_t **ids, size_t *n,
                                       struct rd_error *err);
enum rd_status rd_sqlite_tx_setting_put(struct rd_tx *tx, const char *key,
                                        const char *value,
                                        struct rd_error *err);
enum rd_status rd_sqlite_department_get(struct rd_store *st, int64_t id,
                                        struct rd_arena *a,
                                        struct rd_department *out,
                                        struct rd_error *err);
enum rd_status rd_sqlite_department_by_code(struct rd_store *st,
                                            const char *code,
                                            struct rd_arena *a,
                                            struct rd_department *out,
                                            struct rd_error *err);
enum rd_status rd_sqlite_department_list(struct rd_store *st,
                                         struct rd_arena *a,
                                         struct rd_department **out, size_t *n,
                                         struct rd_error *err);
enum rd_status rd_sqlite_site_get(struct rd_store *st, int64_t id,
                                  struct rd_arena *a, struct rd_site *out,
                                  struct rd_error *err);
enum rd_status rd_sqlite_site_list(struct rd_store *st, struct rd_arena *a,
                                   struct rd_site **out, size_t *n,
                                   struct rd_error *err);
enum rd_status rd_sqlite_category_get(struct rd_store *st, int64_t id,
                                      struct rd_arena *a,
                                      struct rd_category *out,
                                      struct rd_error *err);
enum rd_status rd_sqlite_category_list(struct rd_store *st, struct rd_arena *a,
                                       struct rd_category **out, size_t *n,
                                       struct rd_error *err);
enum rd_status rd_sqlite_user_get(struct rd_store *st, int64_t id,
                                  struct rd_arena *a, struct rd_user *out,
                                  struct rd_error *err);
enum rd_status rd_sqlite_user_by_name(struct rd_store *st, const char *username,
                                      struct rd_arena *a, struct rd_user *out,
                                      struct rd_error *err);
enum rd_status rd_sqlite_user_list(struct rd_store *st, struct rd_arena *a,
                                   struct rd_user **out, size_t *n,
                                   struct rd_error *err);
enum rd_status rd_sqlite_policy_get(struct rd_store *st, int64_t id,
                                    struct rd_arena *a,
                                    struct rd_sla_policy *out,
                                    struct rd_error *err);
enum rd_status rd_sqlite_policy_list(struct rd_store *st, struct rd_arena *a,
                                     struct rd_sla_policy **out, size_t *n,
                                     struct rd_error *err);
enum rd_status rd_sqlite_session_get(struct rd_store *st,
                                     const char *token_sha256,
                                     struct rd_arena *a,
                                     struct rd_session *out,
                                     struct rd_error *err);
enum rd_status rd_sqlite_token_get(struct rd_store *st,
                                   const char *token_sha256,
                                   struct rd_arena *a,
                                   struct rd_api_token *out,
                                   struct rd_error *err);
enum rd_status rd_sqlite_token_by_id(struct rd_store *st, int64_t id,
                                     struct rd_arena *a,
                                     struct rd_api_token *out,
                                     struct rd_error *err);
enum rd_status rd_sqlite_token_list(struct rd_store *st, int64_t user_id,
                                    struct rd_arena *a,
                                    struct rd_api_token **out, size_t *n,
                                    struct rd_error *err);
enum rd_status rd_sqlite_setting_get(struct rd_store *st, const char *key,
                                     struct rd_arena *a, const char **value,
                                     struct rd_error *err);

/* portal.c */
enum rd_status rd_sqlite_tx_portal_token_issue(struct rd_tx *tx,
                                               struct rd_portal_token *t,
                                               struct rd_error *err);
enum rd_status rd_sqlite_tx_portal_token_get(struct rd_tx *tx,
                                             const char *token_sha256,
                                             struct rd_arena *a,
                                             struct rd_portal_token *out,
                                             struct rd_error *err);
enum rd_status rd_sqlite_tx_portal_token_use(struct rd_tx *tx, int64_t id,
                                             int64_t now, struct rd_error *err);
enum rd_status rd_sqlite_portal_token_get(struct rd_store *st,
                                          const char *token_sha256,
                                          struct rd_arena *a,
                                          struct rd_portal_token *out,
                                          struct rd_error *err);

/* report.c */
enum rd_status rd_sqlite_report_summary(struct rd_store *st,
                                        const struct rd_report_query *q,
                                        struct rd_arena *a,
                                        struct rd_report_row **out, size_t *n,
                                        struct rd_error *err);
enum rd_status rd_sqlite_count_by_status(struct rd_store *st,
                                         int64_t counts[RD_STATE_COUNT],
                                         struct rd_error *err);

/* limits.c */
enum rd_status rd_sqlite_tx_limit_take(struct rd_tx *tx, const char *key, int max,
                                int window_s, int64_t now, int64_t *hits,
                                int64_t *expires_at, struct rd_error *err);
enum rd_status rd_sqlite_tx_limit_clear(struct rd_tx *tx, const char *key,
                                 struct rd_error *err);
enum rd_status rd_sqlite_tx_limit_sweep(struct rd_tx *tx, int64_t now,
                                 int64_t *removed, struct rd_error *err);
enum rd_status rd_sqlite_limit_get(struct rd_store *st, const char *key, bool *found,
                            int64_t *hits, int64_t *expires_at,
                            struct rd_error *err);

#endif
