/* service/calendars.c - business calendars: administrators write them;
 * anyone signed in may read them and ask when a time limit falls due on
 * one, or how much working time lies between two instants. */
#include "service/service_int.h"

#include "core/calendar.h"
#include "core/validate.h"
#include "util/arena.h"

struct calendar_save {
  struct rd_calendar *cal;
  int64_t now;
  const struct rd_principal *who;
};

static enum rd_status
save_tx(struct rd_tx *tx, void *arg, struct rd_error *err)
{
  struct calendar_save *x = arg;
  bool create = x->cal->id == 0;
  enum rd_status rc = rd_tx_calendar_save(tx, x->cal, x->now, err);
  return rc ? rc : rd_svc_audit(tx, x->who, x->now,
                                create ? "calendar.create" : "calendar.update",
                                "calendar", x->cal->id, NULL, err);
}

enum rd_status
rd_service_calendar_save(struct rd_service *svc, const struct rd_principal *who,
                         struct rd_calendar *cal, struct rd_error *err)
{
  struct calendar_save x = {cal, rd_service_now(svc), who};
  enum rd_status rc;

  if ((rc = rd_svc_require_admin(who, err)) ||
      (rc = rd_validate_text("name", cal->name, RD_MAX_SHORT, true, err)) ||
      (rc = rd_calendar_validate(cal, err)) ||
      (rc = rd_store_write(svc->store, save_tx, &x, err)))
    return rc;
  rd_sla_cache_changed(&svc->sla);
  return RD_OK;
}

enum rd_status
rd_svc_check_calendar(struct rd_service *svc, int64_t id, struct rd_error *err)
{
  struct rd_arena *a;
  struct rd_calendar cal;
  enum rd_status rc;

  if (id == 0)
    return RD_OK;
  if (id < 0)
    return rd_error_set(err, RD_E_INVALID, "calendar_id",
                        "calendar_id must be a calendar's id");
  a = rd_arena_new();
  rc = rd_store_calendar_get(svc->store, id, a, &cal, err);
  rd_arena_free(a);
  if (rc == RD_E_NOT_FOUND)
    return rd_error_set(err, RD_E_INVALID, "calendar_id", "no such calendar");
  return rc;
}

enum rd_status
rd_service_calendar_due(struct rd_service *svc, int64_t id, int64_t from,
                        const char *target, struct rd_arena *a, int64_t *due,
                        const char **timezone, struct rd_error *err)
{
  struct rd_calendar cal;
  struct rd_target t;
  enum rd_status rc;

  if ((rc = rd_target_parse(target, &t, "target", err)) ||
      (rc = rd_store_calendar_get(svc->store, id, a, &cal, err)) ||
      (rc = rd_calendar_due(&cal, from, &t, due, err)))
    return rc;
  *timezone = cal.timezone;
  return RD_OK;
}

enum rd_status
rd_service_calendar_elapsed(struct rd_service *svc, int64_t id, int64_t from,
                            int64_t to, struct rd_arena *a, int64_t *seconds,
                            struct rd_error *err)
{
  struct rd_calendar cal;
  enum rd_status rc;

  if (to < from)
    return rd_error_set(err, RD_E_INVALID, "to", "to must not be before from");
  if ((rc = rd_store_calendar_get(svc->store, id, a, &cal, err)))
    return rc;
  *seconds = rd_calendar_elapsed(&cal, from, to);
  return RD_OK;
}
