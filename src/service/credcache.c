/* service/credcache.c - a direct-mapped table of resolved credentials; a
 * collision simply replaces the older entry. */
#include "service/credcache.h"

#include <stdio.h>
#include <string.h>

#include "util/arena.h"

/* The hash is already uniformly random: its first hex digits pick the slot. */
static unsigned
slot_of(const char *hash)
{
  unsigned v = 0;
  for (int i = 0; i < 3; i++) {
    char c = hash[i];
    v = v * 16 + (unsigned)(c >= 'a' ? c - 'a' + 10 : c - '0');
  }
  return v % CREDCACHE_SLOTS;
}

static pthread_mutex_t *
lock_of(struct rd_credcache *cc, unsigned slot)
{
  return &cc->locks[slot % CREDCACHE_STRIPES];
}

void
rd_credcache_init(struct rd_credcache *cc)
{
  memset(cc->slots, 0, sizeof cc->slots);
  memset(cc->ended, 0, sizeof cc->ended);
  for (int i = 0; i < CREDCACHE_STRIPES; i++)
    pthread_mutex_init(&cc->locks[i], NULL);
  pthread_mutex_init(&cc->ended_lock, NULL);
}

void
rd_credcache_destroy(struct rd_credcache *cc)
{
  for (int i = 0; i < CREDCACHE_STRIPES; i++)
    pthread_mutex_destroy(&cc->locks[i]);
  pthread_mutex_destroy(&cc->ended_lock);
}

/* Whether a session of user_id read at now may have been ended since. */
static bool
user_ended(struct rd_credcache *cc, int64_t user_id, int64_t now)
{
  bool ended = false;
  pthread_mutex_lock(&cc->ended_lock);
  for (int i = 0; i < CREDCACHE_ENDED_USERS && !ended; i++)
    ended = cc->ended[i].user_id == user_id && now <= cc->ended[i].at;
  pthread_mutex_unlock(&cc->ended_lock);
  return ended;
}

bool
rd_credcache_get(struct rd_credcache *cc, const char *hash, int64_t now,
                 struct rd_arena *a, struct rd_principal *out, const char **csrf)
{
  unsigned slot = slot_of(hash);
  struct rd_credcache_entry *e = &cc->slots[slot];
  bool hit = false;
  pthread_mutex_lock(lock_of(cc, slot));
  if (strcmp(e->hash, hash) == 0 && !e->revoked_at && now < e->valid_until) {
    out->user_id = e->user_id;
    out->department_id = e->department_id;
    out->role = e->role;
    out->username = rd_arena_strdup(a, e->username);
    out->display_name = rd_arena_strdup(a, e->display_name);
    out->locale = rd_arena_strdup(a, e->locale);
    if (csrf)
      *csrf = e->has_csrf ? rd_arena_strdup(a, e->csrf) : NULL;
    hit = true;
  }
  pthread_mutex_unlock(lock_of(cc, slot));
  return hit;
}

void
rd_credcache_put(struct rd_credcache *cc, const char *hash, int64_t now,
                 int64_t expires_at, const struct rd_principal *who,
                 const char *csrf)
{
  unsigned slot = slot_of(hash);
  struct rd_credcache_entry e = {0};
  if (csrf && user_ended(cc, who->user_id, now))
    return;   /* read before its user's sessions ended: maybe stale */
  snprintf(e.hash, sizeof e.hash, "%s", hash);
  e.valid_until = now + CREDCACHE_TTL_S;
  if (expires_at && expires_at < e.valid_until)
    e.valid_until = expires_at;
  e.user_id = who->user_id;
  e.department_id = who->department_id;
  e.role = who->role;
  e.has_csrf = csrf != NULL;
  snprintf(e.csrf, sizeof e.csrf, "%s", csrf ? csrf : "");
  snprintf(e.username, sizeof e.username, "%s", who->username ? who->username : "");
  snprintf(e.display_name, sizeof e.display_name, "%s",
           who->display_name ? who->display_name : "");
  snprintf(e.locale, sizeof e.locale, "%s", who->locale ? who->locale : "zh-CN");
  pthread_mutex_lock(lock_of(cc, slot));
  const struct rd_credcache_entry *old = &cc->slots[slot];
  /* A tombstone turns away what was read before its revocation, and for a
   * while any other credential: a stale put may still be on its way. */
  bool keep = old->revoked_at &&
              (strcmp(old->hash, hash) == 0 ? now <= old->revoked_at
                                            : now <= old->revoked_at + CREDCACHE_TOMBSTONE_S);
  if (!keep)
    cc->slots[slot] = e;
  pthread_mutex_unlock(lock_of(cc, slot));
}

void
rd_credcache_forget(struct rd_credcache *cc, const char *hash)
{
  unsigned slot = slot_of(hash);
  pthread_mutex_lock(lock_of(cc, slot));
  if (strcmp(cc->slots[slot].hash, hash) == 0)
    cc->slots[slot].hash[0] = '\0';
  pthread_mutex_unlock(lock_of(cc, slot));
}

void
rd_credcache_revoke(struct rd_credcache *cc, const char *hash, int64_t now)
{
  unsigned slot = slot_of(hash);
  struct rd_credcache_entry e = {0};
  snprintf(e.hash, sizeof e.hash, "%s", hash);
  e.revoked_at = now > 0 ? now : 1;
  pthread_mutex_lock(lock_of(cc, slot));
  cc->slots[slot] = e;
  pthread_mutex_unlock(lock_of(cc, slot));
}

void
rd_credcache_forget_user(struct rd_credcache *cc, int64_t user_id,
                         const char *keep_hash, int64_t now)
{
  /* Remember the user first, so a put racing with the sweep below is
   * refused; the oldest entry makes room (entries matter for seconds). */
  pthread_mutex_lock(&cc->ended_lock);
  int oldest = 0;
  for (int i = 0; i < CREDCACHE_ENDED_USERS; i++) {
    if (cc->ended[i].user_id == user_id) {
      oldest = i;
      break;
    }
    if (cc->ended[i].at < cc->ended[oldest].at)
      oldest = i;
  }
  cc->ended[oldest].user_id = user_id;
  cc->ended[oldest].at = now > 0 ? now : 1;
  pthread_mutex_unlock(&cc->ended_lock);

  for (unsigned s = 0; s < CREDCACHE_SLOTS; s++) {
    struct rd_credcache_entry *e = &cc->slots[s];
    pthread_mutex_lock(lock_of(cc, s));
    if (e->hash[0] && !e->revoked_at && e->has_csrf && e->user_id == user_id &&
        !(keep_hash && strcmp(e->hash, keep_hash) == 0))
      e->hash[0] = '\0';
    pthread_mutex_unlock(lock_of(cc, s));
  }
}

void
rd_credcache_clear(struct rd_credcache *cc)
{
  for (unsigned s = 0; s < CREDCACHE_SLOTS; s++) {
    pthread_mutex_lock(lock_of(cc, s));
    if (!cc->slots[s].revoked_at)
      cc->slots[s].hash[0] = '\0';
    pthread_mutex_unlock(lock_of(cc, s));
  }
}
