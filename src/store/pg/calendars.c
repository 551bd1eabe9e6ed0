/* store/pg/calendars.c - business calendars on PostgreSQL: one row per
 * calendar, its working intervals in calendar_hours and its holidays and
 * make-up days in calendar_dates. A save replaces the hours and dates whole;
 * a read takes the three in one snapshot (REPEATABLE READ, read only).
 */
#include <string.h>

#include "store/pg/pg_int.h"
#include "util/arena.h"
#include "util/time.h"

enum { MAKE_UP_DAY = 7 }; /* calendar_hours.day of the make-up day hours */
enum { KIND_HOLIDAY = 0, KIND_WORKDAY = 1 };

static enum rd_status
add_hours(struct rd_pg_conn *c, int64_t id, int day,
          const struct rd_day_hours *h, struct rd_error *err)
{
  for (int i = 0; i < h->n; i++) {
    struct rd_pg_args p = {0};
    enum rd_status rc;
    rd_pg_arg_int(&p, id);
    rd_pg_arg_int(&p, day);
    rd_pg_arg_int(&p, i);
    rd_pg_arg_int(&p, h->iv[i].start_min);
    rd_pg_arg_int(&p, h->iv[i].end_min);
    if ((rc = rd_pg_done(c, PQ_CALENDAR_HOURS_ADD, &p, NULL, "calendar hours", err)))
      return rc;
  }
  return RD_OK;
}

static enum rd_status
add_dates(struct rd_pg_conn *c, int64_t id, const int32_t *dates, size_t n,
          int kind, struct rd_error *err)
{
  for (size_t i = 0; i < n; i++) {
    struct rd_pg_args p = {0};
    char text[RD_DATE_TEXT_MAX];
    enum rd_status rc;
    rd_pg_arg_int(&p, id);
    rd_pg_arg_text(&p, rd_date_format(dates[i], text));
    rd_pg_arg_int(&p, kind);
    if ((rc = rd_pg_done(c, PQ_CALENDAR_DATES_ADD, &p, NULL, "calendar dates", err)))
      return rc;
  }
  return RD_OK;
}

enum rd_status
rd_pg_tx_calendar_save(struct rd_tx *tx, struct rd_calendar *cal, int64_t now,
                       struct rd_error *err)
{
  struct rd_pg_conn *c = rd_pg_tx_conn(tx);
  struct rd_pg_args p = {0}, q = {0};
  PGresult *r = NULL;
  enum rd_status rc;

  rd_pg_arg_text(&p, cal->name);
  rd_pg_arg_text(&p, cal->timezone);
  rd_pg_arg_int(&p, now);
  if (cal->id)
    rd_pg_arg_int(&p, cal->id);
  /* Both return (id, version): the update bumps the version. */
  rc = rd_pg_run(c, cal->id ? PQ_CALENDAR_UPDATE : PQ_CALENDAR_INSERT, &p, &r,
                 "calendar", err);
  if (rc != RD_OK)
    return rc;
  if (PQntuples(r) == 0) {
    PQclear(r);
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such calendar");
  }
  cal->id = rd_pg_int(r, 0, 0);
  cal->version = rd_pg_int(r, 0, 1);
  PQclear(r);

  rd_pg_arg_int(&q, cal->id);
  if ((rc = rd_pg_done(c, PQ_CALENDAR_HOURS_CLEAR, &q, NULL, "calendar", err)) ||
      (rc = rd_pg_done(c, PQ_CALENDAR_DATES_CLEAR, &q, NULL, "calendar", err)))
    return rc;
  for (int d = 0; d < 7; d++)
    if ((rc = add_hours(c, cal->id, d, &cal->week[d], err)))
      return rc;
  if ((rc = add_hours(c, cal->id, MAKE_UP_DAY, &cal->workday_hours, err)) ||
      (rc = add_dates(c, cal->id, cal->holidays, cal->n_holidays, KIND_HOLIDAY, err)) ||
      (rc = add_dates(c, cal->id, cal->workdays, cal->n_workdays, KIND_WORKDAY, err)))
    return rc;
  return RD_OK;
}

/* ---- reading ------------------------------------------------------------------ */

static void
calendar_row(PGresult *r, int row, struct rd_arena *a, void *out)
{
  struct rd_calendar *x = out;
  memset(x, 0, sizeof *x);
  x->id = rd_pg_int(r, row, 0);
  x->name = rd_pg_text(r, row, 1, a);
  x->timezone = rd_pg_text(r, row, 2, a);
  x->version = rd_pg_int(r, row, 3);
}

static enum rd_status
read_hours(struct rd_pg_conn *c, struct rd_calendar *cal, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  PGresult *r;
  enum rd_status rc;

  rd_pg_arg_int(&p, cal->id);
  rc = rd_pg_run(c, PQ_CALENDAR_HOURS_GET, &p, &r, "calendar hours", err);
  if (rc != RD_OK)
    return rc;
  for (int i = 0; i < PQntuples(r); i++) {
    int64_t day = rd_pg_int(r, i, 0);
    struct rd_day_hours *h = day == MAKE_UP_DAY ? &cal->workday_hours
                           : day >= 0 && day < 7 ? &cal->week[day] : NULL;
    if (h == NULL || h->n == RD_DAY_INTERVALS_MAX)
      continue; /* the schema's CHECK and the service's validation forbid it */
    h->iv[h->n].start_min = (int)rd_pg_int(r, i, 1);
    h->iv[h->n].end_min = (int)rd_pg_int(r, i, 2);
    h->n++;
  }
  PQclear(r);
  return RD_OK;
}

static enum rd_status
read_dates(struct rd_pg_conn *c, struct rd_calendar *cal, struct rd_arena *a,
           struct rd_error *err)
{
  struct rd_pg_args p = {0};
  PGresult *r;
  enum rd_status rc;
  int rows;
  int32_t *hol, *work;

  rd_pg_arg_int(&p, cal->id);
  rc = rd_pg_run(c, PQ_CALENDAR_DATES_GET, &p, &r, "calendar dates", err);
  if (rc != RD_OK)
    return rc;
  rows = PQntuples(r);
  hol = rd_arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof *hol);
  work = rd_arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof *work);
  /* Rows come in date order, so each list is sorted. */
  for (int i = 0; i < rows; i++) {
    int64_t d;
    struct rd_error ignored = {0};
    if (rd_date_parse(PQgetvalue(r, i, 0), &d, "date", &ignored) != RD_OK)
      continue; /* the schema's CHECK keeps the shape; an impossible date is no day */
    if (rd_pg_int(r, i, 1) == KIND_WORKDAY)
      work[cal->n_workdays++] = (int32_t)d;
    else
      hol[cal->n_holidays++] = (int32_t)d;
  }
  PQclear(r);
  cal->holidays = hol;
  cal->workdays = work;
  return RD_OK;
}

static enum rd_status
read_calendar(struct rd_pg_conn *c, int64_t id, struct rd_arena *a,
              struct rd_calendar *out, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  enum rd_status rc;

  rd_pg_arg_int(&p, id);
  if ((rc = rd_pg_one(c, PQ_CALENDAR_GET, &p, calendar_row, a, out, "calendar",
                      err)) ||
      (rc = read_hours(c, out, err)) || (rc = read_dates(c, out, a, err)))
    return rc;
  return RD_OK;
}

static const char begin_snapshot[] =
  "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

/* Ends the read transaction; a failure to do so leaves the connection
 * inside it, and the pool then drops it. */
static void
end_snapshot(struct rd_pg_conn *c)
{
  struct rd_error ignored = {0};
  if (PQstatus(c->pg) == CONNECTION_OK)
    rd_pg_exec(c, "COMMIT", "commit", &ignored);
}

enum rd_status
rd_pg_calendar_get(struct rd_store *st, int64_t id, struct rd_arena *a,
                   struct rd_calendar *out, struct rd_error *err)
{
  struct rd_pg_conn *c;
  enum rd_status rc = rd_pg_acquire(st->impl, &c, err);

  if (rc != RD_OK)
    return rc;
  if ((rc = rd_pg_exec(c, begin_snapshot, "calendar", err)) == RD_OK) {
    rc = read_calendar(c, id, a, out, err);
    end_snapshot(c);
  }
  rd_pg_release(st->impl, c);
  return rc;
}

static void
id_row(PGresult *r, int row, struct rd_arena *a, void *out)
{
  (void)a;
  *(int64_t *)out = rd_pg_int(r, row, 0);
}

enum rd_status
rd_pg_calendar_list(struct rd_store *st, struct rd_arena *a,
                    struct rd_calendar **out, size_t *n, struct rd_error *err)
{
  struct rd_pg_conn *c;
  int64_t *ids = NULL;
  enum rd_status rc = rd_pg_acquire(st->impl, &c, err);

  *out = NULL;
  *n = 0;
  if (rc != RD_OK)
    return rc;
  if ((rc = rd_pg_exec(c, begin_snapshot, "calendar", err)) == RD_OK) {
    rc = rd_pg_all(c, PQ_CALENDAR_LIST, NULL, id_row, sizeof *ids, a,
                   (void **)&ids, n, err);
    if (rc == RD_OK) {
      *out = rd_arena_alloc(a, (*n ? *n : 1) * sizeof **out);
      for (size_t i = 0; i < *n && rc == RD_OK; i++)
        rc = read_calendar(c, ids[i], a, &(*out)[i], err);
    }
    end_snapshot(c);
  }
  rd_pg_release(st->impl, c);
  if (rc != RD_OK) {
    *out = NULL;
    *n = 0;
  }
  return rc;
}
