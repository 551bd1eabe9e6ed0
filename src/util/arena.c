/* util/arena.c - a chain of blocks; big requests get a block of their own. */
#include "util/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

enum { BLOCK_SIZE = 16 * 1024, ALIGN = 16 };

struct block {
  struct block *next;
  size_t size, used;
  _Alignas(ALIGN) unsigned char data[];
};

struct rd_arena {
  struct block *head;
  size_t handed_out;
};

static struct block *
block_new(size_t size)
{
  struct block *b = rd_xmalloc(sizeof *b + size);
  b->next = NULL;
  b->size = size;
  b->used = 0;
  return b;
}

struct rd_arena *
rd_arena_new(void)
{
  struct rd_arena *a = rd_xmalloc(sizeof *a);
  a->head = block_new(BLOCK_SIZE);
  a->handed_out = 0;
  return a;
}

void
rd_arena_free(struct rd_arena *a)
{
  if (!a)
    return;
  struct block *b = a->head;
  while (b) {
    struct block *next = b->next;
    free(b);
    b = next;
  }
  free(a);
}

void
rd_arena_reset(struct rd_arena *a)
{
  /* Keep the oldest block (the tail of the chain), free the others. */
  struct block *b = a->head;
  while (b->next) {
    struct block *next = b->next;
    free(b);
    b = next;
  }
  b->used = 0;
  a->head = b;
  a->handed_out = 0;
}

void *
rd_arena_alloc(struct rd_arena *a, size_t n)
{
  size_t need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
  if (need == 0)
    need = ALIGN;
  struct block *b = a->head;
  if (b->size - b->used < need) {
    if (need > BLOCK_SIZE / 4) {
      /* A large request gets its own block behind the head, so the head's
       * free space stays usable for the small ones that follow. */
      struct block *big = block_new(need);
      big->used = need;
      big->next = b->next;
      b->next = big;
      a->handed_out += need;
      return big->data;
    }
    b = block_new(BLOCK_SIZE);
    b->next = a->head;
    a->head = b;
  }
  void *p = b->data + b->used;
  b->used += need;
  a->handed_out += need;
  return p;
}

void *
rd_arena_zalloc(struct rd_arena *a, size_t n)
{
  void *p = rd_arena_alloc(a, n);
  memset(p, 0, n);
  return p;
}

char *
rd_arena_strndup(struct rd_arena *a, const char *s, size_t n)
{
  char *d = rd_arena_alloc(a, n + 1);
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

char *
rd_arena_strdup(struct rd_arena *a, const char *s)
{
  return s ? rd_arena_strndup(a, s, strlen(s)) : NULL;
}

char *
rd_arena_sprintf(struct rd_arena *a, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    return rd_arena_strdup(a, "");
  char *d = rd_arena_alloc(a, (size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(d, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return d;
}

size_t
rd_arena_used(const struct rd_arena *a)
{
  return a->handed_out;
}
