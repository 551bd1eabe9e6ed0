/* http/openapi.h - the OpenAPI 3.1 description, generated from the route table.
 *
 * Rendered once when the server starts and served as is; the caller owns the
 * returned text (free()).
 */
#ifndef RD_HTTP_OPENAPI_H
#define RD_HTTP_OPENAPI_H

#include <stddef.h>

/* The OpenAPI document as compact JSON (malloc'd, never NULL); *len its length. */
char *rd_openapi_render(size_t *len);

#endif
