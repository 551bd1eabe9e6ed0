/* util/mem.c - allocation wrappers that abort on exhaustion. */
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
die_oom(size_t n)
{
  fprintf(stderr, "redress: out of memory allocating %zu bytes\n", n);
  abort();
}

void *
rd_xmalloc(size_t n)
{
  void *p = malloc(n ? n : 1);
  if (!p)
    die_oom(n);
  return p;
}

void *
rd_xcalloc(size_t count, size_t size)
{
  void *p = calloc(count ? count : 1, size ? size : 1);
  if (!p)
    die_oom(count * size);
  return p;
}

void *
rd_xrealloc(void *p, size_t n)
{
  void *q = realloc(p, n ? n : 1);
  if (!q)
    die_oom(n);
  return q;
}

char *
rd_xstrdup(const char *s)
{
  size_t n = strlen(s) + 1;
  char *d = rd_xmalloc(n);
  memcpy(d, s, n);
  return d;
}
