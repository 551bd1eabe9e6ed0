/* store/pg/pg_int.h - private to the PostgreSQL backend.
 *
 * A pool of libpq connections (size from the uri's pool_size parameter).
 * A write takes one connection for one transaction, retried whole on a
 * serialization failure or deadlock; a read takes one for one statement.
 * Every SQL text is a named statement (enum rd_pg_stmt, texts in
 * statements.c) prepared on a connection on first use and kept there.
 * Parameters are always bound ($1...), in text format except bytea.
 * Strings read from rows are copied into the caller's arena.
 */
#ifndef RD_STORE_PG_PG_INT_H
#define RD_STORE_PG_PG_INT_H

#include <libpq-fe.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/complaint_cols.h"
#include "store/store_int.h"

struct rd_arena;

/* One embedded migration (build/gen/pg_migrations.c, by scripts/embed.sh). */
struct rd_pg_migration {
  int number;
  const char *name;
  const char *sql;
};
extern const struct rd_pg_migration rd_pg_migrations[];
extern const size_t rd_pg_migrations_count;

/* The named statements; texts in statements.c. */
#define RD_PG_STMT_TABLE(X)                                             \
  X(PQ_PING) X(PQ_SCHEMA_VERSION) X(PQ_MIGRATION_RECORD)                \
  X(PQ_NUMBER_NEXT)                                                     \
  X(PQ_CUSTOMER_BY_PHONE) X(PQ_CUSTOMER_GET) X(PQ_CUSTOMER_INSERT)      \
  X(PQ_CUSTOMER_REFRESH)                                                \
  X(PQ_COMPLAINT_INSERT) X(PQ_COMPLAINT_UPDATE) X(PQ_COMPLAINT_VERSION) \
  X(PQ_COMPLAINT_GET) X(PQ_COMPLAINT_GET_BY_NUMBER)                     \
  X(PQ_COMPLAINT_SET_DUE)                                               \
  X(PQ_EVENT_INSERT) X(PQ_EVENT_LIST)                                   \
  X(PQ_IDEM_GET) X(PQ_IDEM_PUT)                                         \
  X(PQ_BLOB_PUT) X(PQ_BLOB_GET) X(PQ_ATTACHMENT_INSERT)                 \
  X(PQ_ATTACHMENT_GET) X(PQ_ATTACHMENT_LIST)                            \
  X(PQ_DEPARTMENT_INSERT) X(PQ_DEPARTMENT_UPDATE) X(PQ_DEPARTMENT_GET)  \
  X(PQ_DEPARTMENT_BY_CODE) X(PQ_DEPARTMENT_LIST)                        \
  X(PQ_SITE_INSERT) X(PQ_SITE_UPDATE) X(PQ_SITE_GET) X(PQ_SITE_LIST)    \
  X(PQ_CATEGORY_INSERT) X(PQ_CATEGORY_UPDATE) X(PQ_CATEGORY_GET)        \
  X(PQ_CATEGORY_LIST)                                                   \
  X(PQ_USER_INSERT) X(PQ_USER_UPDATE) X(PQ_USER_GET) X(PQ_USER_BY_NAME) \
  X(PQ_USER_LIST) X(PQ_USER_SET_LOCALE) X(PQ_USER_SET_PASSWORD)        \
  X(PQ_POLICY_INSERT) X(PQ_POLICY_UPDATE) X(PQ_POLICY_GET)              \
  X(PQ_POLICY_LIST)                                                     \
  X(PQ_SESSION_PUT) X(PQ_SESSION_GET) X(PQ_SESSION_DELETE)              \
  X(PQ_SESSION_PURGE) X(PQ_SESSION_TOUCH) X(PQ_SESSION_DELETE_USER)    \
  X(PQ_TOKEN_INSERT) X(PQ_TOKEN_UPDATE) X(PQ_TOKEN_GET) X(PQ_TOKEN_LIST)\
  X(PQ_TOKEN_BY_ID)                                                     \
  X(PQ_SETTING_PUT) X(PQ_SETTING_GET)                                   \
  X(PQ_RETENTION_DUE) X(PQ_ANON_COMPLAINT) X(PQ_ANON_SEARCH)           \
  X(PQ_ANON_EVENTS) X(PQ_ANON_EXTENSIONS) X(PQ_ANON_ATTACHMENTS)        \
  X(PQ_ANON_BLOBS) X(PQ_ANON_CUSTOMER) X(PQ_JOB_CLAIM)                  \
  X(PQ_COUNT_BY_STATUS)                                                  \
  X(PQ_PORTAL_TOKEN_REVOKE) X(PQ_PORTAL_TOKEN_INSERT)                   \
  X(PQ_PORTAL_TOKEN_GET) X(PQ_PORTAL_TOKEN_USE)                         \
  X(PQ_CALENDAR_INSERT) X(PQ_CALENDAR_UPDATE) X(PQ_CALENDAR_GET)        \
  X(PQ_CALENDAR_LIST) X(PQ_CALENDAR_HOURS_CLEAR) X(PQ_CALENDAR_HOURS_ADD)\
  X(PQ_CALENDAR_HOURS_GET) X(PQ_CALENDAR_DATES_CLEAR)                   \
  X(PQ_CALENDAR_DATES_ADD) X(PQ_CALENDAR_DATES_GET)                     \
  X(PQ_CLOCKS_OF) X(PQ_CLOCKS_OF_MANY) X(PQ_CLOCK_INSERT)               \
  X(PQ_CLOCK_UPDATE) X(PQ_STEP_ADD) X(PQ_STEPS_DROP) X(PQ_STEP_CLAIM)   \
  X(PQ_STEPS_DUE) X(PQ_NOTIFICATION_ADD) X(PQ_NOTIFICATION_READ)        \
  X(PQ_NOTIFICATIONS_OF) X(PQ_EXTENSION_ADD) X(PQ_EXTENSION_GET)        \
  X(PQ_EXTENSION_DECIDE) X(PQ_EXTENSIONS_OF)                            \
  X(PQ_REPORT_CATEGORY) X(PQ_REPORT_DEPARTMENT) X(PQ_REPORT_SITE)       \
  X(PQ_REPORT_CHANNEL) X(PQ_REPORT_SEVERITY) X(PQ_REPORT_MONTH)         \
  X(PQ_REPORT_STATUS)                                                   \
  X(PQ_DURATIONS_CATEGORY) X(PQ_DURATIONS_DEPARTMENT)                   \
  X(PQ_DURATIONS_SITE) X(PQ_DURATIONS_CHANNEL)                          \
  X(PQ_DURATIONS_SEVERITY) X(PQ_DURATIONS_MONTH) X(PQ_DURATIONS_STATUS) \
  X(PQ_CLOCKS_CATEGORY) X(PQ_CLOCKS_DEPARTMENT) X(PQ_CLOCKS_SITE)       \
  X(PQ_CLOCKS_CHANNEL) X(PQ_CLOCKS_SEVERITY) X(PQ_CLOCKS_MONTH)         \
  X(PQ_CLOCKS_STATUS)                                                   \
  X(PQ_LIMIT_TAKE) X(PQ_LIMIT_GET) X(PQ_LIMIT_CLEAR) X(PQ_LIMIT_SWEEP)   \
  X(PQ_AUDIT_HEAD) X(PQ_AUDIT_INSERT) X(PQ_AUDIT_PAGE) X(PQ_AUDIT_RANGE)  \
  X(PQ_AUDIT_HEAD_READ) X(PQ_AUDIT_HEAD_TRY) X(PQ_AUDIT_UNCHAINED)         \
  X(PQ_AUDIT_LINK) X(PQ_AUDIT_PENDING) X(PQ_AUDIT_INSERT_BATCH)

enum rd_pg_stmt {
#define RD_X(name) name,
  RD_PG_STMT_TABLE(RD_X)
#undef RD_X
  PQ_STMT_COUNT
};

/* The SQL text of a statement (statements.c; the complaint texts are built
 * from RD_PG_COMPLAINT_* once, by rd_pg_statements_init). */
const char *rd_pg_sql(enum rd_pg_stmt id);
/* Builds the generated texts; idempotent, thread-safe. RD_E_INTERNAL if a
 * statement has no text. */
enum rd_status rd_pg_statements_init(struct rd_error *err);

/* The columns of struct rd_complaint (store/complaint_cols.h), shared with
 * SQLite. */
#define RD_PG_COMPLAINT_FIXED RD_COMPLAINT_COLS_FIXED
#define RD_PG_COMPLAINT_MUTABLE RD_COMPLAINT_COLS_MUTABLE

/* The SELECT list of a complaint joined with its customer (c, cu), in the
 * order rd_pg_complaint_read() expects, and the FROM clause. */
extern const char rd_pg_complaint_cols[];

/* ---- parameters --------------------------------------------------------- */

enum { RD_PG_MAX_PARAMS = 64 };

/* The bound parameters of one statement; numbers are formatted into num. */
struct rd_pg_args {
  int n;
  const char *val[RD_PG_MAX_PARAMS];
  int len[RD_PG_MAX_PARAMS];
  int fmt[RD_PG_MAX_PARAMS];
  char num[RD_PG_MAX_PARAMS][24];
};

/* Each appends the next parameter ($n+1). Text NULL and id 0 become SQL
 * NULL; bytes go in binary format. Asserts on overflow (a programming
 * error, not input). */
void rd_pg_arg_text(struct rd_pg_args *p, const char *s);
void rd_pg_arg_int(struct rd_pg_args *p, int64_t v);
void rd_pg_arg_id(struct rd_pg_args *p, int64_t v);
void rd_pg_arg_bool(struct rd_pg_args *p, bool v);
void rd_pg_arg_bytes(struct rd_pg_args *p, const void *data, size_t len);

/* ---- connections (conn.c) ------------------------------------------------ */

/* Statements whose text depends on the call (lists): prepared per
 * connection by text, as "t<slot>", in a small round-robin cache. */
enum { RD_PG_TEXT_CACHE = 32 };

struct rd_pg_conn {
  PGconn *pg;
  bool prepared[PQ_STMT_COUNT];
  struct {
    uint64_t hash;
    char *sql;                  /* NULL: slot free */
  } texts[RD_PG_TEXT_CACHE];
  unsigned text_evict;
  bool retry;                   /* last failure was 40001/40P01 */
  struct rd_pg_conn *next_idle;
};

struct rd_pg {
  char *conninfo;               /* the uri without our own parameters */
  int pool_max;
  int search_window;            /* rows of a phrase search's first window */
  struct rd_pg_search_stats *search_stats; /* search.c; NULL until needed */
  pthread_mutex_t lock;
  pthread_cond_t cond;          /* a connection came back */
  struct rd_pg_conn *idle;
  int open;                     /* connections open or being opened */
  /* Complaint numbers' own connection, outside the pool (complaints.c). */
  pthread_mutex_t number_lock;
  struct rd_pg_conn *number_conn; /* (number_lock) NULL until first used */
};

static inline struct rd_pg_conn *
rd_pg_tx_conn(struct rd_tx *tx)
{
  return tx->impl;
}

/* Our own parameters in a postgresql:// uri. */
struct rd_pg_uri_options {
  int pool_size;                /* pool_size=N, 1-256, default 8 */
  int search_window;            /* search_window=N: a phrase search's first
                                 * window (list.c), default 2000 */
};

/* Splits uri into libpq's conninfo and our own parameters. RD_E_INVALID
 * naming "db" for a bad value. */
enum rd_status rd_pg_parse_uri(const char *uri, char **conninfo,
                               struct rd_pg_uri_options *opt,
                               struct rd_error *err);

/* Takes a connection from the pool, opening one when none is idle and the
 * pool is not full, else waiting. A connection found broken is replaced.
 * RD_E_UNAVAILABLE when the server cannot be reached. */
enum rd_status rd_pg_acquire(struct rd_pg *pg, struct rd_pg_conn **out,
                             struct rd_error *err);
/* Returns c to the pool; a broken one is closed instead (the next acquire
 * opens a fresh one). */
void rd_pg_release(struct rd_pg *pg, struct rd_pg_conn *c);
void rd_pg_conn_close(struct rd_pg_conn *c);
/* Opens a connection set up like the pool's, for a caller that keeps it. */
enum rd_status rd_pg_conn_open(struct rd_pg *pg, struct rd_pg_conn **out,
                               struct rd_error *err);

/* Runs statement id with p (NULL = none). On RD_OK *res holds a result
 * with rows or a command status; the caller PQclear()s it. On failure *res
 * is NULL and the error is mapped: unique -> RD_E_DUPLICATE naming the
 * field, other constraints -> RD_E_INVALID, lost connection, serialization
 * failure and deadlock -> RD_E_UNAVAILABLE, else RD_E_INTERNAL. */
enum rd_status rd_pg_run(struct rd_pg_conn *c, enum rd_pg_stmt id,
                         const struct rd_pg_args *p, PGresult **res,
                         const char *what, struct rd_error *err);

/* The same for a statement built per call (a list): prepared on c under a
 * cached name the first time this text is seen. */
enum rd_status rd_pg_run_text(struct rd_pg_conn *c, const char *sql,
                              const struct rd_pg_args *p, PGresult **res,
                              const char *what, struct rd_error *err);

/* rd_pg_run for an INSERT ... RETURNING id: sets *out to the id. */
enum rd_status rd_pg_returning(struct rd_pg_conn *c, enum rd_pg_stmt id,
                               const struct rd_pg_args *p, int64_t *out,
                               const char *what, struct rd_error *err);
/* rd_pg_run for a statement whose rows are not needed; *changes (may be
 * NULL) gets the number of rows it changed. */
enum rd_status rd_pg_done(struct rd_pg_conn *c, enum rd_pg_stmt id,
                          const struct rd_pg_args *p, int64_t *changes,
                          const char *what, struct rd_error *err);

/* Runs fixed SQL without parameters (BEGIN, COMMIT, a migration). */
enum rd_status rd_pg_exec(struct rd_pg_conn *c, const char *sql,
                          const char *what, struct rd_error *err);

/* Number of rows a command changed. */
int64_t rd_pg_changes(PGresult *r);

/* Column readers: NULL reads as 0 / NULL / false; text copied into a. */
int64_t rd_pg_int(PGresult *r, int row, int col);
bool rd_pg_bool(PGresult *r, int row, int col);
const char *rd_pg_text(PGresult *r, int row, int col, struct rd_arena *a);

/* Reading helpers: a row reader fills one record from row `row`. */
typedef void (*rd_pg_row_fn)(PGresult *r, int row, struct rd_arena *a,
                             void *out);

/* One record by the query id(p) on c: RD_E_NOT_FOUND ("no such <what>")
 * when there is no row. */
enum rd_status rd_pg_one(struct rd_pg_conn *c, enum rd_pg_stmt id,
                         const struct rd_pg_args *p, rd_pg_row_fn row,
                         struct rd_arena *a, void *out, const char *what,
                         struct rd_error *err);
/* Every row into an arena array of elements of size `size`. */
enum rd_status rd_pg_all(struct rd_pg_conn *c, enum rd_pg_stmt id,
                         const struct rd_pg_args *p, rd_pg_row_fn row,
                         size_t size, struct rd_arena *a, void **out,
                         size_t *n, struct rd_error *err);
/* The same on a pooled connection, for the reads of the port. */
enum rd_status rd_pg_read_one(struct rd_store *st, enum rd_pg_stmt id,
                              const struct rd_pg_args *p, rd_pg_row_fn row,
                              struct rd_arena *a, void *out, const char *what,
                              struct rd_error *err);
enum rd_status rd_pg_read_all(struct rd_store *st, enum rd_pg_stmt id,
                              const struct rd_pg_args *p, rd_pg_row_fn row,
                              size_t size, struct rd_arena *a, void **out,
                              size_t *n, struct rd_error *err);

/* ---- the port's functions, by file ---------------------------------------- */

/* audit.c */
enum rd_status rd_pg_tx_audit_head(struct rd_tx *tx, bool wait, bool *got,
                                   int64_t *seq, char hash[RD_AUDIT_HASH_HEX],
                                   struct rd_error *err);
enum rd_status rd_pg_tx_audit_insert_batch(struct rd_tx *tx,
                                           const struct rd_audit_entry *e,
                                           size_t n, struct rd_error *err);
enum rd_status rd_pg_tx_audit_unchained(struct rd_tx *tx, int limit,
                                        struct rd_arena *a,
                                        struct rd_audit_entry **out, size_t *n,
                                        struct rd_error *err);
enum rd_status rd_pg_tx_audit_link(struct rd_tx *tx,
                                   const struct rd_audit_entry *rows, size_t n,
                                   struct rd_error *err);
enum rd_status rd_pg_audit_pending(struct rd_store *st, int64_t *n,
                                   struct rd_error *err);
enum rd_status rd_pg_tx_audit_insert(struct rd_tx *tx,
                                     const struct rd_audit_entry *e,
                                     struct rd_error *err);
enum rd_status rd_pg_audit_page(struct rd_store *st,
                                const struct rd_audit_filter *f,
                                int64_t before_seq, int limit,
                                struct rd_arena *a, struct rd_audit_entry **out,
                                size_t *n, struct rd_error *err);
enum rd_status rd_pg_audit_range(struct rd_store *st, int64_t after_seq,
                                 int limit, struct rd_arena *a,
                                 struct rd_audit_entry **out, size_t *n,
                                 struct rd_error *err);
enum rd_status rd_pg_audit_head(struct rd_store *st, int64_t *seq,
                                char hash[RD_AUDIT_HASH_HEX],
                                struct rd_error *err);

/* backend.c */
enum rd_status rd_pg_open(struct rd_store *st, const char *uri,
                          struct rd_error *err);
void rd_pg_close(struct rd_store *st);

/* list.c */
enum rd_status rd_pg_complaint_list(struct rd_store *st,
                                    const struct rd_complaint_filter *f,
                                    struct rd_arena *a,
                                    struct rd_complaint_page *out,
                                    struct rd_error *err);

/* complaints.c */
int64_t rd_pg_due_key(const struct rd_complaint *c);
void rd_pg_complaint_read(PGresult *r, int row, struct rd_arena *a,
                          struct rd_complaint *out);
enum rd_status rd_pg_tx_next_number(struct rd_tx *tx, const char *day_prefix,
                                    struct rd_arena *a, const char **number,
                                    struct rd_error *err);
enum rd_status rd_pg_tx_customer_upsert(struct rd_tx *tx, struct rd_customer *cu,
                                        int64_t now, struct rd_error *err);
enum rd_status rd_pg_tx_complaint_insert(struct rd_tx *tx, struct rd_complaint *c,
                                         struct rd_error *err);
enum rd_status rd_pg_tx_complaint_get(struct rd_tx *tx, int64_t id,
                                      struct rd_arena *a, struct rd_complaint *out,
                                      struct rd_error *err);
enum rd_status rd_pg_tx_complaint_get_by_number(struct rd_tx *tx,
                                                const char *number,
                                                struct rd_arena *a,
                                                struct rd_complaint *out,
                                                struct rd_error *err);
enum rd_status rd_pg_tx_complaint_set_due(struct rd_tx *tx, int64_t id,
                                          int64_t due_at, struct rd_error *err);
enum rd_status rd_pg_tx_complaint_update(struct rd_tx *tx, struct rd_complaint *c,
                                         int64_t now, struct rd_error *err);
enum rd_status rd_pg_tx_event_append(struct rd_tx *tx, struct rd_event *ev,
                                     struct rd_error *err);
enum rd_status rd_pg_tx_idempotency_get(struct rd_tx *tx, int64_t user_id,
                                        const char *key,
                                        struct rd_idempotency *out, bool *found,
                                        struct rd_error *err);
enum rd_status rd_pg_tx_idempotency_put(struct rd_tx *tx, int64_t user_id,
                                        const char *key,
                                        const struct rd_idempotency *rec,
                                        struct rd_error *err);
enum rd_status rd_pg_tx_attachment_add(struct rd_tx *tx, struct rd_attachment *att,
                                       const void *data, size_t len,
                                       struct rd_error *err);
enum rd_status rd_pg_complaint_get(struct rd_store *st, int64_t id,
                                   struct rd_arena *a, struct rd_complaint *out,
                                   struct rd_error *err);
enum rd_status rd_pg_complaint_get_by_number(struct rd_store *st,
                                             const char *number,
                                             struct rd_arena *a,
                                             struct rd_complaint *out,
                                             struct rd_error *err);
enum rd_status rd_pg_event_list(struct rd_store *st, int64_t complaint_id,
                                struct rd_arena *a, struct rd_event **out,
                                size_t *n, struct rd_error *err);
enum rd_status rd_pg_attachment_list(struct rd_store *st, int64_t complaint_id,
                                     struct rd_arena *a,
                                     struct rd_attachment **out, size_t *n,
                                     struct rd_error *err);
enum rd_status rd_pg_attachment_get(struct rd_store *st, int64_t id,
                                    struct rd_arena *a, struct rd_attachment *out,
                                    struct rd_error *err);
enum rd_status rd_pg_blob_get(struct rd_store *st, const char *sha256,
                              struct rd_arena *a, const void **data,
                              size_t *len, struct rd_error *err);
enum rd_status rd_pg_customer_get(struct rd_store *st, int64_t id,
                                  struct rd_arena *a, struct rd_customer *out,
                                  struct rd_error *err);
enum rd_status rd_pg_customer_by_phone(struct rd_store *st, const char *phone,
                                       struct rd_arena *a,
                                       struct rd_customer *out,
                                       struct rd_error *err);
enum rd_status rd_pg_count_by_status(struct rd_store *st,
                                     int64_t counts[RD_STATE_COUNT],
                                     struct rd_error *err);

/* calendars.c */
enum rd_status rd_pg_tx_calendar_save(struct rd_tx *tx, struct rd_calendar *c,
                                      int64_t now, struct rd_error *err);
enum rd_status rd_pg_calendar_get(struct rd_store *st, int64_t id,
                                  struct rd_arena *a, struct rd_calendar *out,
                                  struct rd_error *err);
enum rd_status rd_pg_calendar_list(struct rd_store *st, struct rd_arena *a,
                                   struct rd_calendar **out, size_t *n,
                                   struct rd_error *err);

/* clocks.c */
enum rd_status rd_pg_tx_clocks_of(struct rd_tx *tx, int64_t complaint_id,
                                  struct rd_arena *a, struct rd_clock **out,
                                  size_t *n, struct rd_error *err);
enum rd_status rd_pg_tx_clock_insert(struct rd_tx *tx, struct rd_clock *c,
                                     struct rd_error *err);
enum rd_status rd_pg_tx_clock_update(struct rd_tx *tx, const struct rd_clock *c,
                                     struct rd_error *err);
enum rd_status rd_pg_tx_clock_steps_add(struct rd_tx *tx, int64_t clock_id,
                                        struct rd_clock_step *steps, size_t n,
                                        struct rd_error *err);
enum rd_status rd_pg_tx_clock_steps_drop(struct rd_tx *tx, int64_t clock_id,
                                         struct rd_error *err);
enum rd_status rd_pg_tx_clock_step_claim(struct rd_tx *tx, int64_t step_id,
                                         int64_t now, bool *claimed,
                                         struct rd_error *err);
enum rd_status rd_pg_tx_notification_add(struct rd_tx *tx,
                                         struct rd_notification *n,
                                         struct rd_error *err);
enum rd_status rd_pg_tx_notification_read(struct rd_tx *tx, int64_t user_id,
                                          int64_t id, int64_t now,
                                          struct rd_error *err);
enum rd_status rd_pg_tx_extension_add(struct rd_tx *tx,
                                      struct rd_clock_extension *x,
                                      struct rd_error *err);
enum rd_status rd_pg_tx_extension_get(struct rd_tx *tx, int64_t complaint_id,
                                      int64_t id, struct rd_arena *a,
                                      struct rd_clock_extension *out,
                                      struct rd_error *err);
enum rd_status rd_pg_tx_extension_decide(struct rd_tx *tx,
                                         const struct rd_clock_extension *x,
                                         struct rd_error *err);
enum rd_status rd_pg_clocks_of(struct rd_store *st, const int64_t *ids, size_t n,
                               struct rd_arena *a, struct rd_clock **out,
                               size_t *n_out, struct rd_error *err);
enum rd_status rd_pg_steps_due(struct rd_store *st, int64_t now, int limit,
                               struct rd_arena *a, struct rd_due_step **out,
                               size_t *n, struct rd_error *err);
enum rd_status rd_pg_notifications_of(struct rd_store *st, int64_t user_id,
                                      bool unread_only, int64_t before_id,
                                      int limit, struct rd_arena *a,
                                      struct rd_notification **out, size_t *n,
                                      struct rd_error *err);
enum rd_status rd_pg_extensions_of(struct rd_store *st, int64_t complaint_id,
                                   struct rd_arena *a,
                                   struct rd_clock_extension **out, size_t *n,
                                   struct rd_error *err);

/* search.c */
/* The tsvector text of c's searchable fields and its customer's name and
 * phone (in a). */
const char *rd_pg_search_document(struct rd_arena *a, const struct rd_complaint *c,
                                  const char *cust_name, const char *cust_phone);
/* The tsquery text of a user's search, or NULL when it has nothing to
 * search for (in a). tokens (may be NULL) gets the query's tokens, *n_tokens
 * of them, in a. */
const char *rd_pg_search_query(struct rd_arena *a, const char *q,
                               const char ***tokens, size_t *n_tokens);

/* At most how many complaints can match a search of these tokens, as far
 * as ANALYZE's statistics of complaints.search tell (the rarest token's
 * share of the rows, times the rows): a guess for choosing a plan, never
 * for an answer. -1 when there are no statistics yet. The statistics are
 * read on c at most every few minutes and kept in pg->search_stats. */
double rd_pg_search_bound(struct rd_pg *pg, struct rd_pg_conn *c,
                          const char *const *tokens, size_t n);
void rd_pg_search_stats_free(struct rd_pg *pg);

/* report.c */
enum rd_status rd_pg_report_summary(struct rd_store *st,
                                    const struct rd_report_query *q,
                                    struct rd_arena *a,
                                    struct rd_report_row **out, size_t *n,
                                    struct rd_error *err);

/* portal.c */
enum rd_status rd_pg_tx_portal_token_issue(struct rd_tx *tx,
                                           struct rd_portal_token *t,
                                           struct rd_error *err);
enum rd_status rd_pg_tx_portal_token_get(struct rd_tx *tx,
                                         const char *token_sha256,
                                         struct rd_arena *a,
                                         struct rd_portal_token *out,
                                         struct rd_error *err);
enum rd_status rd_pg_tx_portal_token_use(struct rd_tx *tx, int64_t id,
                                         int64_t now, struct rd_error *err);
enum rd_status rd_pg_portal_token_get(struct rd_store *st,
                                      const char *token_sha256,
                                      struct rd_arena *a,
                                      struct rd_portal_token *out,
                                      struct rd_error *err);

/* org.c */
enum rd_status rd_pg_tx_department_save(struct rd_tx *tx, struct rd_department *d,
                                        struct rd_error *err);
enum rd_status rd_pg_tx_site_save(struct rd_tx *tx, struct rd_site *s,
                                  struct rd_error *err);
enum rd_status rd_pg_tx_category_save(struct rd_tx *tx, struct rd_category *c,
                                      struct rd_error *err);
enum rd_status rd_pg_tx_category_get(struct rd_tx *tx, int64_t id,
                                     struct rd_arena *a, struct rd_category *out,
                                     struct rd_error *err);
enum rd_status rd_pg_tx_user_save(struct rd_tx *tx, struct rd_user *u,
                                  struct rd_error *err);
enum rd_status rd_pg_tx_user_set_locale(struct rd_tx *tx, int64_t user_id,
                                        const char *locale, struct rd_error *err);
enum rd_status rd_pg_tx_user_set_password(struct rd_tx *tx, int64_t user_id,
                                          const char *old_hash, const char *new_hash,
                                          struct rd_error *err);
enum rd_status rd_pg_tx_session_put(struct rd_tx *tx, const struct rd_session *s,
                                    struct rd_error *err);
enum rd_status rd_pg_tx_session_delete(struct rd_tx *tx, const char *token_sha256,
                                       struct rd_error *err);
enum rd_status rd_pg_tx_session_purge(struct rd_tx *tx, int64_t now,
                                      struct rd_error *err);
enum rd_status rd_pg_tx_session_touch(struct rd_tx *tx, const char *token_sha256,
                                      int64_t now, struct rd_error *err);
enum rd_status rd_pg_tx_session_delete_user(struct rd_tx *tx, int64_t user_id,
                                            const char *keep_sha256,
                                            struct rd_error *err);
enum rd_status rd_pg_tx_token_save(struct rd_tx *tx, struct rd_api_token *t,
                                   struct rd_error *err);
/* retention.c */
enum rd_status rd_pg_tx_complaint_anonymise(struct rd_tx *tx, int64_t id,
                                            int64_t now, bool *done,
                                            struct rd_error *err);
enum rd_status rd_pg_tx_job_claim(struct rd_tx *tx, const char *name,
                                  int64_t now, int64_t next_at, bool *claimed,
                                  struct rd_error *err);
enum rd_status rd_pg_retention_due(struct rd_store *st, int64_t closed_before,
                                   int64_t after_id, int limit,
                                   struct rd_arena *a, int64_t **ids,
                                   size_t *n, struct rd_error *err);
enum rd_status rd_pg_tx_setting_put(struct rd_tx *tx, const char *key,
                                    const char *value, struct rd_error *err);
enum rd_status rd_pg_department_get(struct rd_store *st, int64_t id,
                                    struct rd_arena *a, struct rd_department *out,
                                    struct rd_error *err);
enum rd_status rd_pg_department_by_code(struct rd_store *st, const char *code,
                                        struct rd_arena *a,
                                        struct rd_department *out,
                                        struct rd_error *err);
enum rd_status rd_pg_department_list(struct rd_store *st, struct rd_arena *a,
                                     struct rd_department **out, size_t *n,
                                     struct rd_error *err);
enum rd_status rd_pg_site_get(struct rd_store *st, int64_t id, struct rd_arena *a,
                              struct rd_site *out, struct rd_error *err);
enum rd_status rd_pg_site_list(struct rd_store *st, struct rd_arena *a,
                               struct rd_site **out, size_t *n,
                               struct rd_error *err);
enum rd_status rd_pg_category_get(struct rd_store *st, int64_t id,
                                  struct rd_arena *a, struct rd_category *out,
                                  struct rd_error *err);
enum rd_status rd_pg_category_list(struct rd_store *st, struct rd_arena *a,
                                   struct rd_category **out, size_t *n,
                                   struct rd_error *err);
enum rd_status rd_pg_user_get(struct rd_store *st, int64_t id, struct rd_arena *a,
                              struct rd_user *out, struct rd_error *err);
enum rd_status rd_pg_user_by_name(struct rd_store *st, const char *username,
                                  struct rd_arena *a, struct rd_user *out,
                                  struct rd_error *err);
enum rd_status rd_pg_user_list(struct rd_store *st, struct rd_arena *a,
                               struct rd_user **out, size_t *n,
                               struct rd_error *err);
enum rd_status rd_pg_session_get(struct rd_store *st, const char *token_sha256,
                                 struct rd_arena *a, struct rd_session *out,
                                 struct rd_error *err);
enum rd_status rd_pg_token_get(struct rd_store *st, const char *token_sha256,
                               struct rd_arena *a, struct rd_api_token *out,
                               struct rd_error *err);
enum rd_status rd_pg_token_by_id(struct rd_store *st, int64_t id,
                                 struct rd_arena *a, struct rd_api_token *out,
                                 struct rd_error *err);
enum rd_status rd_pg_token_list(struct rd_store *st, int64_t user_id,
                                struct rd_arena *a, struct rd_api_token **out,
                                size_t *n, struct rd_error *err);
enum rd_status rd_pg_tx_policy_save(struct rd_tx *tx, struct rd_sla_policy *p,
                                    struct rd_error *err);
enum rd_status rd_pg_policy_get(struct rd_store *st, int64_t id,
                                struct rd_arena *a, struct rd_sla_policy *out,
                                struct rd_error *err);
enum rd_status rd_pg_policy_list(struct rd_store *st, struct rd_arena *a,
                                 struct rd_sla_policy **out, size_t *n,
                                 struct rd_error *err);
enum rd_status rd_pg_setting_get(struct rd_store *st, const char *key,
                                 struct rd_arena *a, const char **value,
                                 struct rd_error *err);

/* limits.c */
enum rd_status rd_pg_tx_limit_take(struct rd_tx *tx, const char *key, int max,
                                int window_s, int64_t now, int64_t *hits,
                                int64_t *expires_at, struct rd_error *err);
enum rd_status rd_pg_tx_limit_clear(struct rd_tx *tx, const char *key,
                                 struct rd_error *err);
enum rd_status rd_pg_tx_limit_sweep(struct rd_tx *tx, int64_t now,
                                 int64_t *removed, struct rd_error *err);
enum rd_status rd_pg_limit_get(struct rd_store *st, const char *key, bool *found,
                            int64_t *hits, int64_t *expires_at,
                            struct rd_error *err);

#endif
