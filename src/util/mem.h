/* util/mem.h - allocation that never returns NULL.
 *
 * Allocation failure aborts the process (there is no sensible recovery in a
 * request path), so callers handle only real failures. The caller owns the result.
 */
#ifndef RD_UTIL_MEM_H
#define RD_UTIL_MEM_H

#include <stddef.h>

void *rd_xmalloc(size_t n);
void *rd_xcalloc(size_t count, size_t size);
void *rd_xrealloc(void *p, size_t n);
char *rd_xstrdup(const char *s);

#endif
