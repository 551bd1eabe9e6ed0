/* store/sqlite/tokenizer.c - the "redress" FTS5 tokenizer: the shared
 * tokenization of store/tokens.c (Latin words and digits as words, Chinese
 * as overlapping bigrams with a colocated unigram per character) behind
 * FTS5's tokenizer interface. Stateless, so one static instance serves
 * every connection and thread.
 */
#include <stdbool.h>

#include "store/sqlite/sqlite_int.h"
#include "store/tokens.h"

/* The shared callback is FTS5's xToken, flag for flag. */
_Static_assert(RD_TOKEN_COLOCATED == FTS5_TOKEN_COLOCATED,
               "store/tokens.h and FTS5 disagree on the colocated flag");

typedef int (*token_fn)(void *ctx, int tflags, const char *tok, int len,
                        int start, int end);

/* ---- FTS5 glue ------------------------------------------------------------- */

static int instance; /* stateless: any non-NULL handle will do */

static int
tok_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
  *out = (Fts5Tokenizer *)&instance;
  return SQLITE_OK;
}

static void
tok_delete(Fts5Tokenizer *tok)
{
}

static int
tok_tokenize(Fts5Tokenizer *tok, void *ctx, int flags, const char *text,
             int n, token_fn fn)
{
  bool query = (flags & FTS5_TOKENIZE_QUERY) != 0;
  return rd_tokens(text, n, query, ctx, fn);
}

static fts5_tokenizer redress_tokenizer = {
  tok_create, tok_delete, tok_tokenize,
};

/* The fts5_api of db, fetched the documented way: SELECT fts5(?1) with a
 * pointer bound under the type "fts5_api_ptr". */
static fts5_api *
fts5_api_of(sqlite3 *db)
{
  fts5_api *api = NULL;
  sqlite3_stmt *st = NULL;

  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
  sqlite3_step(st);
  sqlite3_finalize(st);
  return api;
}

int
rd_sqlite_tokenizer_register(sqlite3 *db)
{
  fts5_api *api = fts5_api_of(db);

  if (api == NULL)
    return SQLITE_ERROR;
  return api->xCreateTokenizer(api, "redress", NULL, &redress_tokenizer, NULL);
}

int
rd_sqlite_tokenizer_count(const char *text, int len)
{
  return rd_tokens_count(text, len);
}
