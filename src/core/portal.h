/* core/portal.h - what the public customer portal accepts and what it shows.
 *
 * Pure. A customer submits a complaint without signing in, follows it with
 * its number and the last four digits of the phone, and sees a status and a
 * timeline made for them: the steps, never the notes, amounts, reasons or
 * staff behind them. Strings returned are static.
 */
#ifndef RD_CORE_PORTAL_H
#define RD_CORE_PORTAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/complaint.h"
#include "core/event.h"
#include "util/status.h"

enum {
  RD_PORTAL_PHONE_DIGITS_MIN = 7,   /* a reachable phone has at least this many */
  RD_PORTAL_NUMBER_MAX = 40,        /* longer than any complaint number */
};

/* What a customer fills in on the public form (strings borrowed). */
struct rd_portal_submission {
  const char *name, *phone, *email, *subject, *content, *demands;
};

/* Required name, phone (with at least RD_PORTAL_PHONE_DIGITS_MIN digits)
 * and content, none blank; lengths and formats as for staff intake. Names
 * the field as the portal's form sends it ("name", "phone"). */
enum rd_status rd_portal_validate_submission(const struct rd_portal_submission *s,
                                             struct rd_error *err);

/* A progress lookup: number (1..RD_PORTAL_NUMBER_MAX printable ASCII) and
 * phone_last4 (exactly four ASCII digits). */
enum rd_status rd_portal_validate_lookup(const char *number, const char *last4,
                                         struct rd_error *err);

/* Whether the last four digits of phone are last4; the comparison takes the
 * same time whichever digit differs. False when phone has fewer than four. */
bool rd_portal_phone_matches(const char *phone, const char *last4);

/* The status as the customer is told it, a message-catalog key suffix:
 * received, accepted, processing, executing, resolved, closed, transferred,
 * withdrawn, merged. Approval is the organisation's business: a plan
 * waiting for it is still "processing". */
const char *rd_portal_status(enum rd_state s);

/* The public step an event shows as, or NULL when the customer does not see
 * it (notes, edits, attachments, clocks, rejected plans, waiting, a follow-up
 * that did not reach them): registered, accepted, reassigned, transferred,
 * contacted, progress, executing, resolved, reopened, closed, withdrawn,
 * merged. An accepted or reassigned step may name the department. */
const char *rd_portal_step(const struct rd_event *ev);

/* The media type of a photo by its first bytes: "image/jpeg", "image/png"
 * or "image/webp"; NULL for anything else, whatever the client claimed. */
const char *rd_portal_image_type(const void *data, size_t len);

#endif
