/* core/portal.c - the public portal's rules: its form, its lookup, and the
 * customer's view of status and timeline (see portal.h). */
#include "core/portal.h"

#include <string.h>

#include "core/action.h"
#include "core/validate.h"

static size_t
digits_in(const char *s)
{
  size_t n = 0;
  for (; s && *s; s++)
    if (*s >= '0' && *s <= '9')
      n++;
  return n;
}

enum rd_status
rd_portal_validate_submission(const struct rd_portal_submission *s,
                              struct rd_error *err)
{
  enum rd_status rc;
  if ((rc = rd_validate_text("name", s->name, RD_MAX_NAME, true, err)) ||
      (rc = rd_validate_text("phone", s->phone, RD_MAX_PHONE, true, err)) ||
      (rc = rd_validate_phone("phone", s->phone, err)))
    return rc;
  if (digits_in(s->phone) < RD_PORTAL_PHONE_DIGITS_MIN)
    return rd_error_set(err, RD_E_INVALID, "phone",
                        "phone must have at least %d digits",
                        RD_PORTAL_PHONE_DIGITS_MIN);
  if (s->email && *s->email && (rc = rd_validate_email("email", s->email, err)))
    return rc;
  if ((rc = rd_validate_text("subject", s->subject, RD_MAX_SUBJECT, false, err)) ||
      (rc = rd_validate_text("content", s->content, RD_MAX_CONTENT, true, err)) ||
      (rc = rd_validate_text("demands", s->demands, RD_MAX_TEXT, false, err)))
    return rc;
  return RD_OK;
}

enum rd_status
rd_portal_validate_lookup(const char *number, const char *last4,
                          struct rd_error *err)
{
  size_t n = number ? strlen(number) : 0;
  if (n == 0)
    return rd_error_set(err, RD_E_INVALID, "number", "number is required");
  if (n > RD_PORTAL_NUMBER_MAX)
    return rd_error_set(err, RD_E_INVALID, "number",
                        "number is at most %d characters", RD_PORTAL_NUMBER_MAX);
  for (size_t i = 0; i < n; i++)
    if (number[i] <= ' ' || number[i] > '~')
      return rd_error_set(err, RD_E_INVALID, "number",
                          "number is letters, digits and '-', as on the receipt");
  if (!last4 || strlen(last4) != 4 || digits_in(last4) != 4)
    return rd_error_set(err, RD_E_INVALID, "phone_last4",
                        "phone_last4 must be the last four digits of the phone");
  return RD_OK;
}

bool
rd_portal_phone_matches(const char *phone, const char *last4)
{
  char tail[4];
  size_t n = 0;
  if (!phone || !last4 || strlen(last4) != 4)
    return false;
  /* The last four digits, walking back over separators ("010-8888 6666"). */
  for (size_t i = strlen(phone); i > 0 && n < 4; i--)
    if (phone[i - 1] >= '0' && phone[i - 1] <= '9')
      tail[3 - n++] = phone[i - 1];
  if (n < 4)
    return false;
  unsigned diff = 0;
  for (size_t i = 0; i < 4; i++)
    diff |= (unsigned)(unsigned char)(tail[i] ^ last4[i]);
  return diff == 0;
}

const char *
rd_portal_status(enum rd_state s)
{
  switch (s) {
  case RD_STATE_REGISTERED:       return "received";
  case RD_STATE_ASSIGNED:         return "accepted";
  case RD_STATE_IN_PROGRESS:
  case RD_STATE_PENDING_APPROVAL: return "processing";
  case RD_STATE_EXECUTING:        return "executing";
  case RD_STATE_RESOLVED:         return "resolved";
  case RD_STATE_TRANSFERRED:      return "transferred";
  case RD_STATE_CLOSED:           return "closed";
  case RD_STATE_WITHDRAWN:        return "withdrawn";
  case RD_STATE_MERGED:           return "merged";
  case RD_STATE_COUNT:            break;
  }
  return "processing";
}

const char *
rd_portal_step(const struct rd_event *ev)
{
  enum rd_action_kind kind;
  if (!ev->type)
    return NULL;
  if (strcmp(ev->type, RD_EVENT_REGISTERED) == 0)
    return "registered";
  if (!rd_action_parse(ev->type, &kind))
    return NULL;  /* notes, edits, attachments, clocks, survey links */
  switch (kind) {
  case RD_ACT_TRIAGE:
    return ev->to_status == RD_STATE_TRANSFERRED ? "transferred" : "accepted";
  case RD_ACT_ASSIGN:    return "reassigned";
  case RD_ACT_CONTACT:   return "contacted";
  case RD_ACT_PROGRESS:  return "progress";
  case RD_ACT_PROPOSE_PLAN:
    /* A plan sent for approval is not the customer's news yet. */
    return ev->to_status == RD_STATE_EXECUTING ? "executing" : NULL;
  case RD_ACT_APPROVE:   return "executing";
  case RD_ACT_RESOLVE:   return "resolved";
  case RD_ACT_FOLLOW_UP:
    if (ev->to_status == RD_STATE_CLOSED)
      return "closed";
    return ev->to_status == RD_STATE_IN_PROGRESS ? "reopened" : NULL;
  case RD_ACT_CLOSE:
  case RD_ACT_EXPLAIN:   return "closed";
  case RD_ACT_WITHDRAW:  return "withdrawn";
  case RD_ACT_MERGE:     return "merged";
  case RD_ACT_REJECT:
  case RD_ACT_WAIT:
  case RD_ACT_RESUME:
  case RD_ACT_COUNT:     break;
  }
  return NULL;
}

const char *
rd_portal_image_type(const void *data, size_t len)
{
  static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  const unsigned char *p = data;
  if (!p)
    return NULL;
  if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
    return "image/jpeg";
  if (len >= 8 && memcmp(p, png, 8) == 0)
    return "image/png";
  if (len >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
    return "image/webp";
  return NULL;
}
