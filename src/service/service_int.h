/* service/service_int.h - what the service's own files share: the struct and
 * the checks every use case makes (roles, department scope, views, JSON
 * fields). Not for other layers. Everything returned lives in the caller's arena.
 */
#ifndef RD_SERVICE_SERVICE_INT_H
#define RD_SERVICE_SERVICE_INT_H

#include <stdatomic.h>

#include "service/credcache.h"
#include "service/service.h"
#include "service/sla.h"

struct rd_service {
  struct rd_store *store;
  char timezone[64];
  char number_prefix[16];
  size_t attachment_max_bytes;
  int session_ttl_s;
  int session_idle_s;
  rd_clock_fn clock;
  void *clock_ctx;
  struct rd_credcache creds;  /* resolved sessions and tokens, seconds old at most */
  struct rd_sla_cache sla;    /* policies, calendars and sites, shared */
  _Atomic int64_t limits_swept_at; /* last sweep of ended rate-limit windows */
  struct rd_readlog *reads;   /* staff reads' audit rows, written in batches */
};

/* Whether who may see complaint c at all (department scope, SPEC §4). A
 * departmental role without a department sees nothing. */
bool rd_svc_can_see(const struct rd_principal *who, const struct rd_complaint *c);

/* RD_E_ILLEGAL_STATE when the retention policy anonymised c: notes and
 * attachments would bring personal data back to a record cleared of it. */
enum rd_status rd_svc_check_not_anonymised(const struct rd_complaint *c,
                                           struct rd_error *err);

/* Fills view from c for who: PII masking and allowed actions. Masked strings
 * are written into a; the rest stays borrowed from c. */
void rd_svc_view(const struct rd_principal *who, const struct rd_complaint *c,
                 struct rd_arena *a, struct rd_complaint_view *view);

/* Masks cu's phone, email and refs in place (new strings from a). */
void rd_svc_mask_customer(struct rd_customer *cu, struct rd_arena *a);

/* RD_OK for 0 (none) or an existing calendar; RD_E_INVALID naming
 * calendar_id otherwise. */
enum rd_status rd_svc_check_calendar(struct rd_service *svc, int64_t id,
                                     struct rd_error *err);

/* RD_E_FORBIDDEN unless who is an administrator (or the system). */
enum rd_status rd_svc_require_admin(const struct rd_principal *who,
                                    struct rd_error *err);

/* RD_E_FORBIDDEN for read-only roles (auditor). */
enum rd_status rd_svc_require_writer(const struct rd_principal *who,
                                     struct rd_error *err);

/* Hex of SHA-256(data) into out (65 bytes). */
void rd_svc_sha256_hex(const void *data, size_t len, char out[65]);

/* Reads a complaint by numeric id or number, scope-checked: RD_E_NOT_FOUND
 * when absent or not visible to who. */
enum rd_status rd_svc_load_visible(struct rd_service *svc,
                                   const struct rd_principal *who,
                                   const char *id_or_number, struct rd_arena *a,
                                   struct rd_complaint *out, struct rd_error *err);

/* Same by numeric id. */
enum rd_status rd_svc_load_visible_id(struct rd_service *svc,
                                      const struct rd_principal *who, int64_t id,
                                      struct rd_arena *a, struct rd_complaint *out,
                                      struct rd_error *err);

/* Whether s is a non-empty run of ASCII digits (an id rather than a number). */
bool rd_svc_all_digits(const char *s);

/* tags_json (may be NULL): a JSON array of at most 20 non-empty strings of at
 * most RD_MAX_SHORT characters. RD_E_INVALID naming field otherwise. */
enum rd_status rd_svc_check_tags(const char *field, const char *tags_json,
                                 struct rd_error *err);

/* refs_json (may be NULL): a JSON object of at most 20 identifiers whose
 * values are strings or numbers. RD_E_INVALID naming field otherwise. */
enum rd_status rd_svc_check_refs(const char *field, const char *refs_json,
                                 struct rd_error *err);

/* RD_E_INVALID naming field unless id is 0 or an existing, active site /
 * category (new complaints and edits are not filed under retired ones);
 * store failures pass through. */
enum rd_status rd_svc_check_site(struct rd_service *svc, const char *field,
                                 int64_t id, struct rd_arena *a,
                                 struct rd_error *err);
enum rd_status rd_svc_check_category(struct rd_service *svc, const char *field,
                                     int64_t id, struct rd_arena *a,
                                     struct rd_error *err);

/* A step one use case adds to another's transaction: it runs inside it on
 * the complaint as read or written there, and its failure rolls the whole
 * transaction back. */
typedef enum rd_status (*rd_svc_tx_hook)(struct rd_tx *tx, void *ctx,
                                         const struct rd_complaint *c,
                                         struct rd_error *err);

/* rd_service_complaint_register, with after (may be NULL) run last in the
 * registration's transaction, on the new complaint or the replayed one. */
enum rd_status rd_svc_complaint_register_with(struct rd_service *svc,
                                              const struct rd_principal *who,
                                              const struct rd_complaint *in,
                                              const char *idem_key,
                                              const char *body_sha256,
                                              rd_svc_tx_hook after,
                                              void *after_ctx, struct rd_arena *a,
                                              struct rd_complaint_view *out,
                                              bool *replayed,
                                              struct rd_error *err);

/* rd_service_complaint_act, with guard (may be NULL) run in the action's
 * transaction after the complaint is read and before the workflow decides:
 * a refusal there writes nothing. */
enum rd_status rd_svc_complaint_act_with(struct rd_service *svc,
                                         const struct rd_principal *who,
                                         int64_t id, struct rd_action *act,
                                         int expected_version,
                                         const char *body_json,
                                         rd_svc_tx_hook guard, void *guard_ctx,
                                         struct rd_arena *a,
                                         struct rd_complaint_view *out,
                                         struct rd_error *err);

/* Inside a transaction: stores att (complaint_id, size, type, name, sha256,
 * uploaded_by/at set) with its content and puts it on the timeline as
 * "attachment"; via (may be NULL, e.g. "portal") goes into the event's data.
 * RD_E_NOT_FOUND when who may not see the complaint. */
enum rd_status rd_svc_attach_tx(struct rd_tx *tx, const struct rd_principal *who,
                                struct rd_attachment *att, const void *data,
                                size_t len, const char *via, struct rd_arena *a,
                                struct rd_error *err);

/* RD_E_INVALID naming "filename" unless name is 1-200 characters without
 * slashes or control characters. */
enum rd_status rd_svc_filename_check(const char *name, struct rd_error *err);

/* ---- the audit log (audit.c) ----------------------------------------------- */

/* Appends who's audit row for action on (object_kind, object_id) at now, in
 * tx: actor, user and client address come from who. detail_json (may be
 * NULL) names what changed, never personal values. */
enum rd_status rd_svc_audit(struct rd_tx *tx, const struct rd_principal *who,
                            int64_t now, const char *action,
                            const char *object_kind, int64_t object_id,
                            const char *detail_json, struct rd_error *err);

/* Records a read of personal data by staff (users; the system's own reads
 * are not recorded): queues its row for the batching appender (readlog.h),
 * which commits it within about READLOG_LINGER_MS. RD_E_UNAVAILABLE when
 * the queue stays full; the caller then returns nothing: no read goes
 * unrecorded. */
enum rd_status rd_svc_audit_read(struct rd_service *svc,
                                 const struct rd_principal *who,
                                 const char *action, const char *object_kind,
                                 int64_t object_id, const char *detail_json,
                                 struct rd_error *err);

/* {"fields":[...]}: the keys of the JSON object changes_json (a change's
 * old and new values by field), without the values, for an audit detail.
 * NULL when changes_json is not an object. */
const char *rd_svc_audit_keys(struct rd_arena *a, const char *changes_json);

/* Whether ct is a media type "type/subtype" of token characters, at most
 * 100 bytes; parameters after ';' (charset=...) are kept as given. */
bool rd_svc_content_type_valid(const char *ct);

#endif
