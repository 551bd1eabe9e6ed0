/* http/json_in.h - strict parsing of request bodies into domain records.
 *
 * jansson with JSON_REJECT_DUPLICATES: malformed JSON (or not an object) is
 * RD_E_MALFORMED; a present key of the wrong type is RD_E_INVALID naming it
 * ("severity must be an integer"); a key the body does not have, at any
 * depth, is RD_E_INVALID naming it ("unknown field \"customer.nmae\""),
 * except customer.refs, whose keys are the client's; null counts as absent
 * unless said otherwise. Read-only keys that GET shows of a record (id, a
 * category's level, a calendar's version...) are accepted and ignored, so a
 * client may PUT back what it read. Strings are copied into the arena a, so
 * the records live as long as the request.
 */
#ifndef RD_HTTP_JSON_IN_H
#define RD_HTTP_JSON_IN_H

#include <stddef.h>

#include "service/service.h"

struct rd_arena;

/* The create body of API.md: channel (required), received_at, customer{name,
 * phone,email,refs}, subject, content, demands, restatement, site_id,
 * category_id, severity, anger, external_ref, tags. */
enum rd_status rd_json_read_complaint(const char *body, size_t len,
                                      struct rd_arena *a,
                                      struct rd_complaint *out,
                                      struct rd_error *err);

/* An action body: sets out->fields for each present key; amount (yuan, at
 * most 2 decimals) to amount_fen; into as id or number text. *version gets
 * a "version" field (0 when absent). An empty body is {}. */
enum rd_status rd_json_read_action(const char *body, size_t len,
                                   struct rd_arena *a, enum rd_action_kind kind,
                                   struct rd_action *out, int *version,
                                   struct rd_error *err);

/* A PATCH body: present keys set RD_P_* bits; "status" is refused (use an
 * action). *version gets a "version" field (0 when absent). patch->
 * changes_json is the body as sent. */
enum rd_status rd_json_read_patch(const char *body, size_t len,
                                  struct rd_arena *a,
                                  struct rd_complaint_patch *out, int *version,
                                  struct rd_error *err);

/* {"username","password"} (both required strings). */
enum rd_status rd_json_read_login(const char *body, size_t len,
                                  struct rd_arena *a, const char **username,
                                  const char **password, struct rd_error *err);

/* {"note"} (required string). */
enum rd_status rd_json_read_note(const char *body, size_t len,
                                 struct rd_arena *a, const char **note,
                                 struct rd_error *err);

/* {"name","user_id"}: name required, user_id optional (0). */
enum rd_status rd_json_read_token(const char *body, size_t len,
                                  struct rd_arena *a, const char **name,
                                  int64_t *user_id, struct rd_error *err);

/* Organisation records. Present keys overwrite *inout, absent keys keep its
 * value, so the same call serves create (from defaults) and PUT (from the
 * stored record). */
enum rd_status rd_json_read_department(const char *body, size_t len,
                                       struct rd_arena *a,
                                       struct rd_department *inout,
                                       struct rd_error *err);
enum rd_status rd_json_read_site(const char *body, size_t len,
                                 struct rd_arena *a, struct rd_site *inout,
                                 struct rd_error *err);
enum rd_status rd_json_read_category(const char *body, size_t len,
                                     struct rd_arena *a,
                                     struct rd_category *inout,
                                     struct rd_error *err);
/* *password is NULL when the body has none. */
enum rd_status rd_json_read_user(const char *body, size_t len,
                                 struct rd_arena *a, struct rd_user *inout,
                                 const char **password, struct rd_error *err);
/* match fields take a scalar, an array or null; approval.amount_over is in
 * yuan; clocks is kept as compact JSON text. */
enum rd_status rd_json_read_policy(const char *body, size_t len,
                                   struct rd_arena *a,
                                   struct rd_sla_policy *inout,
                                   struct rd_error *err);

/* The string fields keys[0..n) of an object body into out (NULL when absent
 * or null); an empty body is {} when empty_ok. Whether one is required is
 * the service's to say. */
enum rd_status rd_json_read_strings(const char *body, size_t len, bool empty_ok,
                                    struct rd_arena *a, const char *const *keys,
                                    const char **out, size_t n,
                                    struct rd_error *err);

/* A calendar document (API.md): name, timezone, week {mon..sun: [["09:00",
 * "12:00"], ...]} (a day left out has no hours; other keys are refused),
 * workday_hours, holidays and workdays (dates, sorted and de-duplicated
 * here). Keys left out keep inout's value. */
enum rd_status rd_json_read_calendar(const char *body, size_t len,
                                     struct rd_arena *a,
                                     struct rd_calendar *inout,
                                     struct rd_error *err);

/* {"from": RFC 3339, "target": "30m"}: both required. */
enum rd_status rd_json_read_due(const char *body, size_t len, struct rd_arena *a,
                                int64_t *from, const char **target,
                                struct rd_error *err);

/* {"from": RFC 3339, "to": RFC 3339}: both required. */
enum rd_status rd_json_read_elapsed(const char *body, size_t len, int64_t *from,
                                    int64_t *to, struct rd_error *err);

/* A satisfaction survey's answer: {"satisfied": bool, "score": 1-5,
 * "comment": text}; has_* say which were present (the service requires
 * them and checks the range). */
enum rd_status rd_json_read_survey_answer(const char *body, size_t len,
                                          struct rd_arena *a,
                                          struct rd_survey_answer *out,
                                          struct rd_error *err);

#endif
