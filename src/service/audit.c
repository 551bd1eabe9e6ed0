/* service/audit.c - who did what, from where: the audit log's entries.
 *
 * The service is where the acting principal, the action and the client's
 * address meet, so it writes the rows: a change's row in the change's own
 * transaction (a change without its row cannot commit), a staff read's row
 * queued to the batching appender (readlog.c) before the data goes out. The
 * store keeps the chain (store/audit.c); details name fields, never
 * personal values.
 */
#include "service/service_int.h"

#include <jansson.h>
#include <string.h>

#include "service/readlog.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"

enum { AUDIT_LIST_DEFAULT = 50, AUDIT_LIST_MAX = 500 };

/* Which kind of actor who is, as the log spells it. */
static const char *
actor_of(const struct rd_principal *who)
{
  if (who->customer)
    return "customer";
  return who->user_id > 0 ? "user" : "system";
}

enum rd_status
rd_svc_audit(struct rd_tx *tx, const struct rd_principal *who, int64_t now,
             const char *action, const char *object_kind, int64_t object_id,
             const char *detail_json, struct rd_error *err)
{
  struct rd_audit_entry e = {
    .at = now,
    .actor = actor_of(who),
    .user_id = who->user_id > 0 ? who->user_id : 0,
    .client_addr = who->client_addr && *who->client_addr ? who->client_addr : NULL,
    .action = action,
    .object_kind = object_kind,
    .object_id = object_id,
    .detail_json = detail_json,
  };
  return rd_tx_audit_append(tx, &e, err);
}

enum rd_status
rd_svc_audit_read(struct rd_service *svc, const struct rd_principal *who,
                  const char *action, const char *object_kind,
                  int64_t object_id, const char *detail_json,
                  struct rd_error *err)
{
  if (who->user_id <= 0)
    return RD_OK;   /* the CLI, the demo loader, the portal's own checks */
  struct rd_audit_entry e = {
    .at = rd_service_now(svc),
    .actor = actor_of(who),
    .user_id = who->user_id,
    .client_addr = who->client_addr && *who->client_addr ? who->client_addr : NULL,
    .action = action,
    .object_kind = object_kind,
    .object_id = object_id,
    .detail_json = detail_json,
  };
  return rd_readlog_add(svc->reads, &e, err);
}

enum rd_status
rd_service_audit_chain(struct rd_service *svc, struct rd_error *err)
{
  return rd_store_audit_chain(svc->store, false, NULL, err);
}

const char *
rd_svc_audit_keys(struct rd_arena *a, const char *changes_json)
{
  json_t *root = changes_json ? json_loads(changes_json, 0, NULL) : NULL;
  const char *out = NULL;
  if (json_is_object(root)) {
    struct rd_buf b = {0};
    const char *key;
    json_t *value;
    bool first = true;
    rd_buf_puts(&b, "{\"fields\":[");
    json_object_foreach(root, key, value) {
      if (!first)
        rd_buf_putc(&b, ',');
      rd_buf_json_string(&b, key);
      first = false;
    }
    rd_buf_puts(&b, "]}");
    out = rd_arena_strdup(a, b.data);
    rd_buf_free(&b);
  }
  json_decref(root);
  return out;
}

enum rd_status
rd_service_audit_list(struct rd_service *svc, const struct rd_principal *who,
                      const struct rd_audit_filter *f, struct rd_arena *a,
                      struct rd_audit_page *out, struct rd_error *err)
{
  struct rd_audit_filter q = *f;
  enum rd_status rc;

  if (who->role != RD_ROLE_ADMIN && who->role != RD_ROLE_AUDITOR)
    return rd_error_set(err, RD_E_FORBIDDEN, "",
                        "only administrators and auditors may read the audit log");
  if (q.limit == 0)
    q.limit = AUDIT_LIST_DEFAULT;
  if (q.limit < 1 || q.limit > AUDIT_LIST_MAX)
    return rd_error_set(err, RD_E_INVALID, "limit", "limit must be 1-%d",
                        AUDIT_LIST_MAX);
  if (q.from && q.to && q.to <= q.from)
    return rd_error_set(err, RD_E_INVALID, "to", "to must be after from");
  /* What an auditor lists is current: every read answered before this
   * request is written, and every committed row chained (waiting for a
   * chainer on another node if need be), so the page shows them all. */
  if ((rc = rd_readlog_flush(svc->reads, err)) ||
      (rc = rd_store_audit_chain(svc->store, true, NULL, err)))
    return rc;
  if ((rc = rd_store_audit_list(svc->store, &q, a, out, err)))
    return rc;
  /* The log names staff and their addresses: reading it is recorded too. */
  return rd_svc_audit_read(svc, who, "audit.read", NULL, 0, NULL, err);
}
