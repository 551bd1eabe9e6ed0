/* http/web_assets.h - the web console's files, embedded at build time by
 * scripts/embed_web.py (build/gen/web_assets.c): one binary is the whole
 * product. */
#ifndef RD_HTTP_WEB_ASSETS_H
#define RD_HTTP_WEB_ASSETS_H

#include <stdbool.h>
#include <stddef.h>

struct rd_web_asset {
  const char *path;           /* "/" or "/assets/<stem>.<hash>.<ext>" */
  const char *content_type;
  const char *etag;           /* quoted */
  const unsigned char *body;
  size_t len;
  const unsigned char *gzip;  /* NULL when compression does not pay */
  size_t gzip_len;
  bool immutable;             /* content-hashed: cache for a year */
};

extern const struct rd_web_asset rd_web_assets[];
extern const size_t rd_web_assets_count;

#endif
