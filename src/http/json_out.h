/* http/json_out.h - rendering records as the API's JSON (shapes in the brief).
 *
 * Writes straight into an rd_buf (no intermediate tree): list responses of
 * 500 complaints are the hot path. JSON text the store keeps (customer refs,
 * tags, event data, policy clocks) is embedded verbatim. Times are RFC 3339
 * in the zone tz; ids 0 and unset instants are null.
 */
#ifndef RD_HTTP_JSON_OUT_H
#define RD_HTTP_JSON_OUT_H

#include <stdbool.h>
#include <stdint.h>

#include "service/service.h"
#include "util/buf.h"

/* ---- a minimal writer: commas are inserted where JSON needs them ------------ */

void rd_jw_begin_object(struct rd_buf *b);
void rd_jw_end_object(struct rd_buf *b);
void rd_jw_begin_array(struct rd_buf *b);
void rd_jw_end_array(struct rd_buf *b);
void rd_jw_key(struct rd_buf *b, const char *key);
void rd_jw_string(struct rd_buf *b, const char *s);     /* NULL -> null */
void rd_jw_int(struct rd_buf *b, int64_t v);
void rd_jw_id(struct rd_buf *b, int64_t id);            /* 0 -> null */
void rd_jw_bool(struct rd_buf *b, bool v);
void rd_jw_null(struct rd_buf *b);
void rd_jw_double(struct rd_buf *b, double v);
void rd_jw_fen(struct rd_buf *b, int64_t fen);          /* 20000 -> 200.00 */
void rd_jw_time(struct rd_buf *b, int64_t t, const char *tz); /* 0 -> null */
void rd_jw_raw(struct rd_buf *b, const char *json, const char *fallback);

/* ---- records --------------------------------------------------------------- */

void rd_json_complaint(struct rd_buf *b, const struct rd_complaint_view *v,
                       const char *tz);
void rd_json_customer(struct rd_buf *b, const struct rd_customer *cu);
void rd_json_event(struct rd_buf *b, const struct rd_event *ev, const char *tz);
void rd_json_attachment(struct rd_buf *b, const struct rd_attachment *at,
                        const char *tz);
void rd_json_department(struct rd_buf *b, const struct rd_department *d);
void rd_json_site(struct rd_buf *b, const struct rd_site *s);
void rd_json_category(struct rd_buf *b, const struct rd_category *c);
void rd_json_user(struct rd_buf *b, const struct rd_user *u);
void rd_json_policy(struct rd_buf *b, const struct rd_sla_policy *p);
void rd_json_calendar(struct rd_buf *b, const struct rd_calendar *c);
void rd_json_extension(struct rd_buf *b, const struct rd_clock_extension *x,
                       const char *tz);
void rd_json_notification(struct rd_buf *b, const struct rd_notification *n,
                          const char *tz);
/* One clock of a complaint, its times in its calendar's zone. */
void rd_json_clock(struct rd_buf *b, const struct rd_clock_view *cv);
/* secret (may be NULL) is added as "token": only in the answer that creates it. */
void rd_json_token(struct rd_buf *b, const struct rd_api_token *t,
                   const char *secret, const char *tz);
void rd_json_report_row(struct rd_buf *b, const struct rd_report_row *r);

/* Opens {"items":[ ; rd_json_list_end closes it with next_cursor (NULL -> null). */
void rd_json_list_begin(struct rd_buf *b);
void rd_json_list_end(struct rd_buf *b, const char *next_cursor);

#endif
