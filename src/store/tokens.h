/* store/tokens.h - the search tokenization every backend shares, so a
 * search finds the same complaints on SQLite and PostgreSQL. Pure: no
 * state, any thread. Only src/store/ includes this header.
 */
#ifndef RD_STORE_TOKENS_H
#define RD_STORE_TOKENS_H

#include <stdbool.h>

/* Flag of a token at the same position as the previous one (a Chinese
 * character's unigram beside its bigram). Equal to FTS5_TOKEN_COLOCATED. */
enum { RD_TOKEN_COLOCATED = 0x0001 };

/* Called per token: tok[0..len) (not NUL-terminated), from byte start to
 * end of the text. A non-zero return stops the tokenization. The same shape
 * as FTS5's xToken. */
typedef int (*rd_token_fn)(void *ctx, int flags, const char *tok, int len,
                           int start, int end);

/* Tokenizes text[0..n) for a document (every bigram and unigram) or a query
 * (only what a phrase match needs: one character -> its unigram, n >= 2 ->
 * the n-1 bigrams, plus the last unigram when more tokens follow), calling
 * fn per token. Returns the first non-zero fn result, else 0. */
int rd_tokens(const char *text, int n, bool query, void *ctx, rd_token_fn fn);

/* How many tokens text[0..len) gives as a query (0: nothing to search). */
int rd_tokens_count(const char *text, int len);

#endif
