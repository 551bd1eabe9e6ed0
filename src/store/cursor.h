/* store/cursor.h - the list cursor every backend issues and accepts.
 *
 * A cursor is base64url of "<letter>:<key>:<id>": the sort order's letter
 * and the last row's sort key and id, so the next page resumes with a
 * keyset condition. Backend-neutral, so a cursor means the same on SQLite
 * and PostgreSQL. Only src/store/ includes this header.
 */
#ifndef RD_STORE_CURSOR_H
#define RD_STORE_CURSOR_H

#include <stdbool.h>
#include <stdint.h>

struct rd_arena;

/* The cursor text for (letter, key, id), in a. */
char *rd_cursor_encode(struct rd_arena *a, char letter, int64_t key, int64_t id);

/* Decodes text; false for anything not issued by rd_cursor_encode with this
 * letter (other orders, non-canonical spellings, garbage). */
bool rd_cursor_decode(const char *text, char letter, int64_t *key, int64_t *id);

#endif
