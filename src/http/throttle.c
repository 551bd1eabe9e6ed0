/* http/throttle.c - request counts per key in a window (see throttle.h).
 *
 * A small fixed table scanned linearly: the callers are a sign-in (an
 * argon2id hash, tens of ms) and the public portal's writes and lookups, so
 * a scan of a few thousand slots is noise, and the table cannot grow without
 * bound under a spray of keys: when full, the oldest window is dropped. */
#include "http/throttle.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

enum { SLOTS = 4096 };

struct slot {
  char key[RD_THROTTLE_KEY_MAX];  /* "" = free */
  int count;
  int window_s;
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

static bool
expired(const struct slot *s, int64_t now)
{
  return now - s->window_start >= s->window_s;
}

/* The slot of key, or NULL. Expired windows count as absent. Lock held. */
static struct slot *
find(struct rd_throttle *t, const char *key, int64_t now)
{
  for (size_t i = 0; i < SLOTS; i++) {
    struct slot *s = &t->slots[i];
    if (s->key[0] && strcmp(s->key, key) == 0) {
      if (expired(s, now)) {
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
claim(struct rd_throttle *t, const char *key, int window_s, int64_t now)
{
  struct slot *s = find(t, key, now), *oldest = &t->slots[0];
  if (s)
    return s;
  for (size_t i = 0; i < SLOTS; i++) {
    s = &t->slots[i];
    if (!s->key[0] || expired(s, now)) {
      oldest = s;
      break;
    }
    if (s->window_start < oldest->window_start)
      oldest = s;
  }
  snprintf(oldest->key, sizeof oldest->key, "%s", key);
  oldest->count = 0;
  oldest->window_s = window_s;
  oldest->window_start = now;
  return oldest;
}

/* The key as stored (cut to the slot's size), so lookups match. */
static void
norm_key(char *buf, const char *key)
{
  snprintf(buf, RD_THROTTLE_KEY_MAX, "%s", key ? key : "");
}

static bool
check_locked(struct rd_throttle *t, const char *key, int max, int64_t now,
             int *retry_after_s)
{
  struct slot *s = find(t, key, now);
  if (!s || s->count < max) {
    *retry_after_s = 0;
    return true;
  }
  int64_t left = s->window_start + s->window_s - now;
  *retry_after_s = left > 0 ? (int)left : 1;
  return false;
}

bool
rd_throttle_check(struct rd_throttle *t, const char *key, int max, int64_t now,
                  int *retry_after_s)
{
  char k[RD_THROTTLE_KEY_MAX];
  norm_key(k, key);
  pthread_mutex_lock(&t->lock);
  bool ok = check_locked(t, k, max, now, retry_after_s);
  pthread_mutex_unlock(&t->lock);
  return ok;
}

void
rd_throttle_count(struct rd_throttle *t, const char *key, int window_s,
                  int64_t now)
{
  char k[RD_THROTTLE_KEY_MAX];
  norm_key(k, key);
  pthread_mutex_lock(&t->lock);
  claim(t, k, window_s, now)->count++;
  pthread_mutex_unlock(&t->lock);
}

bool
rd_throttle_take(struct rd_throttle *t, const char *key, int max, int window_s,
                 int64_t now, int *retry_after_s)
{
  char k[RD_THROTTLE_KEY_MAX];
  norm_key(k, key);
  pthread_mutex_lock(&t->lock);
  bool ok = check_locked(t, k, max, now, retry_after_s);
  if (ok)
    claim(t, k, window_s, now)->count++;
  pthread_mutex_unlock(&t->lock);
  return ok;
}

void
rd_throttle_clear(struct rd_throttle *t, const char *key)
{
  char k[RD_THROTTLE_KEY_MAX];
  norm_key(k, key);
  pthread_mutex_lock(&t->lock);
  for (size_t i = 0; i < SLOTS; i++)
    if (strcmp(t->slots[i].key, k) == 0)
      t->slots[i].key[0] = '\0';
  pthread_mutex_unlock(&t->lock);
}
