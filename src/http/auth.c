/* http/auth.c - credentials from the request, CSRF, and login throttling. */
#include "http/auth.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/mem.h"

/* ---- throttling --------------------------------------------------------------
 * A small fixed table scanned linearly: a login costs an argon2id hash
 * (tens of ms), so a scan of a few thousand slots is noise, and the table
 * cannot grow without bound under a spray of usernames. */

enum { SLOTS = 4096, KEY_MAX = 96 };

struct slot {
  char key[KEY_MAX];      /* "u:name" or "ip:addr"; "" = free */
  int failures;
  int64_t window_start;
};

struct rd_throttle {
  pthread_mutex_t lock;
  struct slot slots[SLOTS];
};

struct rd_throttle *
rd_throttle_new(void)
{
  struct rd_throttle *t = rd_xcalloc(1, sizeof *t);
  pthread_mutex_init(&t->lock, NULL);
  return t;
}

void
rd_throttle_free(struct rd_throttle *t)
{
  if (!t)
    return;
  pthread_mutex_destroy(&t->lock);
  free(t);
}

/* The slot of key, or NULL. Expired windows count as absent. Lock held. */
static struct slot *
find(struct rd_throttle *t, const char *key, int64_t now)
{
  for (size_t i = 0; i < SLOTS; i++) {
    struct slot *s = &t->slots[i];
    if (s->key[0] && strcmp(s->key, key) == 0) {
      if (now - s->window_start >= RD_THROTTLE_WINDOW_S) {
        s->key[0] = '\0';
        return NULL;
      }
      return s;
    }
  }
  return NULL;
}

/* A slot for key: its own, a free or expired one, else the oldest. Lock held. */
static struct slot *
claim(struct rd_throttle *t, const char *key, int64_t now)
{
  struct slot *s = find(t, key, now), *oldest = &t->slots[0];
  if (s)
    return s;
  for (size_t i = 0; i < SLOTS; i++) {
    s = &t->slots[i];
    if (!s->key[0] || now - s->window_start >= RD_THROTTLE_WINDOW_S) {
      oldest = s;
      break;
    }
    if (s->window_start < oldest->window_start)
      oldest = s;
  }
  snprintf(oldest->key, sizeof oldest->key, "%s", key);
  oldest->failures = 0;
  oldest->window_start = now;
  return oldest;
}

static void
make_key(char *buf, const char *kind, const char *value)
{
  snprintf(buf, KEY_MAX, "%s:%s", kind, value ? value : "");
}

bool
rd_throttle_allow(struct rd_throttle *t, const char *username, const char *ip,
                  int64_t now, int *retry_after_s)
{
  char ku[KEY_MAX], ki[KEY_MAX];
  make_key(ku, "u", username);
  make_key(ki, "ip", ip);
  bool allow = true;
  int64_t until = 0;
  pthread_mutex_lock(&t->lock);
  struct slot *su = find(t, ku, now), *si = find(t, ki, now);
  if (su && su->failures >= RD_THROTTLE_USER_MAX) {
    allow = false;
    until = su->window_start + RD_THROTTLE_WINDOW_S;
  }
  if (si && si->failures >= RD_THROTTLE_IP_MAX) {
    allow = false;
    if (si->window_start + RD_THROTTLE_WINDOW_S > until)
      until = si->window_start + RD_THROTTLE_WINDOW_S;
  }
  pthread_mutex_unlock(&t->lock);
  *retry_after_s = allow ? 0 : (int)(until - now > 0 ? until - now : 1);
  return allow;
}

void
rd_throttle_fail(struct rd_throttle *t, const char *username, const char *ip,
                 int64_t now)
{
  char ku[KEY_MAX], ki[KEY_MAX];
  make_key(ku, "u", username);
  make_key(ki, "ip", ip);
  pthread_mutex_lock(&t->lock);
  claim(t, ku, now)->failures++;
  claim(t, ki, now)->failures++;
  pthread_mutex_unlock(&t->lock);
}

void
rd_throttle_success(struct rd_throttle *t, const char *username)
{
  char ku[KEY_MAX];
  make_key(ku, "u", username);
  pthread_mutex_lock(&t->lock);
  for (size_t i = 0; i < SLOTS; i++)
    if (strcmp(t->slots[i].key, ku) == 0)
      t->slots[i].key[0] = '\0';
  pthread_mutex_unlock(&t->lock);
}

/* ---- authenticating a request -------------------------------------------------- */

static bool
is_unsafe(const char *method)
{
  return strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
         strcmp(method, "PATCH") == 0 || strcmp(method, "DELETE") == 0;
}

enum rd_status
rd_auth_request(struct rd_request *req, struct rd_error *err)
{
  const char *authz = rd_request_header(req, "Authorization");
  if (authz) {
    /* The scheme is case-insensitive (RFC 7235). */
    if (strncasecmp(authz, "Bearer ", 7) != 0 || !authz[7])
      return rd_error_set(err, RD_E_UNAUTHORIZED, NULL,
                          "Authorization must be 'Bearer <token>'");
    const char *token = authz + 7;
    while (*token == ' ')
      token++;
    if (rd_service_token_principal(req->svc, token, req->arena, &req->who, err) != RD_OK)
      return err->code;
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
  req->authenticated = true;
  return RD_OK;
}

const char *
rd_auth_cookie(struct rd_request *req, const char *token, int max_age_s)
{
  const char *secure = req->http->opt.secure_cookies ? "; Secure" : "";
  if (!token)
    return rd_arena_sprintf(req->arena,
                            RD_SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; "
                            "SameSite=Strict%s", secure);
  return rd_arena_sprintf(req->arena,
                          RD_SESSION_COOKIE "=%s; Path=/; Max-Age=%d; HttpOnly; "
                          "SameSite=Strict%s", token, max_age_s, secure);
}
