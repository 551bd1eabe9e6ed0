/* http/params.h - pure parsing of what arrives in URLs and headers.
 *
 * No libmicrohttpd here, so each rule is unit-tested on its own: the listen
 * address, ids, If-Match versions, money, instants, and the complaint list's
 * query string. Strings written out come from the caller's arena.
 */
#ifndef RD_HTTP_PARAMS_H
#define RD_HTTP_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "store/store.h"
#include "util/status.h"

struct rd_arena;

/* Parses "host:port" (IPv4 dotted quad, "localhost", or "[v6]:port") into
 * *out / *out_len. Port 0 asks the kernel for one. RD_E_INVALID naming
 * "listen" otherwise. */
enum rd_status rd_http_parse_listen(const char *listen,
                                    struct sockaddr_storage *out,
                                    socklen_t *out_len, struct rd_error *err);

/* A positive decimal id without sign, spaces or leading junk. */
bool rd_http_parse_id(const char *s, int64_t *out);

/* A version from If-Match: "3", W/"3" or 3. False when it is none of those. */
bool rd_http_parse_if_match(const char *v, int *version);

/* Yuan (a JSON number) to fen: false when negative, not finite, above
 * 10^12 yuan, or with more than 2 decimals. */
bool rd_http_yuan_to_fen(double yuan, int64_t *fen);

/* An instant given as RFC 3339 or as a date "2026-11-20" (local midnight in
 * tz; with end_of_day, the midnight that ends that date). RD_E_INVALID
 * naming field. */
enum rd_status rd_http_parse_instant(const char *text, const char *tz,
                                     bool end_of_day, const char *field,
                                     int64_t *out, struct rd_error *err);

/* The report grouping named s; false for an unknown or NULL name. */
bool rd_http_parse_group_by(const char *s, enum rd_group_by *out);

/* Whether s is well-formed UTF-8 (no overlongs, surrogates or bytes past
 * U+10FFFF). URL and header text arrives unchecked; JSON bodies are checked
 * by jansson. */
bool rd_http_utf8_valid(const char *s);

/* Looks up one query-string argument (NULL when absent). */
typedef const char *(*rd_query_fn)(void *ctx, const char *name);

/* Fills *f from the complaint list's query string (see API.md): status,
 * department_id, severity, category_id, site_id, channel, assignee_id,
 * overdue, customer_phone, q, from, to, sort, limit, cursor. Unknown
 * arguments are ignored; a bad value is RD_E_INVALID naming the argument.
 * f->now is left for the caller. */
enum rd_status rd_http_parse_filter(rd_query_fn query, void *ctx,
                                    const char *tz, struct rd_arena *a,
                                    struct rd_complaint_filter *f,
                                    struct rd_error *err);

#endif
