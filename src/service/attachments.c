/* service/attachments.c - photos, scanned letters and signed agreements kept
 * with a complaint (书面文件存档). Content is stored once per SHA-256. */
#include "service/service_int.h"

#include <stdio.h>
#include <string.h>

#include "core/validate.h"
#include "util/arena.h"
#include "util/buf.h"

struct attach_ctx {
  const struct rd_principal *who;
  struct rd_attachment *att;
  const void *data;
  size_t len;
  struct rd_arena *a;
};

enum rd_status
rd_svc_attach_tx(struct rd_tx *tx, const struct rd_principal *who,
                 struct rd_attachment *att, const void *data, size_t len,
                 const char *via, struct rd_arena *a, struct rd_error *err)
{
  struct rd_complaint c;
  enum rd_status rc = rd_tx_complaint_get(tx, att->complaint_id, a, &c, err);
  if (rc)
    return rc;
  if (!rd_svc_can_see(who, &c))
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such complaint");
  if ((rc = rd_svc_check_not_anonymised(&c, err)) ||
      (rc = rd_tx_attachment_add(tx, att, data, len, err)))
    return rc;
  struct rd_buf b = {0};
  rd_buf_printf(&b, "{\"attachment_id\":%lld,\"filename\":", (long long)att->id);
  rd_buf_json_string(&b, att->filename);
  rd_buf_puts(&b, ",\"content_type\":");
  rd_buf_json_string(&b, att->content_type);
  rd_buf_printf(&b, ",\"size\":%lld,\"sha256\":\"%s\"", (long long)att->size,
                att->sha256);
  if (via) {
    rd_buf_puts(&b, ",\"via\":");
    rd_buf_json_string(&b, via);
  }
  rd_buf_putc(&b, '}');
  const char *details = rd_arena_strdup(a, b.data);
  rd_buf_free(&b);
  struct rd_event ev = {
      .complaint_id = c.id, .at = att->uploaded_at, .actor_id = who->user_id,
      .type = RD_EVENT_ATTACHMENT, .from_status = (int)c.status,
      .to_status = (int)c.status, .note = att->filename, .data_json = details,
  };
  if ((rc = rd_tx_event_append(tx, &ev, err)))
    return rc;
  return rd_svc_audit(tx, who, att->uploaded_at, "attachment.add", "attachment",
                      att->id,
                      rd_arena_sprintf(a, "{\"complaint_id\":%lld}", (long long)c.id),
                      err);
}

static enum rd_status
do_attach(struct rd_tx *tx, void *vctx, struct rd_error *err)
{
  struct attach_ctx *x = vctx;
  return rd_svc_attach_tx(tx, x->who, x->att, x->data, x->len, NULL, x->a, err);
}

bool
rd_svc_content_type_valid(const char *ct)
{
  if (!ct || strlen(ct) > 100)
    return false;
  size_t n = strcspn(ct, ";");
  const char *slash = memchr(ct, '/', n);
  if (!slash || slash == ct || slash == ct + n - 1)
    return false;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)ct[i];
    if (ch <= ' ' || ch >= 0x7f || strchr("\"(),:<=>?@[\\]{}", ch))
      return false;
  }
  return true;
}

enum rd_status
rd_svc_filename_check(const char *name, struct rd_error *err)
{
  enum rd_status rc = rd_validate_text("filename", name, 200, true, err);
  if (rc)
    return rc;
  for (const unsigned char *p = (const unsigned char *)name; *p; p++)
    if (*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\')
      return rd_error_set(err, RD_E_INVALID, "filename",
                          "filename must not contain slashes or control characters");
  /* The names of a directory and its parent name no file, and a client that
   * saves under the given name would write outside its folder. */
  if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
    return rd_error_set(err, RD_E_INVALID, "filename", "filename must not be . or ..");
  return RD_OK;
}

enum rd_status
rd_service_attachment_add(struct rd_service *svc, const struct rd_principal *who,
                          int64_t id, const char *filename,
                          const char *content_type, const void *data, size_t len,
                          struct rd_arena *a, struct rd_attachment *out,
                          struct rd_error *err)
{
  enum rd_status rc;
  if ((rc = rd_svc_require_writer(who, err)))
    return rc;
  if (len > svc->attachment_max_bytes)
    return rd_error_set(err, RD_E_TOO_LARGE, "", "attachments may be at most %zu bytes",
                        svc->attachment_max_bytes);
  if (len == 0)
    return rd_error_set(err, RD_E_INVALID, "body", "the attachment is empty");
  if ((rc = rd_svc_filename_check(filename, err)))
    return rc;
  if (!rd_svc_content_type_valid(content_type))
    return rd_error_set(err, RD_E_INVALID, "Content-Type",
                        "Content-Type must name the file's type, such as image/png");
  memset(out, 0, sizeof *out);
  out->complaint_id = id;
  out->size = (int64_t)len;
  out->content_type = content_type;
  out->filename = filename;
  out->uploaded_by = who->user_id;
  out->uploaded_at = rd_service_now(svc);
  rd_svc_sha256_hex(data, len, out->sha256);
  struct attach_ctx x = {.who = who, .att = out, .data = data, .len = len, .a = a};
  return rd_store_write(svc->store, do_attach, &x, err);
}

enum rd_status
rd_service_attachment_list(struct rd_service *svc, const struct rd_principal *who,
                           int64_t id, struct rd_arena *a,
                           struct rd_attachment **out, size_t *n,
                           struct rd_error *err)
{
  struct rd_complaint c;
  char key[24];
  snprintf(key, sizeof key, "%lld", (long long)id);
  enum rd_status rc = rd_svc_load_visible(svc, who, key, a, &c, err);
  if (rc)
    return rc;
  return rd_store_attachment_list(svc->store, id, a, out, n, err);
}

enum rd_status
rd_service_attachment_get(struct rd_service *svc, const struct rd_principal *who,
                          int64_t attachment_id, struct rd_arena *a,
                          struct rd_attachment *out, const void **data,
                          size_t *len, struct rd_error *err)
{
  struct rd_complaint c;
  char key[24];
  enum rd_status rc = rd_store_attachment_get(svc->store, attachment_id, a, out, err);
  if (rc)
    return rc;
  snprintf(key, sizeof key, "%lld", (long long)out->complaint_id);
  if (rd_svc_load_visible(svc, who, key, a, &c, err) != RD_OK)
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such attachment");
  if (!data)
    return RD_OK;
  /* Its bytes were emptied (or are kept only for another complaint). */
  if (c.anonymised_at)
    return rd_error_set(err, RD_E_NOT_FOUND, "",
                        "the attachment's content was removed by the retention policy");
  if ((rc = rd_store_blob_get(svc->store, out->sha256, a, data, len, err)))
    return rc;
  return rd_svc_audit_read(svc, who, "attachment.read", "attachment", out->id,
                           rd_arena_sprintf(a, "{\"complaint_id\":%lld}",
                                            (long long)out->complaint_id), err);
}
