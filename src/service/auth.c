/* service/auth.c - passwords (argon2id), sessions and API tokens.
 *
 * Secrets (session tokens, API tokens) are 256 random bits shown to the
 * client once; only their SHA-256 is stored, so a stolen database opens no
 * session and looking one up costs a hash, not a password check.
 */
#include "service/service_int.h"

#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/password.h"
#include "core/validate.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"

enum { SECRET_BYTES = 32 };

/* How stale a session's last_seen_at may be: use is written to the store
 * only when the recorded one is older than this, so a busy console costs
 * one small write a minute, not one per request (and none at all while the
 * credential cache answers). The price: the idle limit is counted from a
 * last use up to SESSION_TOUCH_S + CREDCACHE_TTL_S seconds before the real
 * one, so a session may end about a minute before the full idle limit,
 * never after it. */
enum { SESSION_TOUCH_S = 60 };

/* At most this many argon2id computations at once: each takes 64 MiB, so a
 * burst of sign-ins (right or wrong) waits here instead of exhausting memory. */
enum { HASHES_AT_ONCE = 4 };
static sem_t hash_slots;
static pthread_once_t hash_slots_once = PTHREAD_ONCE_INIT;

static void
init_hash_slots(void)
{
  sem_init(&hash_slots, 0, HASHES_AT_ONCE);
}

static void
take_hash_slot(void)
{
  pthread_once(&hash_slots_once, init_hash_slots);
  while (sem_wait(&hash_slots) != 0)
    ; /* interrupted by a signal: wait again */
}

/* 0 when password matches the argon2id string hash. */
static int
verify_password(const char *hash, const char *password)
{
  take_hash_slot();
  int rc = crypto_pwhash_str_verify(hash, password, strlen(password));
  sem_post(&hash_slots);
  return rc;
}

enum rd_status
rd_service_password_hash(const char *password, char *out, size_t out_len,
                         struct rd_error *err)
{
  if (out_len < crypto_pwhash_STRBYTES)
    return rd_error_set(err, RD_E_INTERNAL, "", "hash buffer too small");
  /* INTERACTIVE limits: about 50 ms and 64 MiB per login on this class of
   * machine; logins are rare next to requests, which never hash passwords. */
  take_hash_slot();
  int rc = crypto_pwhash_str(out, password, strlen(password),
                             crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE);
  sem_post(&hash_slots);
  if (rc != 0)
    return rd_error_set(err, RD_E_INTERNAL, "", "password hashing ran out of memory");
  return RD_OK;
}

/* 256 random bits as 64 hex characters, in the arena. */
static char *
new_secret(struct rd_arena *a)
{
  unsigned char raw[SECRET_BYTES];
  randombytes_buf(raw, sizeof raw);
  char *hex = rd_arena_alloc(a, SECRET_BYTES * 2 + 1);
  sodium_bin2hex(hex, SECRET_BYTES * 2 + 1, raw, sizeof raw);
  sodium_memzero(raw, sizeof raw);
  return hex;
}

/* A hash verified when the user does not exist, so that answer takes as
 * long as a wrong password and user names cannot be probed by timing. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
make_dummy_hash(void)
{
  struct rd_error ignored = {0};
  rd_service_password_hash("redress-timing-equaliser", dummy_hash,
                           sizeof dummy_hash, &ignored);
}

static void
principal_of(const struct rd_user *u, struct rd_principal *out)
{
  out->user_id = u->id;
  out->username = u->username;
  out->display_name = u->display_name;
  out->role = u->role;
  out->department_id = u->department_id;
  out->locale = u->locale ? u->locale : "zh-CN";
  out->client_addr = NULL;   /* per request: the HTTP layer sets it */
  out->customer = false;
}

struct session_ctx {
  const struct rd_session *session;
  const struct rd_principal *who;
};

static enum rd_status
put_session(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct session_ctx *s = ctx;
  /* Sweeping expired sessions at each login keeps the table small without
   * a job; the index on expires_at makes it cheap. */
  enum rd_status rc = rd_tx_session_purge(tx, s->session->created_at, err);
  if (rc || (rc = rd_tx_session_put(tx, s->session, err)))
    return rc;
  return rd_svc_audit(tx, s->who, s->session->created_at, "login.ok", "user",
                      s->who->user_id, NULL, err);
}

struct login_failure {
  struct rd_audit_entry e;
};

static enum rd_status
put_login_failure(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct login_failure *f = ctx;
  return rd_tx_audit_append(tx, &f->e, err);
}

/* Records a refused sign-in: the user whose name was tried (0 when none has
 * it) and, for an unknown name, the name itself, so attacks on accounts
 * show. The answer stays the refusal whatever this returns. */
static void
audit_login_failure(struct rd_service *svc, const char *username,
                    int64_t user_id, const char *client_addr, struct rd_arena *a)
{
  struct rd_buf b = {0};
  struct rd_error ignored = {0};
  rd_buf_puts(&b, "{\"username\":");
  rd_buf_json_string(&b, username);
  rd_buf_putc(&b, '}');
  struct login_failure f = {.e = {
    .at = rd_service_now(svc),
    .actor = "user",
    .user_id = user_id,
    .client_addr = client_addr && *client_addr ? client_addr : NULL,
    .action = "login.failed",
    .object_kind = user_id ? "user" : NULL,
    .object_id = user_id,
    .detail_json = user_id ? NULL : rd_arena_strdup(a, b.data),
  }};
  rd_buf_free(&b);
  if (rd_store_write(svc->store, put_login_failure, &f, &ignored) != RD_OK)
    rd_log_warn("audit: a failed sign-in could not be recorded: %s", ignored.detail);
}

enum rd_status
rd_service_login(struct rd_service *svc, const char *username,
                 const char *password, const char *client_addr,
                 struct rd_arena *a, struct rd_login *out, struct rd_error *err)
{
  struct rd_user u;
  struct rd_error ignored = {0};
  if (!username || !*username)
    return rd_error_set(err, RD_E_INVALID, "username", "username is required");
  if (!password || !*password)
    return rd_error_set(err, RD_E_INVALID, "password", "password is required");

  enum rd_status rc = rd_store_user_by_name(svc->store, username, a, &u, &ignored);
  if (rc == RD_E_NOT_FOUND || (rc == RD_OK && (!u.active || !u.password_hash))) {
    pthread_once(&dummy_once, make_dummy_hash);
    int same_cost = verify_password(dummy_hash, password);
    (void)same_cost; /* the outcome is irrelevant: only the time spent counts */
    audit_login_failure(svc, username, rc == RD_OK ? u.id : 0, client_addr, a);
    return rd_error_set(err, RD_E_UNAUTHORIZED, "", "wrong username or password");
  }
  if (rc != RD_OK) {
    if (err) {
      *err = ignored;
      err->field[0] = '\0';
    }
    return rc;
  }
  if (verify_password(u.password_hash, password) != 0) {
    audit_login_failure(svc, username, u.id, client_addr, a);
    return rd_error_set(err, RD_E_UNAUTHORIZED, "", "wrong username or password");
  }

  int64_t now = rd_service_now(svc);
  struct rd_session s = {0};
  const char *token = new_secret(a);
  rd_svc_sha256_hex(token, strlen(token), s.token_sha256);
  s.user_id = u.id;
  s.csrf_token = new_secret(a);
  s.created_at = now;
  s.last_seen_at = now;
  s.expires_at = now + svc->session_ttl_s;
  struct rd_principal who = {0};
  principal_of(&u, &who);
  who.client_addr = client_addr;
  struct session_ctx ctx = {&s, &who};
  if ((rc = rd_store_write(svc->store, put_session, &ctx, err)) != RD_OK)
    return rc;
  out->session_token = token;
  out->csrf_token = s.csrf_token;
  out->expires_at = s.expires_at;
  out->user = u;
  out->user.password_hash = NULL;
  return RD_OK;
}

struct logout_ctx {
  char hash[65];
};

static enum rd_status
delete_session(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct logout_ctx *l = ctx;
  return rd_tx_session_delete(tx, l->hash, err);
}

enum rd_status
rd_service_logout(struct rd_service *svc, const char *session_token,
                  struct rd_error *err)
{
  if (!session_token || !*session_token)
    return RD_OK;
  struct logout_ctx l;
  rd_svc_sha256_hex(session_token, strlen(session_token), l.hash);
  rd_credcache_forget(&svc->creds, l.hash);
  return rd_store_write(svc->store, delete_session, &l, err);
}

/* ---- ending a user's sessions --------------------------------------------------- */

struct end_sessions_ctx {
  const struct rd_principal *who;
  int64_t user_id;
  const char *keep_hash;       /* NULL: end them all */
  const char *action;          /* the audit row's */
  const char *password_hash;   /* set too (a password change); NULL: not */
  const char *checked_hash;    /* ... if the user's hash is still this one */
  int64_t now;
};

static enum rd_status
end_sessions(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct end_sessions_ctx *x = ctx;
  enum rd_status rc = RD_OK;
  if (x->password_hash)
    rc = rd_tx_user_set_password(tx, x->user_id, x->checked_hash, x->password_hash, err);
  if (rc || (rc = rd_tx_session_delete_user(tx, x->user_id, x->keep_hash, err)))
    return rc;
  return rd_svc_audit(tx, x->who, x->now, x->action, "user", x->user_id, NULL, err);
}

/* Runs x, then makes this node forget the ended sessions at once. */
static enum rd_status
run_end_sessions(struct rd_service *svc, struct end_sessions_ctx *x,
                 struct rd_error *err)
{
  enum rd_status rc = rd_store_write(svc->store, end_sessions, x, err);
  if (rc == RD_OK)
    rd_credcache_forget_user(&svc->creds, x->user_id, x->keep_hash, x->now);
  return rc;
}

enum rd_status
rd_service_logout_all(struct rd_service *svc, const struct rd_principal *who,
                      const char *keep_session_token, struct rd_error *err)
{
  char keep[65];
  if (keep_session_token && *keep_session_token)
    rd_svc_sha256_hex(keep_session_token, strlen(keep_session_token), keep);
  struct end_sessions_ctx x = {
    .who = who, .user_id = who->user_id,
    .keep_hash = keep_session_token && *keep_session_token ? keep : NULL,
    .action = "logout.all", .now = rd_service_now(svc),
  };
  if (who->user_id == 0)
    return rd_error_set(err, RD_E_INVALID, "", "only a user has sessions");
  return run_end_sessions(svc, &x, err);
}

enum rd_status
rd_service_user_sessions_end(struct rd_service *svc, const struct rd_principal *who,
                             int64_t user_id, struct rd_error *err)
{
  enum rd_status rc;
  struct rd_user u;
  struct rd_error e = {0};
  if ((rc = rd_svc_require_admin(who, err)))
    return rc;
  struct rd_arena *a = rd_arena_new();
  rc = rd_store_user_get(svc->store, user_id, a, &u, &e);
  rd_arena_free(a);
  if (rc == RD_E_NOT_FOUND)
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no user has id %lld", (long long)user_id);
  if (rc != RD_OK) {
    if (err)
      *err = e;
    return rc;
  }
  struct end_sessions_ctx x = {
    .who = who, .user_id = user_id, .action = "user.sessions_end",
    .now = rd_service_now(svc),
  };
  return run_end_sessions(svc, &x, err);
}

enum rd_status
rd_service_me_set_password(struct rd_service *svc, const struct rd_principal *who,
                           const char *keep_session_token, const char *current,
                           const char *new_password, struct rd_error *err)
{
  enum rd_status rc;
  struct rd_user u;
  struct rd_error e = {0};
  char hash[crypto_pwhash_STRBYTES], keep[65];
  struct rd_arena *a = rd_arena_new();

  if (!current || !*current) {
    rc = rd_error_set(err, RD_E_INVALID, "current_password", "current_password is required");
    goto out;
  }
  if (!new_password) {
    rc = rd_error_set(err, RD_E_INVALID, "new_password", "new_password is required");
    goto out;
  }
  if ((rc = rd_store_user_get(svc->store, who->user_id, a, &u, &e)) != RD_OK) {
    rc = rd_error_set(err, RD_E_UNAUTHORIZED, "", "the account is disabled");
    goto out;
  }
  /* The policy first: it costs nothing, the hash below 50 ms. */
  if ((rc = rd_password_check("new_password", u.username, new_password, err)))
    goto out;
  if (!u.password_hash || verify_password(u.password_hash, current) != 0) {
    rc = rd_error_set(err, RD_E_FORBIDDEN, "current_password",
                      "the current password is wrong");
    goto out;
  }
  if (strcmp(current, new_password) == 0) {
    rc = rd_error_set(err, RD_E_INVALID, "new_password",
                      "new_password must differ from the current password");
    goto out;
  }
  if ((rc = rd_service_password_hash(new_password, hash, sizeof hash, err)))
    goto out;
  if (keep_session_token && *keep_session_token)
    rd_svc_sha256_hex(keep_session_token, strlen(keep_session_token), keep);
  struct end_sessions_ctx x = {
    .who = who, .user_id = u.id,
    .keep_hash = keep_session_token && *keep_session_token ? keep : NULL,
    .action = "user.password", .password_hash = hash, .checked_hash = u.password_hash,
    .now = rd_service_now(svc),
  };
  rc = run_end_sessions(svc, &x, err);
  sodium_memzero(hash, sizeof hash);
out:
  rd_arena_free(a);
  return rc;
}

struct language_ctx {
  const struct rd_principal *who;
  const char *language;
  int64_t now;
};

static enum rd_status
set_language(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct language_ctx *l = ctx;
  enum rd_status rc = rd_tx_user_set_locale(tx, l->who->user_id, l->language, err);
  return rc ? rc : rd_svc_audit(tx, l->who, l->now, "user.language", "user",
                                l->who->user_id, "{\"fields\":[\"locale\"]}", err);
}

enum rd_status
rd_service_me_set_language(struct rd_service *svc, const struct rd_principal *who,
                           const char *language, struct rd_error *err)
{
  struct language_ctx l = {who, language, rd_service_now(svc)};
  enum rd_status rc;
  if (!language)
    return rd_error_set(err, RD_E_INVALID, "language", "language is required");
  /* The console has these two catalogs; the column refuses others too. */
  if (strcmp(language, "zh-CN") != 0 && strcmp(language, "en") != 0)
    return rd_error_set(err, RD_E_INVALID, "language", "language must be zh-CN or en");
  rc = rd_store_write(svc->store, set_language, &l, err);
  /* Cached principals carry the old locale; this is rare, so forget all. */
  rd_credcache_clear(&svc->creds);
  return rc;
}

/* Loads the active user behind a credential into out. */
static enum rd_status
load_principal(struct rd_service *svc, int64_t user_id, struct rd_arena *a,
               struct rd_principal *out, struct rd_error *err)
{
  struct rd_user u;
  struct rd_error e = {0};
  if (rd_store_user_get(svc->store, user_id, a, &u, &e) != RD_OK || !u.active)
    return rd_error_set(err, RD_E_UNAUTHORIZED, "", "the account is disabled");
  principal_of(&u, out);
  return RD_OK;
}

struct touch_ctx {
  const char *hash;
  int64_t now;
};

static enum rd_status
touch_session(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct touch_ctx *t = ctx;
  return rd_tx_session_touch(tx, t->hash, t->now, err);
}

enum rd_status
rd_service_session_principal(struct rd_service *svc, const char *session_token,
                             struct rd_arena *a, struct rd_principal *out,
                             const char **csrf_token, struct rd_error *err)
{
  struct rd_session s;
  struct rd_error e = {0};
  char hash[65];
  if (!session_token || strlen(session_token) != SECRET_BYTES * 2)
    return rd_error_set(err, RD_E_UNAUTHORIZED, "", "not signed in");
  int64_t now = rd_service_now(svc);
  rd_svc_sha256_hex(session_token, strlen(session_token), hash);
  if (rd_credcache_get(&svc->creds, hash, now, a, out, csrf_token))
    return RD_OK;
  /* The index found the row by hash; the constant-time comparison keeps a
   * backend that matched loosely (collation, prefix) from letting one in. */
  if (rd_store_session_get(svc->store, hash, a, &s, &e) != RD_OK ||
      sodium_memcmp(s.token_sha256, hash, 64) != 0 || s.expires_at <= now)
    return rd_error_set(err, RD_E_UNAUTHORIZED, "", "the session has expired; sign in again");
  if (now - s.last_seen_at > svc->session_idle_s)
    return rd_error_set(err, RD_E_UNAUTHORIZED, "",
                        "the session was idle too long; sign in again");
  if (now - s.last_seen_at >= SESSION_TOUCH_S) {
    struct touch_ctx t = {hash, now};
    /* A failed write costs the user at most an earlier idle end: serve on. */
    if (rd_store_write(svc->store, touch_session, &t, &e) != RD_OK)
      rd_log_warn("session: recording its use failed: %s", e.detail);
    else
      s.last_seen_at = now;
  }
  if (csrf_token)
    *csrf_token = s.csrf_token;
  enum rd_status rc = load_principal(svc, s.user_id, a, out, err);
  /* Cached no longer than the idle limit allows from the recorded use. */
  int64_t until = s.last_seen_at + svc->session_idle_s + 1;
  if (rc == RD_OK)
    rd_credcache_put(&svc->creds, hash, now, until < s.expires_at ? until : s.expires_at,
                     out, s.csrf_token);
  return rc;
}

enum rd_status
rd_service_token_principal(struct rd_service *svc, const char *token,
                           struct rd_arena *a, struct rd_principal *out,
                           struct rd_error *err)
{
  struct rd_api_token t;
  struct rd_error e = {0};
  char hash[65];
  if (!token || strlen(token) < 16 || strlen(token) > 256)
    return rd_error_set(err, RD_E_UNAUTHORIZED, "", "invalid API token");
  int64_t now = rd_service_now(svc);
  rd_svc_sha256_hex(token, strlen(token), hash);
  if (rd_credcache_get(&svc->creds, hash, now, a, out, NULL))
    return RD_OK;
  if (rd_store_token_get(svc->store, hash, a, &t, &e) != RD_OK ||
      sodium_memcmp(t.token_sha256, hash, 64) != 0 || t.revoked ||
      (t.expires_at && t.expires_at <= now))
    return rd_error_set(err, RD_E_UNAUTHORIZED, "", "invalid API token");
  enum rd_status rc = load_principal(svc, t.user_id, a, out, err);
  if (rc == RD_OK)
    rd_credcache_put(&svc->creds, hash, now, t.expires_at, out, NULL);
  return rc;
}

struct token_ctx {
  struct rd_api_token *token;
  const struct rd_principal *who;
  const char *action;          /* token.create or token.revoke */
  int64_t now;
};

static enum rd_status
save_token(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct token_ctx *t = ctx;
  enum rd_status rc = rd_tx_token_save(tx, t->token, err);
  if (rc)
    return rc;
  char detail[48];
  snprintf(detail, sizeof detail, "{\"user_id\":%lld}", (long long)t->token->user_id);
  return rd_svc_audit(tx, t->who, t->now, t->action, "token", t->token->id,
                      detail, err);
}

enum rd_status
rd_service_token_create(struct rd_service *svc, const struct rd_principal *who,
                        int64_t user_id, const char *name, struct rd_arena *a,
                        struct rd_api_token *out, const char **secret,
                        struct rd_error *err)
{
  enum rd_status rc;
  struct rd_user u;
  if (user_id == 0)
    user_id = who->user_id;
  if (user_id != who->user_id && (rc = rd_svc_require_admin(who, err)))
    return rc;
  if (user_id == 0)
    return rd_error_set(err, RD_E_INVALID, "user_id", "user_id is required");
  if ((rc = rd_validate_text("name", name, RD_MAX_SHORT, true, err)))
    return rc;
  if (rd_store_user_get(svc->store, user_id, a, &u, err) != RD_OK)
    return rd_error_set(err, RD_E_INVALID, "user_id", "no such user");

  const char *plain = new_secret(a);
  memset(out, 0, sizeof *out);
  out->user_id = user_id;
  out->name = name;
  out->created_at = rd_service_now(svc);
  rd_svc_sha256_hex(plain, strlen(plain), out->token_sha256);
  struct token_ctx ctx = {out, who, "token.create", out->created_at};
  if ((rc = rd_store_write(svc->store, save_token, &ctx, err)) != RD_OK)
    return rc;
  *secret = plain;
  return RD_OK;
}

static enum rd_status
revoke_token(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct token_ctx *r = ctx;
  r->token->revoked = true;
  return save_token(tx, r, err);
}

/* Another user's token is "not found" to anyone but an admin, so that token
 * ids say nothing about who holds them. The cache forgets the token after
 * the write commits and keeps a tombstone, so a request that read it just
 * before cannot put it back: a revoked token answers 401 at once here (and
 * within CREDCACHE_TTL_S on other server processes). */
enum rd_status
rd_service_token_revoke(struct rd_service *svc, const struct rd_principal *who,
                        int64_t id, struct rd_error *err)
{
  struct rd_arena *a = rd_arena_new();
  struct rd_api_token t;
  struct rd_error e = {0};
  enum rd_status rc = RD_OK;

  if (rd_store_token_by_id(svc->store, id, a, &t, &e) != RD_OK ||
      (t.user_id != who->user_id && who->role != RD_ROLE_ADMIN)) {
    rc = rd_error_set(err, RD_E_NOT_FOUND, "", "no API token has id %lld", (long long)id);
    goto out;
  }
  if (!t.revoked) {
    struct token_ctx r = {&t, who, "token.revoke", rd_service_now(svc)};
    if ((rc = rd_store_write(svc->store, revoke_token, &r, err)) != RD_OK)
      goto out;
  }
  rd_credcache_revoke(&svc->creds, t.token_sha256, rd_service_now(svc));
out:
  rd_arena_free(a);
  return rc;
}
