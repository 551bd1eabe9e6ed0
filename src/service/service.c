/* service/service.c - the service object, its clock and settings, and the
 * checks shared by every use case: roles, department scope, PII masking,
 * JSON-valued fields, references to sites and categories.
 */
#include "service/service_int.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/validate.h"
#include "core/workflow.h"
#include "service/readlog.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/time.h"

const struct rd_principal RD_PRINCIPAL_SYSTEM = {
    .user_id = 0,
    .username = "system",
    .display_name = "系统",
    .role = RD_ROLE_ADMIN,
    .department_id = 0,
    .locale = "zh-CN",
};

enum {
  DEFAULT_ATTACHMENT_MAX = 10u << 20,
  DEFAULT_SESSION_TTL_S = 12 * 3600,
  DEFAULT_SESSION_IDLE_S = 30 * 60,
  MAX_JSON_ITEMS = 20,
  MAX_REF_KEY = 64,
};

static int64_t
wall_clock(void *ctx)
{
  (void)ctx;
  return rd_time_now();
}

/* A stored setting overrides the configured value when present and fits. */
static void
apply_setting(struct rd_store *st, const char *key, char *dst, size_t dst_len)
{
  struct rd_arena *a = rd_arena_new();
  const char *value = NULL;
  struct rd_error err = {0};
  if (rd_store_setting_get(st, key, a, &value, &err) == RD_OK && value && *value &&
      strlen(value) < dst_len)
    snprintf(dst, dst_len, "%s", value);
  rd_arena_free(a);
}

struct rd_service *
rd_service_new(struct rd_store *st, const struct rd_service_config *cfg)
{
  /* Idempotent and thread-safe; every later libsodium call relies on it. */
  if (sodium_init() < 0) {
    rd_log_error("libsodium failed to initialise");
    abort();
  }
  struct rd_service *svc = rd_xcalloc(1, sizeof *svc);
  rd_credcache_init(&svc->creds);
  rd_sla_cache_init(&svc->sla);
  svc->store = st;
  svc->reads = rd_readlog_new(st);
  snprintf(svc->timezone, sizeof svc->timezone, "%s",
           cfg && cfg->timezone ? cfg->timezone : "Asia/Shanghai");
  snprintf(svc->number_prefix, sizeof svc->number_prefix, "%s",
           cfg && cfg->number_prefix ? cfg->number_prefix : "TS");
  svc->attachment_max_bytes =
      cfg && cfg->attachment_max_bytes ? cfg->attachment_max_bytes : DEFAULT_ATTACHMENT_MAX;
  svc->session_ttl_s =
      cfg && cfg->session_ttl_s > 0 ? cfg->session_ttl_s : DEFAULT_SESSION_TTL_S;
  svc->session_idle_s =
      cfg && cfg->session_idle_s > 0 ? cfg->session_idle_s : DEFAULT_SESSION_IDLE_S;
  svc->clock = wall_clock;
  apply_setting(st, "timezone", svc->timezone, sizeof svc->timezone);
  apply_setting(st, "number_prefix", svc->number_prefix, sizeof svc->number_prefix);
  if (!rd_tz_valid(svc->timezone)) {
    rd_log_warn("unknown time zone %s; using Asia/Shanghai", svc->timezone);
    snprintf(svc->timezone, sizeof svc->timezone, "Asia/Shanghai");
  }
  return svc;
}

void
rd_service_free(struct rd_service *svc)
{
  if (!svc)
    return;
  /* Before the caller closes the store: the queued read rows are written,
   * and what is committed is chained, so a clean stop leaves nothing behind. */
  rd_readlog_free(svc->reads);
  struct rd_error err = {0};
  if (rd_store_audit_chain(svc->store, false, NULL, &err) != RD_OK)
    rd_log_warn("audit: chaining at shutdown failed (the next chainer links them): %s",
                err.detail);
  rd_credcache_destroy(&svc->creds);
  rd_sla_cache_destroy(&svc->sla);
  free(svc);
}

void
rd_service_set_clock(struct rd_service *svc, rd_clock_fn fn, void *ctx)
{
  svc->clock = fn ? fn : wall_clock;
  svc->clock_ctx = fn ? ctx : NULL;
}

int64_t
rd_service_now(struct rd_service *svc)
{
  return svc->clock(svc->clock_ctx);
}

const char *
rd_service_timezone(struct rd_service *svc)
{
  return svc->timezone;
}

struct rd_store *
rd_service_store(struct rd_service *svc)
{
  return svc->store;
}

/* ---- roles and scope ------------------------------------------------------- */

bool
rd_svc_can_see(const struct rd_principal *who, const struct rd_complaint *c)
{
  if (!rd_role_is_departmental(who->role))
    return true;
  return who->department_id != 0 && c->department_id == who->department_id;
}

enum rd_status
rd_svc_require_admin(const struct rd_principal *who, struct rd_error *err)
{
  if (who->role == RD_ROLE_ADMIN)
    return RD_OK;
  return rd_error_set(err, RD_E_FORBIDDEN, "", "only administrators may change this");
}

enum rd_status
rd_svc_require_writer(const struct rd_principal *who, struct rd_error *err)
{
  if (who->role == RD_ROLE_AUDITOR)
    return rd_error_set(err, RD_E_FORBIDDEN, "", "auditors have read-only access");
  return RD_OK;
}

void
rd_svc_sha256_hex(const void *data, size_t len, char out[65])
{
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, data, len);
  sodium_bin2hex(out, 65, digest, sizeof digest);
}

/* ---- PII masking ------------------------------------------------------------ */

/* "13800138000" -> "138****8000": keeps enough to recognise a number read
 * back on the phone, not enough to dial it. Short numbers hide entirely. */
static const char *
mask_phone(struct rd_arena *a, const char *phone)
{
  size_t n = strlen(phone);
  if (n <= 7)
    return rd_arena_strdup(a, "****");
  return rd_arena_sprintf(a, "%.3s****%s", phone, phone + n - 4);
}

/* "zhang@example.com" -> "z***@example.com". The first character is copied
 * whole even when it is several UTF-8 bytes. */
static const char *
mask_email(struct rd_arena *a, const char *email)
{
  const char *at = strchr(email, '@');
  if (!at || at == email)
    return rd_arena_strdup(a, "***");
  size_t first = 1;
  while (email + first < at && ((unsigned char)email[first] & 0xC0) == 0x80)
    first++;
  return rd_arena_sprintf(a, "%.*s***%s", (int)first, email, at);
}

/* {"plate":"京A12345"} -> {"plate":"***"}: the keys say what is recorded,
 * the values stay hidden. Text that is not an object hides entirely. */
static const char *
mask_refs(struct rd_arena *a, const char *refs_json)
{
  json_t *root = json_loads(refs_json, 0, NULL);
  const char *out = "{}";
  if (json_is_object(root)) {
    const char *key;
    json_t *value;
    json_object_foreach(root, key, value)
      json_object_set_new(root, key, json_string("***"));
    char *text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (text) {
      out = rd_arena_strdup(a, text);
      free(text);
    }
  }
  json_decref(root);
  return out;
}

void
rd_svc_mask_customer(struct rd_customer *cu, struct rd_arena *a)
{
  if (cu->phone && *cu->phone)
    cu->phone = mask_phone(a, cu->phone);
  if (cu->email && *cu->email)
    cu->email = mask_email(a, cu->email);
  if (cu->refs_json && *cu->refs_json)
    cu->refs_json = mask_refs(a, cu->refs_json);
}

void
rd_svc_view(const struct rd_principal *who, const struct rd_complaint *c,
            struct rd_arena *a, struct rd_complaint_view *view)
{
  view->c = *c;
  view->clocks = NULL; /* rd_svc_views_clocks fills them */
  view->n_clocks = 0;
  view->pii_masked = !rd_role_sees_pii(who->role);
  if (view->pii_masked)
    rd_svc_mask_customer(&view->c.customer, a);
  view->allowed_actions =
      rd_svc_can_see(who, c) ? rd_workflow_allowed_now(c, who->role) : 0;
}

enum rd_status
rd_svc_check_not_anonymised(const struct rd_complaint *c, struct rd_error *err)
{
  if (c->anonymised_at)
    return rd_error_set(err, RD_E_ILLEGAL_STATE, "",
                        "the complaint was anonymised by the retention policy; "
                        "nothing can be added to it");
  return RD_OK;
}

/* ---- loading ---------------------------------------------------------------- */

bool
rd_svc_all_digits(const char *s)
{
  if (!s || !*s)
    return false;
  for (; *s; s++)
    if (*s < '0' || *s > '9')
      return false;
  return true;
}

enum rd_status
rd_svc_load_visible_id(struct rd_service *svc, const struct rd_principal *who,
                       int64_t id, struct rd_arena *a, struct rd_complaint *out,
                       struct rd_error *err)
{
  if (id <= 0)
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such complaint");
  enum rd_status rc = rd_store_complaint_get(svc->store, id, a, out, err);
  if (rc == RD_OK && !rd_svc_can_see(who, out))
    rc = rd_error_set(err, RD_E_NOT_FOUND, "", "no such complaint");
  return rc;
}

enum rd_status
rd_svc_load_visible(struct rd_service *svc, const struct rd_principal *who,
                    const char *id_or_number, struct rd_arena *a,
                    struct rd_complaint *out, struct rd_error *err)
{
  enum rd_status rc;
  if (!id_or_number || !*id_or_number || strlen(id_or_number) > 64)
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such complaint");
  if (rd_svc_all_digits(id_or_number))
    return rd_svc_load_visible_id(svc, who, strtoll(id_or_number, NULL, 10), a,
                                  out, err);
  rc = rd_store_complaint_get_by_number(svc->store, id_or_number, a, out, err);
  if (rc == RD_OK && !rd_svc_can_see(who, out))
    rc = rd_error_set(err, RD_E_NOT_FOUND, "", "no such complaint");
  return rc;
}

/* ---- JSON-valued fields ------------------------------------------------------ */

enum rd_status
rd_svc_check_tags(const char *field, const char *tags_json, struct rd_error *err)
{
  enum rd_status rc = RD_OK;
  if (!tags_json)
    return RD_OK;
  json_t *root = json_loads(tags_json, JSON_REJECT_DUPLICATES, NULL);
  if (!json_is_array(root)) {
    rc = rd_error_set(err, RD_E_INVALID, field, "%s must be an array of strings", field);
    goto out;
  }
  if (json_array_size(root) > MAX_JSON_ITEMS) {
    rc = rd_error_set(err, RD_E_INVALID, field, "%s may hold at most %d tags",
                      field, MAX_JSON_ITEMS);
    goto out;
  }
  size_t i;
  json_t *tag;
  json_array_foreach(root, i, tag) {
    if (!json_is_string(tag)) {
      rc = rd_error_set(err, RD_E_INVALID, field, "%s must be an array of strings", field);
      goto out;
    }
    if ((rc = rd_validate_text(field, json_string_value(tag), RD_MAX_SHORT, true, err)))
      goto out;
  }
out:
  json_decref(root);
  return rc;
}

enum rd_status
rd_svc_check_refs(const char *field, const char *refs_json, struct rd_error *err)
{
  enum rd_status rc = RD_OK;
  if (!refs_json)
    return RD_OK;
  json_t *root = json_loads(refs_json, JSON_REJECT_DUPLICATES, NULL);
  if (!json_is_object(root)) {
    rc = rd_error_set(err, RD_E_INVALID, field, "%s must be an object", field);
    goto out;
  }
  if (json_object_size(root) > MAX_JSON_ITEMS) {
    rc = rd_error_set(err, RD_E_INVALID, field, "%s may hold at most %d identifiers",
                      field, MAX_JSON_ITEMS);
    goto out;
  }
  const char *key;
  json_t *value;
  json_object_foreach(root, key, value) {
    if (!*key || strlen(key) > MAX_REF_KEY) {
      rc = rd_error_set(err, RD_E_INVALID, field,
                        "%s keys must be 1 to %d characters", field, MAX_REF_KEY);
      goto out;
    }
    if (json_is_string(value)) {
      if ((rc = rd_validate_text(field, json_string_value(value), RD_MAX_SHORT,
                                 false, err)))
        goto out;
    } else if (!json_is_number(value) && !json_is_null(value)) {
      rc = rd_error_set(err, RD_E_INVALID, field,
                        "%s values must be strings or numbers", field);
      goto out;
    }
  }
out:
  json_decref(root);
  return rc;
}

/* ---- references --------------------------------------------------------------- */

enum rd_status
rd_svc_check_site(struct rd_service *svc, const char *field, int64_t id,
                  struct rd_arena *a, struct rd_error *err)
{
  struct rd_site s;
  if (id == 0)
    return RD_OK;
  if (id < 0)
    return rd_error_set(err, RD_E_INVALID, field, "%s must be a site's id", field);
  enum rd_status rc = rd_store_site_get(svc->store, id, a, &s, err);
  if (rc == RD_E_NOT_FOUND)
    return rd_error_set(err, RD_E_INVALID, field, "there is no site %lld",
                        (long long)id);
  if (rc == RD_OK && !s.active)
    return rd_error_set(err, RD_E_INVALID, field, "site %s is inactive", s.code);
  return rc;
}

enum rd_status
rd_svc_check_category(struct rd_service *svc, const char *field, int64_t id,
                      struct rd_arena *a, struct rd_error *err)
{
  struct rd_category c;
  if (id == 0)
    return RD_OK;
  if (id < 0)
    return rd_error_set(err, RD_E_INVALID, field, "%s must be a category's id", field);
  enum rd_status rc = rd_store_category_get(svc->store, id, a, &c, err);
  if (rc == RD_E_NOT_FOUND)
    return rd_error_set(err, RD_E_INVALID, field, "there is no category %lld",
                        (long long)id);
  if (rc == RD_OK && !c.active)
    return rd_error_set(err, RD_E_INVALID, field, "category %s is inactive", c.name);
  return rc;
}
