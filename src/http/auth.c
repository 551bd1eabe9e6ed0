/* http/auth.c - credentials from the request, CSRF, and login throttling. */
#include "http/auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"

/* ---- login throttling ----------------------------------------------------------
 * Failures only, counted per user name and per address on the shared
 * counters (http/throttle.c, in the database): a sign-in costs four reads
 * (microseconds beside its argon2id hash), a failure four writes more.
 *
 * A user name's failures are counted in three windows at once, each
 * allowing more than the one before: 5 in 15 minutes, 10 in an hour, 20 in
 * a day. Whichever is full locks the name until its window ends, so a
 * guesser who waits out the first lockout and fails on is locked until the
 * hour is over, then until the day is: a back-off that needs no state
 * beyond the counters. */

static const struct {
  const char *kind;     /* key prefix */
  int max, window_s;
} user_tiers[] = {
  { "u",  RD_THROTTLE_USER_MAX,     RD_THROTTLE_WINDOW_S },
  { "uh", 2 * RD_THROTTLE_USER_MAX, 60 * 60 },
  { "ud", 4 * RD_THROTTLE_USER_MAX, 24 * 60 * 60 },
};
enum { USER_TIERS = sizeof user_tiers / sizeof *user_tiers };

static void
make_key(char *buf, const char *kind, const char *value)
{
  snprintf(buf, RD_THROTTLE_KEY_MAX, "%s:%s", kind, value ? value : "");
}

bool
rd_throttle_allow(struct rd_throttle *t, const char *username, const char *ip,
                  int64_t now, int *retry_after_s)
{
  char key[RD_THROTTLE_KEY_MAX];
  bool ok = true;
  int wait;

  *retry_after_s = 0;
  for (size_t i = 0; i < USER_TIERS; i++) {
    make_key(key, user_tiers[i].kind, username);
    if (!rd_throttle_check(t, key, user_tiers[i].max, now, &wait)) {
      ok = false;
      if (wait > *retry_after_s)
        *retry_after_s = wait;
    }
  }
  make_key(key, "ip", ip);
  if (!rd_throttle_check(t, key, RD_THROTTLE_IP_MAX, now, &wait)) {
    ok = false;
    if (wait > *retry_after_s)
      *retry_after_s = wait;
  }
  return ok;
}

void
rd_throttle_fail(struct rd_throttle *t, const char *username, const char *ip,
                 int64_t now)
{
  char key[RD_THROTTLE_KEY_MAX];
  for (size_t i = 0; i < USER_TIERS; i++) {
    make_key(key, user_tiers[i].kind, username);
    rd_throttle_count(t, key, user_tiers[i].window_s, now);
  }
  make_key(key, "ip", ip);
  rd_throttle_count(t, key, RD_THROTTLE_WINDOW_S, now);
}

void
rd_throttle_success(struct rd_throttle *t, const char *username, int64_t now)
{
  char key[RD_THROTTLE_KEY_MAX];
  int wait;
  for (size_t i = 0; i < USER_TIERS; i++) {
    make_key(key, user_tiers[i].kind, username);
    if (!rd_throttle_check(t, key, 1, now, &wait))  /* at least one failure */
      rd_throttle_clear(t, key);
  }
}

/* ---- authenticating a request -------------------------------------------------- */

static bool
is_unsafe(const char *method)
{
  return strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
         strcmp(method, "PATCH") == 0 || strcmp(method, "DELETE") == 0;
}

const char *
rd_auth_bearer_token(const char *authorization)
{
  /* The scheme is case-insensitive (RFC 7235). */
  if (strncasecmp(authorization, "Bearer ", 7) != 0 || !authorization[7])
    return NULL;
  const char *token = authorization + 7;
  while (*token == ' ')
    token++;
  return token;
}

enum rd_status
rd_auth_request(struct rd_request *req, struct rd_error *err)
{
  const char *authz = rd_request_header(req, "Authorization");
  if (authz) {
    const char *token = rd_auth_bearer_token(authz);
    if (!token)
      return rd_error_set(err, RD_E_UNAUTHORIZED, NULL,
                          "Authorization must be 'Bearer <token>'");
    if (rd_service_token_principal(req->svc, token, req->arena, &req->who, err) != RD_OK)
      return err->code;
    req->who.client_addr = rd_request_client_ip(req);   /* for the audit log */
    req->authenticated = true;
    return RD_OK;
  }

  const char *cookie = rd_request_cookie(req, RD_SESSION_COOKIE);
  if (!cookie || !*cookie)
    return rd_error_set(err, RD_E_UNAUTHORIZED, NULL, "sign in first");
  const char *csrf = NULL;
  if (rd_service_session_principal(req->svc, cookie, req->arena, &req->who,
                                   &csrf, err) != RD_OK)
    return err->code;
  if (is_unsafe(req->method)) {
    /* A cross-site form can send the cookie but cannot read the token. */
    const char *sent = rd_request_header(req, "X-CSRF-Token");
    size_t n = csrf ? strlen(csrf) : 0;
    if (!sent || !csrf || strlen(sent) != n || n == 0 ||
        sodium_memcmp(sent, csrf, n) != 0)
      return rd_error_set(err, RD_E_FORBIDDEN, NULL,
                          "missing or wrong X-CSRF-Token header");
  }
  req->session_token = cookie;
  req->csrf_token = csrf;
  req->who.client_addr = rd_request_client_ip(req);     /* for the audit log */
  req->authenticated = true;
  return RD_OK;
}

const char *
rd_auth_cookie(struct rd_request *req, const char *token, int max_age_s)
{
  /* Secure whenever the request came over TLS (as a trusted proxy tells),
   * so the browser never sends the session over plain HTTP after that. */
  const char *secure = rd_request_over_tls(req) ? "; Secure" : "";
  if (!token)
    return rd_arena_sprintf(req->arena,
                            RD_SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; "
                            "SameSite=Strict%s", secure);
  return rd_arena_sprintf(req->arena,
                          RD_SESSION_COOKIE "=%s; Path=/; Max-Age=%d; HttpOnly; "
                          "SameSite=Strict%s", token, max_age_s, secure);
}
