/* service/service_int.h - what the service's own files share: the struct and
 * the checks every use case makes (scope, views). Not for other layers.
 */
#ifndef RD_SERVICE_SERVICE_INT_H
#define RD_SERVICE_SERVICE_INT_H

#include "service/service.h"

struct rd_service {
  struct rd_store *store;
  char timezone[64];
  char number_prefix[16];
  size_t attachment_max_bytes;
  int session_ttl_s;
  rd_clock_fn clock;
  void *clock_ctx;
};

/* Whether who may see complaint c at all (department scope, SPEC §4). */
bool rd_svc_can_see(const struct rd_principal *who, const struct rd_complaint *c);

/* Fills view from c for who: PII masking and allowed actions. Strings are
 * rewritten into a. */
void rd_svc_view(const struct rd_principal *who, const struct rd_complaint *c,
                 struct rd_arena *a, struct rd_complaint_view *view);

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

#endif
