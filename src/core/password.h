/* core/password.h - the password policy: what a new password must be.
 *
 * Pure: no I/O, no hashing (service/auth.c hashes). Applied wherever a
 * password is set (the users API, `redress user add`, `redress init`, the
 * self-service change); never at sign-in, so an older, weaker password
 * still signs in until it is changed. docs/security.md explains the choice.
 */
#ifndef RD_CORE_PASSWORD_H
#define RD_CORE_PASSWORD_H

#include "util/status.h"

enum {
  RD_PASSWORD_MIN_CHARS = 10,    /* code points */
  RD_PASSWORD_MAX_BYTES = 1024,
  RD_PASSWORD_MIN_CLASSES = 2,   /* of lower case, upper case, digits, other */
  RD_PASSWORD_NAME_MIN = 3,      /* user names shorter than this may occur by chance */
};

/* RD_OK when password may be set for the user called username (may be NULL
 * when not known); else RD_E_INVALID with err->field = field and a detail
 * naming the rule it breaks: length, kinds of characters, containing the
 * user name, or being a common password (also with digits or symbols
 * added before or after it). */
enum rd_status rd_password_check(const char *field, const char *username,
                                 const char *password, struct rd_error *err);

#endif
