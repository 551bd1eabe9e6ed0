/* http/h_reports.c - the summary report. */
#include "http/routes.h"

#include "http/handlers.h"
#include "http/json_out.h"
#include "http/params.h"
#include "util/time.h"

void
rd_h_report_summary(struct rd_request *req)
{
  struct rd_report_query q = {0};
  struct rd_report_row *rows;
  size_t n;
  struct rd_error err = {0};
  const char *tz = rd_h_tz(req);
  const char *from = rd_request_query(req, "from");
  const char *to = rd_request_query(req, "to");
  const char *group_by = rd_request_query(req, "group_by");

  if (!rd_http_parse_group_by(group_by, &q.group_by)) {
    rd_reply_error(req, RD_E_INVALID, "group_by",
                   "group_by must be category, department, site, channel, severity, month or status");
    return;
  }
  if ((from && *from && rd_http_parse_instant(from, tz, false, "from", &q.from, &err) != RD_OK) ||
      (to && *to && rd_http_parse_instant(to, tz, true, "to", &q.to, &err) != RD_OK)) {
    rd_reply_problem(req, &err);
    return;
  }
  if (rd_service_report_summary(req->svc, &req->who, &q, req->arena, &rows, &n,
                                &err) != RD_OK) {
    rd_reply_problem(req, &err);
    return;
  }
  struct rd_buf b = {0};
  rd_jw_begin_object(&b);
  rd_jw_key(&b, "group_by"); rd_jw_string(&b, group_by);
  rd_jw_key(&b, "from"); rd_jw_time(&b, q.from, tz);
  rd_jw_key(&b, "to"); rd_jw_time(&b, q.to, tz);
  rd_jw_key(&b, "items");
  rd_jw_begin_array(&b);
  for (size_t i = 0; i < n; i++)
    rd_json_report_row(&b, &rows[i]);
  rd_jw_end_array(&b);
  rd_jw_end_object(&b);
  rd_reply_json(req, 200, &b);
}
