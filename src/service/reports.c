/* service/reports.c - report summaries, scoped like the complaints they
 * count: departmental roles see their department, everyone else all. */
#include "service/service_int.h"

#include "util/time.h"

enum rd_status
rd_service_report_summary(struct rd_service *svc, const struct rd_principal *who,
                          struct rd_report_query *q, struct rd_arena *a,
                          struct rd_report_row **rows, size_t *n,
                          struct rd_error *err)
{
  /* -1 matches no department: a handler without one counts nothing,
   * where 0 would mean everything. */
  if (rd_role_is_departmental(who->role))
    q->scope_department_id = who->department_id ? who->department_id : -1;
  if ((unsigned)q->group_by > RD_GROUP_STATUS)
    return rd_error_set(err, RD_E_INVALID, "group_by", "group_by is not known");
  if (q->from && q->to && q->to <= q->from)
    return rd_error_set(err, RD_E_INVALID, "to", "to must be after from");
  /* Months are local months: the offset in force now in the display zone. */
  if (q->tz_offset_s == 0) {
    struct rd_civil now;
    rd_time_civil(rd_service_now(svc), svc->timezone, &now);
    q->tz_offset_s = now.offset_s;
  }
  return rd_store_report_summary(svc->store, q, a, rows, n, err);
}
