/* service/credcache.h - a short memory of resolved credentials.
 *
 * Resolving a session or API token costs two store reads (the credential,
 * then its user); a busy client sends the same token many times a second.
 * Entries live CREDCACHE_TTL_S seconds at most, so a disabled user or a
 * revoked token stops working within that time on every node; logout, token
 * revocation and user changes on this node take effect at once. Thread-safe;
 * owns its copies.
 */
#ifndef RD_SERVICE_CREDCACHE_H
#define RD_SERVICE_CREDCACHE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "service/service.h"

enum { CREDCACHE_TTL_S = 5, CREDCACHE_SLOTS = 1024, CREDCACHE_STRIPES = 16,
       CREDCACHE_TOMBSTONE_S = 60, CREDCACHE_ENDED_USERS = 32 };

struct rd_credcache_entry {
  char hash[65];            /* SHA-256 hex of the secret; "" = empty slot */
  int64_t valid_until;
  int64_t revoked_at;       /* > 0: a tombstone, the hash was revoked then */
  int64_t user_id, department_id;
  enum rd_role role;
  bool has_csrf;
  char csrf[65];
  char username[65];
  char display_name[404];   /* 100 code points of up to 4 bytes */
  char locale[8];
};

/* A user whose sessions were all ended at `at` (logout everywhere). */
struct rd_credcache_ended {
  int64_t user_id, at;
};

struct rd_credcache {
  pthread_mutex_t locks[CREDCACHE_STRIPES];
  struct rd_credcache_entry slots[CREDCACHE_SLOTS];
  pthread_mutex_t ended_lock;
  struct rd_credcache_ended ended[CREDCACHE_ENDED_USERS];
};

void rd_credcache_init(struct rd_credcache *cc);
void rd_credcache_destroy(struct rd_credcache *cc);

/* Copies the cached principal (strings into a) when hash is cached and still
 * valid at now. *csrf (may be NULL) gets the session's CSRF token, or NULL
 * for an API token. */
bool rd_credcache_get(struct rd_credcache *cc, const char *hash, int64_t now,
                      struct rd_arena *a, struct rd_principal *out,
                      const char **csrf);

/* Remembers who hash resolves to, until min(now + TTL, expires_at). */
void rd_credcache_put(struct rd_credcache *cc, const char *hash, int64_t now,
                      int64_t expires_at, const struct rd_principal *who,
                      const char *csrf);

/* Forgets one credential (logout). */
void rd_credcache_forget(struct rd_credcache *cc, const char *hash);

/* Forgets a revoked credential and keeps it out: a request that read the
 * credential before the revocation committed (its put's now <= now here)
 * cannot cache it afterwards. The tombstone holds its slot for
 * CREDCACHE_TOMBSTONE_S seconds and survives rd_credcache_clear(). */
void rd_credcache_revoke(struct rd_credcache *cc, const char *hash, int64_t now);

/* Forgets every cached session of user_id but the one hashed keep_hash
 * (NULL: all), and keeps sessions of that user read before now out, like a
 * tombstone does for one credential. API tokens stay. */
void rd_credcache_forget_user(struct rd_credcache *cc, int64_t user_id,
                              const char *keep_hash, int64_t now);

/* Forgets everything but tombstones (a user changed: role, department,
 * active). */
void rd_credcache_clear(struct rd_credcache *cc);

#endif
