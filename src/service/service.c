/* service/service.c - the service object, its clock and settings, and the
 * checks shared by every use case: department scope, PII masking, roles. */
#include "service/service_int.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/workflow.h"
#include "util/arena.h"
#include "util/buf.h"
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

static int64_t
wall_clock(void *ctx)
{
  (void)ctx;
  return rd_time_now();
}

/* A stored setting overrides the configured value when present and sane. */
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
  if (sodium_init() < 0) {
    rd_log_error("libsodium failed to initialise");
    abort();
  }
  struct rd_service *svc = rd_xcalloc(1, sizeof *svc);
  svc->store = st;
  snprintf(svc->timezone, sizeof svc->timezone, "%s",
           cfg && cfg->timezone ? cfg->timezone : "Asia/Shanghai");
  snprintf(svc->number_prefix, sizeof svc->number_prefix, "%s",
           cfg && cfg->number_prefix ? cfg->number_prefix : "TS");
  svc->attachment_max_bytes =
      cfg && cfg->attachment_max_bytes ? cfg->attachment_max_bytes : 10u << 20;
  svc->session_ttl_s = cfg && cfg->session_ttl_s ? cfg->session_ttl_s : 12 * 3600;
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

/* "13800138000" -> "138****8000": keeps enough to recognise a number read
 * back on the phone, not enough to dial it. */
static const char *
mask_phone(struct rd_arena *a, const char *phone)
{
  size_t n = strlen(phone);
  if (n <= 7)
    return rd_arena_strdup(a, "****");
  return rd_arena_sprintf(a, "%.3s****%s", phone, phone + n - 4);
}

static const char *
mask_email(struct rd_arena *a, const char *email)
{
  const char *at = strchr(email, '@');
  if (!at || at == email)
    return rd_arena_strdup(a, "***");
  return rd_arena_sprintf(a, "%.1s***%s", email, at);
}

/* {"plate":"京A12345"} -> {"plate":"***"}: the keys say what is recorded. */
static const char *
mask_refs(struct rd_arena *a, const char *refs_json)
{
  struct rd_buf b = {0};
  const char *p = refs_json;
  bool in_key = true, first = true;
  /* The refs are a flat object of strings written by our own JSON layer;
   * walk it key by key without a full parser. */
  rd_buf_putc(&b, '{');
  while (*p) {
    if (*p == '"') {
      const char *start = ++p;
      while (*p && *p != '"') {
        if (*p == '\\' && p[1])
          p++;
        p++;
      }
      if (in_key) {
        if (!first)
          rd_buf_putc(&b, ',');
        rd_buf_putc(&b, '"');
        rd_buf_append(&b, start, (size_t)(p - start));
        rd_buf_puts(&b, "\":\"***\"");
        first = false;
      }
      in_key = !in_key;
      if (*p)
        p++;
      continue;
    }
    if (*p == ',')
      in_key = true;
    p++;
  }
  rd_buf_putc(&b, '}');
  const char *out = rd_arena_strdup(a, b.data);
  rd_buf_free(&b);
  return out;
}

void
rd_svc_view(const struct rd_principal *who, const struct rd_complaint *c,
            struct rd_arena *a, struct rd_complaint_view *view)
{
  view->c = *c;
  view->pii_masked = !rd_role_sees_pii(who->role);
  if (view->pii_masked) {
    struct rd_customer *cu = &view->c.customer;
    if (cu->phone && *cu->phone)
      cu->phone = mask_phone(a, cu->phone);
    if (cu->email && *cu->email)
      cu->email = mask_email(a, cu->email);
    if (cu->refs_json && *cu->refs_json)
      cu->refs_json = mask_refs(a, cu->refs_json);
  }
  view->allowed_actions =
      rd_svc_can_see(who, c) ? rd_workflow_allowed(c->status, who->role) : 0;
}

/* Whether s is all digits (a numeric id rather than a complaint number). */
static bool
all_digits(const char *s)
{
  if (!*s)
    return false;
  for (; *s; s++)
    if (*s < '0' || *s > '9')
      return false;
  return true;
}

enum rd_status
rd_svc_load_visible(struct rd_service *svc, const struct rd_principal *who,
                    const char *id_or_number, struct rd_arena *a,
                    struct rd_complaint *out, struct rd_error *err)
{
  enum rd_status rc;
  if (!id_or_number || !*id_or_number || strlen(id_or_number) > 64)
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such complaint");
  if (all_digits(id_or_number))
    rc = rd_store_complaint_get(svc->store, strtoll(id_or_number, NULL, 10), a, out, err);
  else
    rc = rd_store_complaint_get_by_number(svc->store, id_or_number, a, out, err);
  if (rc == RD_OK && !rd_svc_can_see(who, out))
    rc = rd_error_set(err, RD_E_NOT_FOUND, "", "no such complaint");
  return rc;
}
