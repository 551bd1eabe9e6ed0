/* fuzz/fuzz_cursor.c - list cursors (the cursor query argument).
 *
 * Input: the first byte is the sort order's letter, the rest the cursor
 * text. Invariants: a cursor that decodes is the canonical one, so encoding
 * what it decoded to gives the same text and a positive id; and any
 * (letter, key, id) the input spells as numbers survives encode + decode.
 */
#include "fuzz_common.h"

#include "store/cursor.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  struct rd_arena *a = rd_arena_new();
  char letter = (char)data[0];
  const char *text = fuzz_text(a, data + 1, size - 1);
  int64_t key = 0, id = 0;

  if (rd_cursor_decode(text, letter, &key, &id)) {
    FUZZ_CHECK(id > 0);
    FUZZ_CHECK(strcmp(rd_cursor_encode(a, letter, key, id), text) == 0);
  }

  /* The round trip from numbers: the bytes as key and id. */
  if (size >= 17 && letter != '\0') {
    int64_t k, i;
    memcpy(&k, data + 1, 8);
    memcpy(&i, data + 9, 8);
    if (i > 0) {
      char *c = rd_cursor_encode(a, letter, k, i);
      int64_t k2, i2;
      FUZZ_CHECK(rd_cursor_decode(c, letter, &k2, &i2));
      FUZZ_CHECK(k2 == k && i2 == i);
      /* Another order's cursor is refused. */
      FUZZ_CHECK(!rd_cursor_decode(c, (char)(letter ^ 1), &k2, &i2));
    }
  }
  rd_arena_free(a);
  return 0;
}
