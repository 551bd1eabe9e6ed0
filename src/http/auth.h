/* http/auth.h - who is asking: session cookie + CSRF, bearer tokens, login throttling.
 *
 * Secrets are checked by the service (hashes, constant time); this module
 * reads them from the request, enforces CSRF on unsafe methods, and counts
 * failed sign-ins on the shared counters (http/throttle.h, kept in the
 * database so every node counts together).
 */
#ifndef RD_HTTP_AUTH_H
#define RD_HTTP_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "http/request.h"
#include "http/throttle.h"

#define RD_SESSION_COOKIE "redress_session"

/* Failures allowed per window before 429, and the window. Per IP is looser:
 * many people may sit behind one address. A user name also has longer
 * windows that allow more (auth.c, user_tiers): failing on after a
 * lockout locks it for longer. */
enum {
  RD_THROTTLE_USER_MAX = 5,
  RD_THROTTLE_IP_MAX = 50,
  RD_THROTTLE_WINDOW_S = 15 * 60,
};

/* Whether a login for username from ip may be tried at now; when not,
 * *retry_after_s says when it may. */
bool rd_throttle_allow(struct rd_throttle *t, const char *username,
                       const char *ip, int64_t now, int *retry_after_s);
/* Counts a failed login against both the username and the ip. */
void rd_throttle_fail(struct rd_throttle *t, const char *username,
                      const char *ip, int64_t now);
/* A successful login clears the username's counts (not the ip's); reads
 * first, so the usual sign-in with no failures behind it writes nothing. */
void rd_throttle_success(struct rd_throttle *t, const char *username,
                         int64_t now);

/* The token of an Authorization header "Bearer <token>" (scheme in any
 * case, spaces before the token skipped; a pointer into authorization),
 * or NULL for any other header. Pure, so it is fuzzed on its own. */
const char *rd_auth_bearer_token(const char *authorization);

/* Authenticates req: a bearer token (Authorization) or the session cookie;
 * with the cookie, POST/PUT/PATCH/DELETE must carry X-CSRF-Token equal to the
 * session's. Sets req->who, req->authenticated, and for cookies
 * req->session_token and req->csrf_token. RD_E_UNAUTHORIZED without valid
 * credentials, RD_E_FORBIDDEN for a missing or wrong CSRF token. */
enum rd_status rd_auth_request(struct rd_request *req, struct rd_error *err);

/* The Set-Cookie value for token (NULL clears the cookie), in the arena. */
const char *rd_auth_cookie(struct rd_request *req, const char *token,
                           int max_age_s);

#endif
