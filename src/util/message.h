/* util/message.h - the server's message catalog: English printf formats of
 * error details and problem titles, and their Simplified Chinese versions.
 *
 * The catalog is src/util/messages/zh-CN.json, turned into a sorted const
 * table at build time (scripts/embed_messages.py -> build/gen/messages_zh.c),
 * so nothing is read at run time. Everything here is immutable and
 * thread-safe; returned strings are static.
 */
#ifndef RD_UTIL_MESSAGE_H
#define RD_UTIL_MESSAGE_H

#include <stdarg.h>
#include <stddef.h>

/* Languages a message can be shown in. */
enum rd_lang { RD_LANG_ZH, RD_LANG_EN };

/* Marks a literal that is passed to rd_error_text() or similar rather than
 * as a format, so the catalog check (tests/check_messages.py) finds it. */
#define RD_MSG(s) (s)

/* One catalog row: an English format and its Chinese translation, whose
 * conversion specifiers are the same in the same order (checked when the
 * table is generated). */
struct rd_message {
  const char *en;
  const char *zh;
};

/* The generated tables, sorted by strcmp on en (build/gen/messages_zh.c):
 * the formats, and the terms (API names such as states, actions and roles
 * that messages quote, from zh-CN.terms.json). */
extern const struct rd_message rd_messages_zh[];
extern const size_t rd_messages_zh_count;
extern const struct rd_message rd_terms_zh[];
extern const size_t rd_terms_zh_count;

/* The Chinese translation of the English format en, or NULL when the catalog
 * has none. */
const char *rd_message_zh(const char *en);

/* The Chinese name of the API name term ("closed" -> "已结案"), or NULL. */
const char *rd_term_zh(const char *term);

/* vsnprintf of a translated format into out (cap > 0; always terminated, cut
 * at a UTF-8 character boundary when too long), except that "%#s" shows its
 * argument's term (rd_term_zh) when there is one, else the argument. The
 * conversions must be those the arguments were passed for, as the catalog
 * guarantees. Stops at a conversion it does not know (none reach here). */
void rd_message_vformat(char *out, size_t cap, const char *fmt, va_list ap);

/* en in lang: the translation, or en itself when there is none. */
const char *rd_message(const char *en, enum rd_lang lang);

/* The language's tag for Content-Language ("zh-CN", "en"). */
const char *rd_lang_tag(enum rd_lang lang);

#endif
