/* core/validate.c - field checks that name the field at fault. */
#include "core/validate.h"

#include <string.h>

/* How far a received_at may lie in the future: clocks of PCs and phones drift. */
enum { FUTURE_SLACK_S = 5 * 60 };

size_t
rd_utf8_length(const char *s)
{
  /* Every code point has exactly one byte that is not a continuation byte
   * (10xxxxxx); the input was validated as UTF-8 by the JSON parser. */
  size_t n = 0;
  if (!s)
    return 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if ((*p & 0xC0) != 0x80)
      n++;
  return n;
}

bool
rd_has_text(const char *s)
{
  if (!s)
    return false;
  for (; *s; s++)
    if (!strchr(" \t\r\n\f\v", *s))
      return true;
  return false;
}

enum rd_status
rd_validate_text(const char *field, const char *s, size_t max, bool required,
                 struct rd_error *err)
{
  /* A required text of only white space says nothing: as good as missing. */
  if (!s || !*s || (required && !rd_has_text(s))) {
    if (required)
      return rd_error_set(err, RD_E_INVALID, field, "%s is required", field);
    return RD_OK;
  }
  size_t n = rd_utf8_length(s);
  if (n > max)
    return rd_error_set(err, RD_E_INVALID, field,
                        "%s is %zu characters long; at most %zu are allowed",
                        field, n, max);
  return RD_OK;
}

enum rd_status
rd_validate_phone(const char *field, const char *s, struct rd_error *err)
{
  size_t n = s ? strlen(s) : 0, digits = 0;
  if (n < 3 || n > RD_MAX_PHONE)
    goto bad;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c >= '0' && c <= '9')
      digits++;
    else if (!strchr(" +-()", c))
      goto bad;
  }
  if (digits >= 3)
    return RD_OK;
bad:
  return rd_error_set(err, RD_E_INVALID, field,
                      "%s must be 3 to 32 characters of digits, spaces, + - ( )",
                      field);
}

enum rd_status
rd_validate_email(const char *field, const char *s, struct rd_error *err)
{
  const char *at = s ? strchr(s, '@') : NULL;
  size_t n = s ? strlen(s) : 0;
  if (n > RD_MAX_EMAIL || !at || at == s || strchr(at + 1, '@') ||
      !strchr(at + 1, '.') || at[1] == '.' || s[n - 1] == '.' ||
      strpbrk(s, " \t\r\n<>\",;"))
    return rd_error_set(err, RD_E_INVALID, field,
                        "%s must be an email address such as name@example.com",
                        field);
  return RD_OK;
}

enum rd_status
rd_validate_new_complaint(const struct rd_complaint *c, int64_t now,
                          struct rd_error *err)
{
  enum rd_status rc;
  const struct rd_customer *cu = &c->customer;

  if ((unsigned)c->channel >= RD_CHANNEL_COUNT)
    return rd_error_set(err, RD_E_INVALID, "channel", "channel is not known");
  if ((!cu->name || !*cu->name) && (!cu->phone || !*cu->phone))
    return rd_error_set(err, RD_E_INVALID, "customer",
                        "customer.name or customer.phone is required");
  if ((rc = rd_validate_text("customer.name", cu->name, RD_MAX_NAME, false, err)))
    return rc;
  if (cu->phone && *cu->phone &&
      (rc = rd_validate_phone("customer.phone", cu->phone, err)))
    return rc;
  if (cu->email && *cu->email &&
      (rc = rd_validate_email("customer.email", cu->email, err)))
    return rc;
  if ((rc = rd_validate_text("content", c->content, RD_MAX_CONTENT, true, err)) ||
      (rc = rd_validate_text("subject", c->subject, RD_MAX_SUBJECT, false, err)) ||
      (rc = rd_validate_text("demands", c->demands, RD_MAX_TEXT, false, err)) ||
      (rc = rd_validate_text("restatement", c->restatement, RD_MAX_TEXT, false, err)) ||
      (rc = rd_validate_text("external_ref", c->external_ref, RD_MAX_SHORT, false, err)))
    return rc;
  if (c->severity < 0 || c->severity > 5)
    return rd_error_set(err, RD_E_INVALID, "severity", "severity must be 1 to 5");
  if (c->anger < 0 || c->anger > 5)
    return rd_error_set(err, RD_E_INVALID, "anger", "anger must be 1 to 5");
  if (c->received_at <= 0)
    return rd_error_set(err, RD_E_INVALID, "received_at", "received_at is required");
  if (c->received_at > now + FUTURE_SLACK_S)
    return rd_error_set(err, RD_E_INVALID, "received_at",
                        "received_at lies in the future");
  return RD_OK;
}
