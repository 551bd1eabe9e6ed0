/* store/tokens.c - how complaint text becomes search tokens, the same for
 * every backend: Latin words and digits as words, Chinese (and any other
 * letter-like script) as overlapping bigrams with a colocated unigram per
 * character.
 *
 * Chinese has no spaces, and users search with one or two characters as
 * often as with longer words (柜, 更衣, 退款). Indexing each character i as
 * the bigram c[i]c[i+1] plus the unigram c[i] at the same position lets a
 * one-character query match the unigram, a two-character query the bigram,
 * and a longer query the phrase of its consecutive bigrams. SQLite feeds
 * these to FTS5 (sqlite/tokenizer.c), PostgreSQL to a tsvector (pg/search.c).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "store/tokens.h"

enum { WORD_MAX = 64 }; /* longer words are cut: the same at index and query time */

enum cls { CLS_SEP, CLS_WORD, CLS_CJK };


/* Decodes one UTF-8 character at p (n bytes left); returns its length.
 * Malformed bytes decode as U+FFFD, one byte each. */
static int
decode(const unsigned char *p, int n, uint32_t *cp)
{
  static const uint32_t min_for_len[5] = { 0, 0, 0x80, 0x800, 0x10000 };
  int len;
  uint32_t c = p[0];

  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if ((c & 0xE0) == 0xC0) { len = 2; c &= 0x1F; }
  else if ((c & 0xF0) == 0xE0) { len = 3; c &= 0x0F; }
  else if ((c & 0xF8) == 0xF0) { len = 4; c &= 0x07; }
  else { *cp = 0xFFFD; return 1; }
  if (len > n) { *cp = 0xFFFD; return 1; }
  for (int i = 1; i < len; i++) {
    if ((p[i] & 0xC0) != 0x80) { *cp = 0xFFFD; return 1; }
    c = (c << 6) | (p[i] & 0x3F);
  }
  if (c < min_for_len[len] || c > 0x10FFFF) { *cp = 0xFFFD; return 1; }
  *cp = c;
  return len;
}

/* Ranges of punctuation and spaces outside ASCII: separators, not text. */
static const struct { uint32_t lo, hi; } separators[] = {
  { 0x0080, 0x00BF },  /* C1 controls, Latin-1 punctuation and signs */
  { 0x00D7, 0x00D7 }, { 0x00F7, 0x00F7 },
  { 0x2000, 0x206F },  /* general punctuation, spaces */
  { 0x2E00, 0x2E7F },  /* supplemental punctuation */
  { 0x3000, 0x3004 },  /* ideographic space 、。〃 */
  { 0x3008, 0x3020 },  /* CJK brackets 《》「」【】 and marks */
  { 0xFE10, 0xFE1F }, { 0xFE30, 0xFE6F }, /* vertical, compatibility, small forms */
  { 0xFF5F, 0xFF65 },  /* halfwidth punctuation */
  { 0xFFF0, 0xFFFF },  /* specials, U+FFFD */
};

/* Classifies *cp, folding it first: fullwidth ASCII (Ａ１) to ASCII, ASCII
 * letters to lower case. */
static enum cls
classify(uint32_t *cp)
{
  uint32_t c = *cp;

  if (c >= 0xFF01 && c <= 0xFF5E)
    c -= 0xFEE0;
  if (c < 0x80) {
    if (c >= 'A' && c <= 'Z')
      c += 'a' - 'A';
    *cp = c;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      return CLS_WORD;
    return CLS_SEP;
  }
  *cp = c;
  for (size_t i = 0; i < sizeof separators / sizeof *separators; i++)
    if (c >= separators[i].lo && c <= separators[i].hi)
      return CLS_SEP;
  /* Latin with diacritics, combining marks, Greek, Cyrillic: spaced scripts. */
  if (c <= 0x052F)
    return CLS_WORD;
  return CLS_CJK;
}

static int
encode(uint32_t c, char *out)
{
  if (c < 0x80) { out[0] = (char)c; return 1; }
  if (c < 0x800) {
    out[0] = (char)(0xC0 | (c >> 6));
    out[1] = (char)(0x80 | (c & 0x3F));
    return 2;
  }
  if (c < 0x10000) {
    out[0] = (char)(0xE0 | (c >> 12));
    out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
    out[2] = (char)(0x80 | (c & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (c >> 18));
  out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
  out[3] = (char)(0x80 | (c & 0x3F));
  return 4;
}

/* Class of the character at i (CLS_SEP past the end); its length in *len. */
static enum cls
peek(const unsigned char *t, int n, int i, int *len)
{
  uint32_t cp;
  if (i >= n) {
    *len = 0;
    return CLS_SEP;
  }
  *len = decode(t + i, n - i, &cp);
  return classify(&cp);
}

/* Whether any token starts at or after byte i. */
static bool
more_tokens(const unsigned char *t, int n, int i)
{
  while (i < n) {
    int len;
    if (peek(t, n, i, &len) != CLS_SEP)
      return true;
    i += len;
  }
  return false;
}

int
rd_tokens(const char *text, int n, bool query, void *ctx, rd_token_fn fn)
{
  const unsigned char *t = (const unsigned char *)text;
  int i = 0, rc = 0;

  while (i < n && rc == 0) {
    uint32_t cp;
    int len = decode(t + i, n - i, &cp);
    enum cls k = classify(&cp);

    if (k == CLS_SEP) {
      i += len;
    } else if (k == CLS_WORD) {
      char word[WORD_MAX + 4];
      int wlen = 0, start = i;
      while (i < n) {
        len = decode(t + i, n - i, &cp);
        if (classify(&cp) != CLS_WORD)
          break;
        if (wlen + 4 <= WORD_MAX)
          wlen += encode(cp, word + wlen);
        i += len;
      }
      rc = fn(ctx, 0, word, wlen, start, i);
    } else {
      /* A run of CJK characters. */
      int run = 0;
      for (;;) {
        int next_len;
        bool has_next = peek(t, n, i + len, &next_len) == CLS_CJK;
        run++;
        if (has_next) {
          rc = fn(ctx, 0, text + i, len + next_len, i, i + len + next_len);
          if (rc == 0 && !query)
            rc = fn(ctx, RD_TOKEN_COLOCATED, text + i, len, i, i + len);
        } else if (!query || run == 1 || more_tokens(t, n, i + len)) {
          /* The run's last character: a document indexes its unigram; a
           * query needs it alone, or to keep positions when more follows. */
          rc = fn(ctx, 0, text + i, len, i, i + len);
        }
        i += len;
        if (!has_next || rc != 0)
          break;
        len = next_len;
      }
    }
  }
  return rc;
}

static int
count_token(void *ctx, int tflags, const char *tok, int len, int start, int end)
{
  (void)tflags; (void)tok; (void)len; (void)start; (void)end;
  (*(int *)ctx)++;
  return 0;
}

int
rd_tokens_count(const char *text, int len)
{
  int count = 0;
  rd_tokens(text, len, true, &count, count_token);
  return count;
}
