/* core/validate.h - checks on what a user submits, naming the field at fault.
 *
 * Pure. Each function returns RD_OK or RD_E_INVALID with err->field set to the
 * JSON path of the offending field ("customer.phone", "severity").
 */
#ifndef RD_CORE_VALIDATE_H
#define RD_CORE_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/complaint.h"
#include "util/status.h"

/* Number of Unicode code points in the UTF-8 string s (input already valid UTF-8). */
size_t rd_utf8_length(const char *s);

/* Whether s has a character other than ASCII white space. */
bool rd_has_text(const char *s);

/* A text field: NULL passes unless required (and a required one must have
 * more than white space); else length 1..max code points after trimming
 * nothing (text is stored verbatim), no NUL inside. */
enum rd_status rd_validate_text(const char *field, const char *s, size_t max,
                                bool required, struct rd_error *err);

/* A phone: 3-32 chars of digits, spaces, '+', '-', '(', ')', at least 3 digits. */
enum rd_status rd_validate_phone(const char *field, const char *s,
                                 struct rd_error *err);

/* An email: one '@', something on each side, a dot in the domain, <= 254 chars. */
enum rd_status rd_validate_email(const char *field, const char *s,
                                 struct rd_error *err);

/* A complaint about to be registered: required fields (channel is set by the
 * parser; customer.name or customer.phone; content), lengths, formats, ranges
 * (severity 0-5, anger 0-5), received_at present and not after now + 5 min. */
enum rd_status rd_validate_new_complaint(const struct rd_complaint *c,
                                         int64_t now, struct rd_error *err);

#endif
