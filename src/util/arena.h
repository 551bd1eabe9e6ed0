/* util/arena.h - region allocation: many small allocations freed at once.
 *
 * One arena per request (or per job): everything parsed, fetched and rendered
 * for it comes from the arena and dies with rd_arena_free(). Nothing allocated
 * from an arena is freed on its own. An arena is not thread-safe.
 */
#ifndef RD_UTIL_ARENA_H
#define RD_UTIL_ARENA_H

#include <stddef.h>

struct rd_arena;

/* A new, empty arena. Never NULL (allocation failure aborts). */
struct rd_arena *rd_arena_new(void);

/* Frees every allocation of a and a itself. Accepts NULL. */
void rd_arena_free(struct rd_arena *a);

/* Forgets every allocation but keeps the first block for reuse. */
void rd_arena_reset(struct rd_arena *a);

/* n bytes aligned for any type; contents undefined. */
void *rd_arena_alloc(struct rd_arena *a, size_t n);

/* n zeroed bytes. */
void *rd_arena_zalloc(struct rd_arena *a, size_t n);

/* Copy of the NUL-terminated s (NULL gives NULL). */
char *rd_arena_strdup(struct rd_arena *a, const char *s);

/* Copy of the first n bytes of s, NUL-terminated. */
char *rd_arena_strndup(struct rd_arena *a, const char *s, size_t n);

/* printf into the arena. */
char *rd_arena_sprintf(struct rd_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Total bytes handed out since creation or the last reset (for tests and metrics). */
size_t rd_arena_used(const struct rd_arena *a);

#endif
