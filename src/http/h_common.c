/* http/h_common.c - helpers shared by the handlers. */
#include "http/handlers.h"

#include "http/json_out.h"
#include "http/params.h"

const char *
rd_h_tz(struct rd_request *req)
{
  return rd_service_timezone(req->svc);
}

bool
rd_h_path_id(struct rd_request *req, const char *name, int64_t *id)
{
  const char *text = rd_request_param(req, name);
  if (!rd_http_parse_id(text, id)) {
    rd_reply_error(req, RD_E_NOT_FOUND, NULL, "no such resource: %s", req->path);
    return false;
  }
  return true;
}

bool
rd_h_complaint_id(struct rd_request *req, int64_t *id)
{
  const char *text = rd_request_param(req, "id");
  if (rd_http_parse_id(text, id))
    return true;
  struct rd_complaint_view v;
  struct rd_error err = {0};
  if (rd_service_complaint_get(req->svc, &req->who, text ? text : "", req->arena,
                               &v, &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return false;
  }
  *id = v.c.id;
  return true;
}

bool
rd_h_expected_version(struct rd_request *req, int body_version, bool required,
             int *version)
{
  const char *if_match = rd_request_header(req, "If-Match");
  *version = body_version;
  if (if_match) {
    if (!rd_http_parse_if_match(if_match, version)) {
      rd_reply_error(req, RD_E_INVALID, "version",
                     "If-Match must be the record's version, e.g. \"3\"");
      return false;
    }
  }
  if (required && *version == 0) {
    rd_reply_error(req, RD_E_INVALID, "version",
                   "version is required (If-Match: \"<version>\" or a version field)");
    return false;
  }
  return true;
}

void
rd_h_reply_complaint(struct rd_request *req, unsigned status,
                     const struct rd_complaint_view *v)
{
  struct rd_buf b = {0};
  rd_json_complaint(&b, v, rd_h_tz(req));
  rd_reply_json(req, status, &b);
}
