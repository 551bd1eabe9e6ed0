/* http/language.h - which language a reply's messages are in.
 *
 * Pure (no libmicrohttpd), so the rule is unit-tested on its own: an explicit
 * Accept-Language that prefers English or Chinese wins, then the signed-in
 * user's stored language (users.locale), then Chinese. See docs/http.md.
 */
#ifndef RD_HTTP_LANGUAGE_H
#define RD_HTTP_LANGUAGE_H

#include <stdbool.h>

#include "util/message.h"

/* Reads an Accept-Language header (RFC 9110 12.5.4: ranges with optional
 * q-values, "*" for any other language) and sets *out to the language it
 * prefers between Chinese (any zh range) and English (any en range): the
 * higher q, or the one listed first when their q is equal. Returns false,
 * leaving *out alone, when the header does not choose between them: absent,
 * empty, only other languages, only "*", or both refused (q=0). Malformed
 * elements are skipped. */
bool rd_http_accept_language(const char *header, enum rd_lang *out);

/* The language of a reply: accept_language's choice when it makes one, else
 * user_locale ("en" or "zh-CN"; NULL when nobody is signed in), else Chinese. */
enum rd_lang rd_http_pick_language(const char *accept_language,
                                   const char *user_locale);

#endif
