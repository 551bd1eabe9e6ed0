/* http/handlers.h - small pieces the h_*.c handlers share.
 *
 * Each helper that can fail replies itself (problem+json) and returns false,
 * so a handler reads `if (!rd_h_...(req, ...)) return;`.
 */
#ifndef RD_HTTP_HANDLERS_H
#define RD_HTTP_HANDLERS_H

#include <stdbool.h>
#include <stdint.h>

#include "http/request.h"

/* The service's display zone, for rendering times. */
const char *rd_h_tz(struct rd_request *req);

/* The numeric path parameter name; 404 when it is not a positive integer. */
bool rd_h_path_id(struct rd_request *req, const char *name, int64_t *id);

/* The complaint id of path parameter "id", which may be an id or a number
 * (TS20261120-000001; resolved through the service, so scope applies). */
bool rd_h_complaint_id(struct rd_request *req, int64_t *id);

/* The expected version: If-Match wins over the body's "version" field
 * (0 = absent). When required and neither is there: 422 naming "version". */
bool rd_h_expected_version(struct rd_request *req, int body_version, bool required,
                  int *version);

/* Replies with the complaint view as JSON. */
void rd_h_reply_complaint(struct rd_request *req, unsigned status,
                          const struct rd_complaint_view *v);

#endif
