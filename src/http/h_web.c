/* http/h_web.c - the web console's files: / (the staff console), /portal
 * (the customer portal) and /assets/<name>, from the binary itself
 * (http/web_assets.h).
 *
 * Hashed assets are cached for a year; the page is revalidated, so a new
 * binary is picked up at the next visit. The Content-Security-Policy allows
 * scripts and styles from this origin only (no inline script: user text
 * can never run), no framing, no plugins. Images may also be blob: URLs: the
 * complaint page previews an attachment from bytes it fetched with the
 * session (an <img> never runs script, whatever the bytes). Gzip when the
 * client takes it.
 */
#include "http/routes.h"

#include <stdio.h>
#include <string.h>

#include "http/handlers.h"
#include "http/web_assets.h"

static const char csp[] =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
  "frame-ancestors 'none'";

static bool
takes_gzip(struct rd_request *req)
{
  const char *ae = rd_request_header(req, "Accept-Encoding");
  return ae && strstr(ae, "gzip") != NULL;
}

static void
serve(struct rd_request *req, const char *path)
{
  const struct rd_web_asset *a = NULL;
  const char *inm = rd_request_header(req, "If-None-Match");

  for (size_t i = 0; i < rd_web_assets_count && !a; i++)
    if (strcmp(rd_web_assets[i].path, path) == 0)
      a = &rd_web_assets[i];
  if (a == NULL) {
    rd_reply_error(req, RD_E_NOT_FOUND, "", "no such file");
    return;
  }
  rd_reply_header(req, "Content-Security-Policy", csp);
  rd_reply_header(req, "Cache-Control", a->immutable ? "public, max-age=31536000, immutable"
                                                      : "no-cache");
  rd_reply_header(req, "ETag", a->etag);
  rd_reply_header(req, "Vary", "Accept-Encoding");
  if (inm && strcmp(inm, a->etag) == 0) {
    rd_reply_empty(req, 304);
    return;
  }
  if (a->gzip && takes_gzip(req)) {
    rd_reply_header(req, "Content-Encoding", "gzip");
    rd_reply_bytes(req, 200, a->content_type, a->gzip, a->gzip_len, true);
  } else {
    rd_reply_bytes(req, 200, a->content_type, a->body, a->len, true);
  }
}

void
rd_h_web_index(struct rd_request *req)
{
  serve(req, "/");
}

void
rd_h_web_portal(struct rd_request *req)
{
  serve(req, "/portal");
}

void
rd_h_web_asset(struct rd_request *req)
{
  char path[160];
  const char *name = rd_request_param(req, "name");
  if (name == NULL || strchr(name, '/') ||
      snprintf(path, sizeof path, "/assets/%s", name) >= (int)sizeof path) {
    rd_reply_error(req, RD_E_NOT_FOUND, "", "no such file");
    return;
  }
  serve(req, path);
}
