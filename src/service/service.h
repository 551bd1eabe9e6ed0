/* service/service.h - the use cases, shared by HTTP, jobs and the CLI.
 *
 * Every call takes the acting principal, checks what that principal may do
 * (role and department scope), runs the domain core, and writes the state
 * change with its timeline event in one store transaction. Results come from
 * the caller's arena. The service is thread-safe; create one per process.
 */
#ifndef RD_SERVICE_SERVICE_H
#define RD_SERVICE_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/action.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/complaint.h"
#include "core/event.h"
#include "core/notification.h"
#include "core/org.h"
#include "core/policy.h"
#include "core/portal.h"
#include "store/store.h"
#include "util/status.h"

struct rd_arena;
struct rd_service;

struct rd_service_config {
  const char *timezone;          /* display zone and complaint-number dates; default Asia/Shanghai */
  const char *number_prefix;     /* default "TS" */
  size_t attachment_max_bytes;   /* default 10 MiB */
  int session_ttl_s;             /* absolute limit from sign-in; default 12 h */
  int session_idle_s;            /* limit since last use; default 30 min */
};

/* Who is acting. Filled by authentication; user_id 0 is the system itself
 * (the CLI and demo loader), which may do anything. */
struct rd_principal {
  int64_t user_id;
  const char *username;
  const char *display_name;
  enum rd_role role;
  int64_t department_id;
  const char *locale;
  const char *client_addr;    /* where the request came from (HTTP), for the
                                 audit log; NULL when not over HTTP */
  bool customer;              /* a customer on the public portal (user 0) */
};

/* The system principal: admin rights, user id 0. */
extern const struct rd_principal RD_PRINCIPAL_SYSTEM;

typedef int64_t (*rd_clock_fn)(void *ctx);

/* A service over st (borrowed; must outlive the service). cfg may be NULL for
 * the defaults; its strings are copied. Settings stored in the database
 * ("timezone", "number_prefix") override cfg. */
struct rd_service *rd_service_new(struct rd_store *st,
                                  const struct rd_service_config *cfg);
void rd_service_free(struct rd_service *svc);

/* Replaces the wall clock (for the demo loader and tests). NULL restores it. */
void rd_service_set_clock(struct rd_service *svc, rd_clock_fn fn, void *ctx);
int64_t rd_service_now(struct rd_service *svc);
const char *rd_service_timezone(struct rd_service *svc);
struct rd_store *rd_service_store(struct rd_service *svc);

/* ---- rate limits ----------------------------------------------------------
 * The store's shared counters (rd_store_limit_*, same contracts), so a limit
 * holds across every server node on the database. Counting also sweeps
 * ended windows away, at most once a minute per process. */

enum rd_status rd_service_limit_take(struct rd_service *svc, const char *key,
                                     int max, int window_s, int64_t now,
                                     bool *allowed, int *retry_after_s,
                                     struct rd_error *err);
enum rd_status rd_service_limit_count(struct rd_service *svc, const char *key,
                                      int window_s, int64_t now,
                                      struct rd_error *err);
enum rd_status rd_service_limit_check(struct rd_service *svc, const char *key,
                                      int max, int64_t now, bool *allowed,
                                      int *retry_after_s, struct rd_error *err);
enum rd_status rd_service_limit_clear(struct rd_service *svc, const char *key,
                                      struct rd_error *err);

/* ---- authentication ------------------------------------------------------ */

/* Hashes a password with argon2id into out (crypto_pwhash_STRBYTES bytes). */
enum rd_status rd_service_password_hash(const char *password, char *out,
                                        size_t out_len, struct rd_error *err);

struct rd_login {
  const char *session_token;  /* secret for the cookie: 64 hex chars */
  const char *csrf_token;     /* 64 hex chars */
  int64_t expires_at;
  struct rd_user user;
};

/* Checks username and password (argon2id) and opens a session. Either way
 * the attempt goes into the audit log with client_addr (may be NULL):
 * login.ok with the session, login.failed naming the user tried.
 * RD_E_UNAUTHORIZED for a wrong name or password (same answer for both). */
enum rd_status rd_service_login(struct rd_service *svc, const char *username,
                                const char *password, const char *client_addr,
                                struct rd_arena *a,
                                struct rd_login *out, struct rd_error *err);

/* Ends the session; RD_OK even when it did not exist. */
enum rd_status rd_service_logout(struct rd_service *svc,
                                 const char *session_token,
                                 struct rd_error *err);

/* Ends every session of who's user but the one of keep_session_token (NULL:
 * all of them, the current one too), with a logout.all audit row. A session
 * ended here answers 401 at once on this node, within CREDCACHE_TTL_S on
 * the others. API tokens are not sessions and stay. */
enum rd_status rd_service_logout_all(struct rd_service *svc,
                                     const struct rd_principal *who,
                                     const char *keep_session_token,
                                     struct rd_error *err);

/* An administrator ends every session of user user_id (audit row
 * user.sessions_end). RD_E_FORBIDDEN for other roles, RD_E_NOT_FOUND when
 * no user has that id. */
enum rd_status rd_service_user_sessions_end(struct rd_service *svc,
                                            const struct rd_principal *who,
                                            int64_t user_id,
                                            struct rd_error *err);

/* who changes their own password: current must be right (RD_E_FORBIDDEN
 * naming "current_password" otherwise), new_password must pass the policy
 * (core/password.h; RD_E_INVALID naming "new_password") and differ from
 * current. The user's other sessions end (all of them when
 * keep_session_token is NULL, as for an API token). Audit row
 * user.password. */
enum rd_status rd_service_me_set_password(struct rd_service *svc,
                                          const struct rd_principal *who,
                                          const char *keep_session_token,
                                          const char *current,
                                          const char *new_password,
                                          struct rd_error *err);

/* Sets who's own language: "zh-CN" or "en" (RD_E_INVALID naming "language"
 * otherwise). Sessions resolve afresh, so the next request sees it. */
enum rd_status rd_service_me_set_language(struct rd_service *svc,
                                          const struct rd_principal *who,
                                          const char *language,
                                          struct rd_error *err);

/* Resolves a session token to its principal and CSRF token.
 * RD_E_UNAUTHORIZED when unknown, past its absolute limit, unused for longer
 * than the idle limit (a detail saying so), or the user is inactive. Use is
 * recorded in the store at most once a minute per session (see auth.c). */
enum rd_status rd_service_session_principal(struct rd_service *svc,
                                            const char *session_token,
                                            struct rd_arena *a,
                                            struct rd_principal *out,
                                            const char **csrf_token,
                                            struct rd_error *err);

/* Resolves a bearer API token. RD_E_UNAUTHORIZED when unknown or revoked. */
enum rd_status rd_service_token_principal(struct rd_service *svc,
                                          const char *token, struct rd_arena *a,
                                          struct rd_principal *out,
                                          struct rd_error *err);

/* Creates an API token for the caller (or, for admins, for user_id); the
 * plain secret is returned once in *secret and only its hash is stored. */
enum rd_status rd_service_token_create(struct rd_service *svc,
                                       const struct rd_principal *who,
                                       int64_t user_id, const char *name,
                                       struct rd_arena *a,
                                       struct rd_api_token *out,
                                       const char **secret,
                                       struct rd_error *err);

/* Revokes API token id; its owner or an admin may. RD_E_NOT_FOUND for an
 * unknown id or, to others, another user's token; revoking twice is RD_OK.
 * The token is refused at once on this process, within CREDCACHE_TTL_S
 * seconds on others. */
enum rd_status rd_service_token_revoke(struct rd_service *svc,
                                       const struct rd_principal *who,
                                       int64_t id, struct rd_error *err);

/* ---- complaints ----------------------------------------------------------- */

/* A complaint with what a client needs to show it. */
/* A clock as shown on a complaint: its latest run, as of now. */
struct rd_clock_view {
  struct rd_clock run;
  enum rd_clock_state state;  /* a running run past its due time shows breached */
  int64_t remaining;          /* working seconds to due_at; negative when late */
  const char *timezone;       /* its calendar's, to show its times in */
};

struct rd_complaint_view {
  struct rd_complaint c;
  bool pii_masked;            /* phone/email/refs were masked for this role */
  unsigned allowed_actions;   /* bit per rd_action_kind the principal may take now */
  const struct rd_clock_view *clocks; /* by name */
  size_t n_clocks;
};

/* Registers a complaint (status registered) for the customer in in->customer,
 * creating or refreshing the customer record. With idem_key (may be NULL):
 * the same principal, key and body_sha256 return the first complaint again
 * with *replayed = true; the same key with another body is RD_E_DUPLICATE. */
enum rd_status rd_service_complaint_register(struct rd_service *svc,
                                             const struct rd_principal *who,
                                             const struct rd_complaint *in,
                                             const char *idem_key,
                                             const char *body_sha256,
                                             struct rd_arena *a,
                                             struct rd_complaint_view *out,
                                             bool *replayed,
                                             struct rd_error *err);

/* By numeric id or number. RD_E_NOT_FOUND also when the principal may not
 * see it (another department's), so existence does not leak. */
enum rd_status rd_service_complaint_get(struct rd_service *svc,
                                        const struct rd_principal *who,
                                        const char *id_or_number,
                                        struct rd_arena *a,
                                        struct rd_complaint_view *out,
                                        struct rd_error *err);

/* Lists with f; the department scope is imposed for departmental roles. */
enum rd_status rd_service_complaint_list(struct rd_service *svc,
                                         const struct rd_principal *who,
                                         const struct rd_complaint_filter *f,
                                         struct rd_arena *a,
                                         struct rd_complaint_view **items,
                                         size_t *n, const char **next_cursor,
                                         struct rd_error *err);

/* Descriptive fields a PATCH may change. */
enum rd_patch_field {
  RD_P_SUBJECT      = 1u << 0,
  RD_P_DEMANDS      = 1u << 1,
  RD_P_RESTATEMENT  = 1u << 2,
  RD_P_CONFIRMED    = 1u << 3,   /* restatement_confirmed */
  RD_P_ANGER        = 1u << 4,
  RD_P_CATEGORY     = 1u << 5,
  RD_P_SEVERITY     = 1u << 6,
  RD_P_SITE         = 1u << 7,
  RD_P_EXTERNAL_REF = 1u << 8,
  RD_P_TAGS         = 1u << 9,
  RD_P_CUSTOMER_NAME  = 1u << 10,
  RD_P_CUSTOMER_EMAIL = 1u << 11,
  RD_P_CUSTOMER_REFS  = 1u << 12,
  RD_P_RECEIVED_AT  = 1u << 13,
};

struct rd_complaint_patch {
  unsigned fields;            /* RD_P_* present */
  struct rd_complaint values; /* new values for the present fields */
  const char *changes_json;   /* the request body, for the timeline */
};

/* Applies patch when expected_version matches (RD_E_CONFLICT otherwise);
 * records an "edited" event listing old and new values. */
enum rd_status rd_service_complaint_patch(struct rd_service *svc,
                                          const struct rd_principal *who,
                                          int64_t id,
                                          const struct rd_complaint_patch *patch,
                                          int expected_version,
                                          struct rd_arena *a,
                                          struct rd_complaint_view *out,
                                          struct rd_error *err);

/* Applies a workflow action. expected_version 0 means "no check". body_json
 * (may be NULL) is stored as the event's details. Department scope: a
 * departmental role may act only on its department's complaints (RD_E_NOT_FOUND
 * otherwise). Refused actions write nothing. */
enum rd_status rd_service_complaint_act(struct rd_service *svc,
                                        const struct rd_principal *who,
                                        int64_t id, struct rd_action *act,
                                        int expected_version,
                                        const char *body_json,
                                        struct rd_arena *a,
                                        struct rd_complaint_view *out,
                                        struct rd_error *err);

enum rd_status rd_service_event_list(struct rd_service *svc,
                                     const struct rd_principal *who, int64_t id,
                                     struct rd_arena *a, struct rd_event **out,
                                     size_t *n, struct rd_error *err);

/* Adds an internal note (any role that can see the complaint, except auditors). */
enum rd_status rd_service_note_add(struct rd_service *svc,
                                   const struct rd_principal *who, int64_t id,
                                   const char *note, struct rd_arena *a,
                                   struct rd_event *out, struct rd_error *err);

/* Stores an attachment (RD_E_TOO_LARGE above the limit, RD_E_INVALID for a
 * missing filename or content type) and records it on the timeline. */
enum rd_status rd_service_attachment_add(struct rd_service *svc,
                                         const struct rd_principal *who,
                                         int64_t id, const char *filename,
                                         const char *content_type,
                                         const void *data, size_t len,
                                         struct rd_arena *a,
                                         struct rd_attachment *out,
                                         struct rd_error *err);
enum rd_status rd_service_attachment_list(struct rd_service *svc,
                                          const struct rd_principal *who,
                                          int64_t id, struct rd_arena *a,
                                          struct rd_attachment **out, size_t *n,
                                          struct rd_error *err);
/* The attachment and its content (scope checked through its complaint). */
enum rd_status rd_service_attachment_get(struct rd_service *svc,
                                         const struct rd_principal *who,
                                         int64_t attachment_id,
                                         struct rd_arena *a,
                                         struct rd_attachment *out,
                                         const void **data, size_t *len,
                                         struct rd_error *err);

/* The customer with this phone and the principal-visible complaints of it
 * (newest first, at most 50), for intake's repeat-customer lookup. */
enum rd_status rd_service_customer_lookup(struct rd_service *svc,
                                          const struct rd_principal *who,
                                          const char *phone, struct rd_arena *a,
                                          struct rd_customer *out,
                                          struct rd_complaint_view **complaints,
                                          size_t *n, struct rd_error *err);

/* ---- calendars (reads: any signed-in user; writes: admin) ------------------ */

/* Save = create when ->id == 0, else replace whole; sets id and version.
 * Validation (core/calendar) names the field. */
enum rd_status rd_service_calendar_save(struct rd_service *svc,
                                        const struct rd_principal *who,
                                        struct rd_calendar *cal,
                                        struct rd_error *err);

/* When target ("30m", "2h", "3d", "15cd") counted from `from` on calendar id
 * falls due; *timezone is the calendar's, to show it in. */
enum rd_status rd_service_calendar_due(struct rd_service *svc, int64_t id,
                                       int64_t from, const char *target,
                                       struct rd_arena *a, int64_t *due,
                                       const char **timezone,
                                       struct rd_error *err);

/* Working seconds in [from, to) on calendar id; to before from is
 * RD_E_INVALID naming "to". */
enum rd_status rd_service_calendar_elapsed(struct rd_service *svc, int64_t id,
                                           int64_t from, int64_t to,
                                           struct rd_arena *a, int64_t *seconds,
                                           struct rd_error *err);

/* ---- deadline extensions ------------------------------------------------------ */

/* A handler, manager or agent asks that the complaint's clock `clock` get
 * the target `target` (from its start, e.g. "30cd"), with a reason. Checked
 * now: the clock runs and the new deadline is later. One request waits per
 * run (RD_E_DUPLICATE). On the timeline as clock.extension_requested. */
enum rd_status rd_service_extension_request(struct rd_service *svc,
                                            const struct rd_principal *who,
                                            int64_t complaint_id,
                                            const char *clock,
                                            const char *target,
                                            const char *reason,
                                            struct rd_arena *a,
                                            struct rd_clock_extension *out,
                                            struct rd_error *err);

/* An approver grants (the deadline, warning and escalation steps move) or
 * refuses (a reason is required) a waiting request; on the timeline as
 * clock.extended or clock.extension_refused. */
enum rd_status rd_service_extension_decide(struct rd_service *svc,
                                           const struct rd_principal *who,
                                           int64_t complaint_id,
                                           int64_t extension_id, bool grant,
                                           const char *note, struct rd_arena *a,
                                           struct rd_clock_extension *out,
                                           struct rd_error *err);

/* A visible complaint's extension requests, oldest first. */
enum rd_status rd_service_extensions(struct rd_service *svc,
                                     const struct rd_principal *who,
                                     int64_t complaint_id, struct rd_arena *a,
                                     struct rd_clock_extension **out, size_t *n,
                                     struct rd_error *err);

/* ---- retention (docs/retention.md) ------------------------------------------- */

/* What a retention run did or, dry, would do. */
struct rd_retention_report {
  int64_t closed_before;      /* the cut-off: closed before this instant */
  int64_t anonymised;         /* complaints anonymised (dry: that would be) */
  int batches;                /* transactions committed (0 when dry) */
};

enum { RD_RETENTION_BATCH = 500, RD_RETENTION_DAYS_MAX = 36500 };

/* Anonymises every complaint closed (closed, withdrawn, merged) more than
 * older_than_days days before the service's now and not anonymised yet
 * (rd_tx_complaint_anonymise), in transactions of at most batch (1-500;
 * 0 = 500) complaints, each with one audit row "complaint.anonymise" per
 * complaint (actor system; detail: the policy's age, no personal values).
 * dry_run only counts them. Idempotent: a second run finds nothing. Runs
 * as the system; the CLI and the scheduler call it. RD_E_INVALID naming
 * "older_than_days" outside 1-36500. A failed batch is rolled back whole;
 * the batches before it stay committed and out->anonymised counts them. */
enum rd_status rd_service_retention_run(struct rd_service *svc,
                                        int older_than_days, bool dry_run,
                                        int batch,
                                        struct rd_retention_report *out,
                                        struct rd_error *err);

/* The scheduler's daily run: claims today's run of the job "retention"
 * (rd_tx_job_claim: one node of several gets it) and, if this call got it,
 * runs rd_service_retention_run. *ran says whether it ran. older_than_days
 * 0 = the policy is off: nothing is claimed. */
enum rd_status rd_service_retention_daily(struct rd_service *svc,
                                          int older_than_days, bool *ran,
                                          struct rd_retention_report *out,
                                          struct rd_error *err);

/* ---- escalations and notifications ------------------------------------------- */

/* Fires the escalation steps due at the service's now (at most limit):
 * each notifies its recipients and goes on the complaint's timeline, once.
 * *fired counts the steps this call fired. Called by the scheduler. */
enum rd_status rd_service_sweep(struct rd_service *svc, int limit,
                                size_t *fired, struct rd_error *err);

/* who's notifications, newest first (ids below before_id when > 0). */
enum rd_status rd_service_notifications(struct rd_service *svc,
                                        const struct rd_principal *who,
                                        bool unread_only, int64_t before_id,
                                        int limit, struct rd_arena *a,
                                        struct rd_notification **out,
                                        size_t *n, struct rd_error *err);

/* Marks one of who's notifications read; RD_E_NOT_FOUND for anyone else's. */
enum rd_status rd_service_notification_read(struct rd_service *svc,
                                            const struct rd_principal *who,
                                            int64_t id, struct rd_error *err);

/* ---- organisation (reads: any signed-in user; writes: admin) --------------- */

/* Save = create when ->id == 0, else replace. Validation names the field. */
enum rd_status rd_service_department_save(struct rd_service *svc,
                                          const struct rd_principal *who,
                                          struct rd_department *d,
                                          struct rd_error *err);
enum rd_status rd_service_site_save(struct rd_service *svc,
                                    const struct rd_principal *who,
                                    struct rd_site *s, struct rd_error *err);
/* Level follows the parent chain; more than 4 levels is RD_E_INVALID
 * naming "parent_id"; a cycle likewise. */
enum rd_status rd_service_category_save(struct rd_service *svc,
                                        const struct rd_principal *who,
                                        struct rd_category *c,
                                        struct rd_error *err);
/* password (may be NULL on update to keep the old one) must pass the
 * policy (core/password.h) and is hashed here. Deactivating a user or
 * giving them a new password ends their sessions in the same transaction. */
enum rd_status rd_service_user_save(struct rd_service *svc,
                                    const struct rd_principal *who,
                                    struct rd_user *u, const char *password,
                                    struct rd_error *err);
enum rd_status rd_service_policy_save(struct rd_service *svc,
                                      const struct rd_principal *who,
                                      struct rd_sla_policy *p,
                                      struct rd_error *err);
/* The keys a clock of a policy's "clocks" may hold, and those of one of its
 * "escalate" steps (NULL-terminated; service/sla.c reads these and no
 * others), so that the HTTP layer can refuse a misspelt one in a body. */
extern const char *const rd_policy_clock_keys[];
extern const char *const rd_policy_step_keys[];

/* ---- the public portal (customers, no sign-in) ------------------------------- *
 * The customer is nobody's principal: these calls act as the portal itself
 * (an agent-like principal, user 0) and answer only what the customer may
 * know. Their changes go into the audit log as the customer's, with the
 * client_addr (may be NULL) the caller gives. Secrets handed out (upload and survey tokens) are 64 hex digits;
 * only their SHA-256 is stored. */

enum {
  RD_PORTAL_PHOTOS_MAX = 5,                    /* per upload link */
  RD_PORTAL_PHOTO_MAX_BYTES = 5 * 1024 * 1024,
  RD_PORTAL_UPLOAD_TTL_S = 60 * 60,            /* time to add photos after submitting */
  RD_PORTAL_SURVEY_TTL_S = 14 * 24 * 60 * 60,
};

/* What the customer gets back for a submitted complaint. */
struct rd_portal_receipt {
  const char *number;
  int64_t received_at;
  const char *status;          /* rd_portal_status() */
  const char *upload_token;    /* to add photos; replaces any earlier one */
  int64_t upload_expires_at;
};

/* Registers s as a complaint of channel web and issues its photo-upload
 * token, in one transaction. idem_key (may be NULL) and body_sha256 as for
 * staff registration, in the portal's own key space; a replay issues a new
 * upload token. Validation names the form's field ("phone"). */
enum rd_status rd_service_portal_submit(struct rd_service *svc,
                                        const struct rd_portal_submission *s,
                                        const char *idem_key,
                                        const char *body_sha256,
                                        const char *client_addr,
                                        struct rd_arena *a,
                                        struct rd_portal_receipt *out,
                                        bool *replayed, struct rd_error *err);

/* Adds a photo to complaint number with its upload token. RD_E_FORBIDDEN
 * (naming X-Upload-Token) for a token unknown, of another complaint, expired,
 * replaced or used up; RD_E_TOO_LARGE past RD_PORTAL_PHOTO_MAX_BYTES;
 * RD_E_UNSUPPORTED_MEDIA unless the bytes are JPEG, PNG or WebP (the type
 * stored is the one the bytes show). filename may be NULL. *photos_left
 * says how many more the token takes. */
enum rd_status rd_service_portal_photo_add(struct rd_service *svc,
                                           const char *number,
                                           const char *upload_token,
                                           const char *filename,
                                           const void *data, size_t len,
                                           const char *client_addr,
                                           struct rd_arena *a,
                                           struct rd_attachment *out,
                                           int *photos_left,
                                           struct rd_error *err);

/* One step of the customer's timeline. */
struct rd_portal_step_view {
  const char *step;            /* rd_portal_step() */
  int64_t at;
  const char *department;      /* accepted/reassigned: its name, else NULL */
};

struct rd_portal_progress {
  const char *number;
  const char *subject;         /* may be NULL */
  const char *status;          /* rd_portal_status() */
  int64_t received_at;
  const struct rd_portal_step_view *steps;  /* oldest first */
  size_t n_steps;
};

/* The progress of complaint number, for whoever knows the last four digits
 * of its customer's phone. A wrong number and wrong digits get the same
 * RD_E_NOT_FOUND, so numbers cannot be probed. */
enum rd_status rd_service_portal_progress(struct rd_service *svc,
                                          const char *number,
                                          const char *phone_last4,
                                          struct rd_arena *a,
                                          struct rd_portal_progress *out,
                                          struct rd_error *err);

/* Staff (agent, manager, admin) make a complaint's survey link once it is
 * resolved: a fresh one-time token valid RD_PORTAL_SURVEY_TTL_S, earlier
 * ones revoked; on the timeline as survey_link. RD_E_ILLEGAL_STATE naming
 * "status" unless resolved. */
enum rd_status rd_service_survey_link(struct rd_service *svc,
                                      const struct rd_principal *who,
                                      int64_t complaint_id, struct rd_arena *a,
                                      const char **token, int64_t *expires_at,
                                      struct rd_error *err);

/* What the survey page shows. */
struct rd_portal_survey {
  const char *number;
  const char *subject;         /* may be NULL */
  const char *result;          /* the resolution as reported, may be NULL */
  const char *status;          /* rd_portal_status() */
  int64_t resolved_at;
  int64_t expires_at;
};

struct rd_survey_answer {
  bool has_satisfied, satisfied;
  bool has_score;
  int score;                   /* 1-5 */
  const char *comment;         /* may be NULL */
};

/* The survey behind token. RD_E_NOT_FOUND when unknown, expired or
 * replaced; RD_E_CONFLICT when answered, or when the complaint no longer
 * waits for this answer (followed up otherwise, reopened). */
enum rd_status rd_service_portal_survey_get(struct rd_service *svc,
                                            const char *token,
                                            struct rd_arena *a,
                                            struct rd_portal_survey *out,
                                            struct rd_error *err);

/* Records the answer as the follow_up action (method survey, reached) and
 * spends the token, in one transaction: satisfied closes the complaint,
 * not satisfied reopens it. Refusals as for _get, and RD_E_INVALID naming
 * satisfied, score or comment. out is the survey after the answer. */
enum rd_status rd_service_portal_survey_answer(struct rd_service *svc,
                                               const char *token,
                                               const struct rd_survey_answer *ans,
                                               const char *client_addr,
                                               struct rd_arena *a,
                                               struct rd_portal_survey *out,
                                               struct rd_error *err);

/* ---- the audit log (docs/audit.md) -------------------------------------------
 * Every change goes into the audit log in its own transaction, and every
 * staff read of personal data (a complaint, its timeline, attachments'
 * contents, a customer lookup, a list or search: one row per request) is
 * queued before the data is returned and committed in a batch within about
 * 50 ms; rd_service_free drains the queue. */

/* Links committed audit rows that wait for the chain (PostgreSQL; nothing
 * on SQLite) unless another node's chainer is at it. For the scheduler. */
enum rd_status rd_service_audit_chain(struct rd_service *svc,
                                      struct rd_error *err);

/* A page of the log, newest first; admins and auditors only
 * (RD_E_FORBIDDEN otherwise). f->limit 0 means 50; above 500 is
 * RD_E_INVALID naming "limit". Queued reads are written and committed rows
 * chained first, so the page is current. The query itself is recorded
 * (audit.read). */
enum rd_status rd_service_audit_list(struct rd_service *svc,
                                     const struct rd_principal *who,
                                     const struct rd_audit_filter *f,
                                     struct rd_arena *a,
                                     struct rd_audit_page *out,
                                     struct rd_error *err);

/* ---- reports and health --------------------------------------------------- */

/* Analysts, approvers, agents, auditors and admins see everything; managers
 * and handlers their department. */
enum rd_status rd_service_report_summary(struct rd_service *svc,
                                         const struct rd_principal *who,
                                         struct rd_report_query *q,
                                         struct rd_arena *a,
                                         struct rd_report_row **rows, size_t *n,
                                         struct rd_error *err);

#endif
