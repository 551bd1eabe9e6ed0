/* store/sqlite/calendars.c - business calendars on SQLite: one row per
 * calendar, its working intervals in calendar_hours and its holidays and
 * make-up days in calendar_dates (0004_calendars.sql). A save replaces the
 * hours and dates whole, as a year's schedule is entered at once.
 */
#include <string.h>

#include "store/sqlite/sqlite_int.h"
#include "util/arena.h"
#include "util/time.h"

enum { MAKE_UP_DAY = 7 }; /* calendar_hours.day of the make-up day hours */
enum { KIND_HOLIDAY = 0, KIND_WORKDAY = 1 };

static enum rd_status
add_hours(struct rd_sqlite_conn *c, int64_t id, int day,
          const struct rd_day_hours *h, struct rd_error *err)
{
  for (int i = 0; i < h->n; i++) {
    sqlite3_stmt *s = rd_sqlite_stmt(c, SQ_CALENDAR_HOURS_ADD, err);
    enum rd_status rc;
    if (s == NULL)
      return err ? err->code : RD_E_INTERNAL;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int(s, 2, day);
    sqlite3_bind_int(s, 3, i);
    sqlite3_bind_int(s, 4, h->iv[i].start_min);
    sqlite3_bind_int(s, 5, h->iv[i].end_min);
    if ((rc = rd_sqlite_step_done(c, s, "calendar hours", err)))
      return rc;
  }
  return RD_OK;
}

static enum rd_status
add_dates(struct rd_sqlite_conn *c, int64_t id, const int32_t *dates, size_t n,
          int kind, struct rd_error *err)
{
  for (size_t i = 0; i < n; i++) {
    sqlite3_stmt *s = rd_sqlite_stmt(c, SQ_CALENDAR_DATES_ADD, err);
    char text[RD_DATE_TEXT_MAX];
    enum rd_status rc;
    if (s == NULL)
      return err ? err->code : RD_E_INTERNAL;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, rd_date_format(dates[i], text), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 3, kind);
    if ((rc = rd_sqlite_step_done(c, s, "calendar dates", err)))
      return rc;
  }
  return RD_OK;
}

enum rd_status
rd_sqlite_tx_calendar_save(struct rd_tx *tx, struct rd_calendar *cal,
                           int64_t now, struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  enum rd_status rc;
  int src;

  s = rd_sqlite_stmt(c, cal->id ? SQ_CALENDAR_UPDATE : SQ_CALENDAR_INSERT, err);
  if (s == NULL)
    return err ? err->code : RD_E_INTERNAL;
  rd_sqlite_bind_text(s, 1, cal->name);
  rd_sqlite_bind_text(s, 2, cal->timezone);
  sqlite3_bind_int64(s, 3, now);
  if (cal->id)
    sqlite3_bind_int64(s, 4, cal->id);
  src = sqlite3_step(s);
  if (cal->id) {
    if (src != SQLITE_ROW) {
      rd_sqlite_done(s);
      if (src == SQLITE_DONE)
        return rd_error_set(err, RD_E_NOT_FOUND, "", "no such calendar");
      return rd_sqlite_fail(c->db, src, "calendar", err);
    }
    cal->version = sqlite3_column_int64(s, 0);
    rd_sqlite_done(s);
  } else {
    rd_sqlite_done(s);
    if (src != SQLITE_DONE)
      return rd_sqlite_fail(c->db, src, "calendar", err);
    cal->id = sqlite3_last_insert_rowid(c->db);
    cal->version = 1;
  }

  static const enum rd_sqlite_stmt clear[] = { SQ_CALENDAR_HOURS_CLEAR,
                                               SQ_CALENDAR_DATES_CLEAR };
  for (size_t i = 0; i < sizeof clear / sizeof *clear; i++) {
    if ((s = rd_sqlite_stmt(c, clear[i], err)) == NULL)
      return err ? err->code : RD_E_INTERNAL;
    sqlite3_bind_int64(s, 1, cal->id);
    if ((rc = rd_sqlite_step_done(c, s, "calendar", err)))
      return rc;
  }
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
calendar_row(sqlite3_stmt *s, struct rd_arena *a, void *out)
{
  struct rd_calendar *x = out;
  memset(x, 0, sizeof *x);
  x->id = sqlite3_column_int64(s, 0);
  x->name = rd_sqlite_col_text(s, 1, a);
  x->timezone = rd_sqlite_col_text(s, 2, a);
  x->version = sqlite3_column_int64(s, 3);
}

static enum rd_status
read_hours(struct rd_sqlite_conn *c, struct rd_calendar *cal,
           struct rd_error *err)
{
  sqlite3_stmt *s = rd_sqlite_stmt(c, SQ_CALENDAR_HOURS_GET, err);
  int src;

  if (s == NULL)
    return err ? err->code : RD_E_INTERNAL;
  sqlite3_bind_int64(s, 1, cal->id);
  while ((src = sqlite3_step(s)) == SQLITE_ROW) {
    int day = sqlite3_column_int(s, 0);
    struct rd_day_hours *h = day == MAKE_UP_DAY ? &cal->workday_hours
                           : day >= 0 && day < 7 ? &cal->week[day] : NULL;
    if (h == NULL || h->n == RD_DAY_INTERVALS_MAX)
      continue; /* the schema's CHECK and the service's validation forbid it */
    h->iv[h->n].start_min = sqlite3_column_int(s, 1);
    h->iv[h->n].end_min = sqlite3_column_int(s, 2);
    h->n++;
  }
  rd_sqlite_done(s);
  if (src != SQLITE_DONE)
    return rd_sqlite_fail(c->db, src, "calendar hours", err);
  return RD_OK;
}

static enum rd_status
read_dates(struct rd_sqlite_conn *c, struct rd_calendar *cal,
           struct rd_arena *a, struct rd_error *err)
{
  sqlite3_stmt *s = rd_sqlite_stmt(c, SQ_CALENDAR_DATES_GET, err);
  size_t cap = 64, n = 0;
  int32_t *date = rd_arena_alloc(a, cap * sizeof *date);
  int *kind = rd_arena_alloc(a, cap * sizeof *kind);
  int32_t *hol, *work;
  int src;

  if (s == NULL)
    return err ? err->code : RD_E_INTERNAL;
  sqlite3_bind_int64(s, 1, cal->id);
  while ((src = sqlite3_step(s)) == SQLITE_ROW) {
    int64_t d;
    struct rd_error ignored = {0};
    if (rd_date_parse((const char *)sqlite3_column_text(s, 0), &d, "date",
                      &ignored) != RD_OK)
      continue; /* the schema's CHECK keeps the shape; an impossible date is no day */
    if (n == cap) {
      int32_t *d2 = rd_arena_alloc(a, 2 * cap * sizeof *d2);
      int *k2 = rd_arena_alloc(a, 2 * cap * sizeof *k2);
      memcpy(d2, date, n * sizeof *date);
      memcpy(k2, kind, n * sizeof *kind);
      date = d2;
      kind = k2;
      cap *= 2;
    }
    date[n] = (int32_t)d;
    kind[n] = sqlite3_column_int(s, 1);
    n++;
  }
  rd_sqlite_done(s);
  if (src != SQLITE_DONE)
    return rd_sqlite_fail(c->db, src, "calendar dates", err);
  /* Rows come in date order, so each list is sorted. */
  hol = rd_arena_alloc(a, (n ? n : 1) * sizeof *hol);
  work = rd_arena_alloc(a, (n ? n : 1) * sizeof *work);
  for (size_t i = 0; i < n; i++) {
    if (kind[i] == KIND_WORKDAY)
      work[cal->n_workdays++] = date[i];
    else
      hol[cal->n_holidays++] = date[i];
  }
  cal->holidays = hol;
  cal->workdays = work;
  return RD_OK;
}

/* The calendar id with its hours and dates, in one read transaction. */
static enum rd_status
read_calendar(struct rd_sqlite_conn *c, int64_t id, struct rd_arena *a,
              struct rd_calendar *out, struct rd_error *err)
{
  enum rd_status rc;
  if ((rc = rd_sqlite_one(c, SQ_CALENDAR_GET, id, NULL, calendar_row, a, out,
                          "calendar", err)) ||
      (rc = read_hours(c, out, err)) || (rc = read_dates(c, out, a, err)))
    return rc;
  return RD_OK;
}

enum rd_status
rd_sqlite_calendar_get(struct rd_store *st, int64_t id, struct rd_arena *a,
                       struct rd_calendar *out, struct rd_error *err)
{
  struct rd_sqlite_conn *c;
  enum rd_status rc = rd_sqlite_reader_acquire(st, &c, err);

  if (rc != RD_OK)
    return rc;
  if ((rc = rd_sqlite_exec(c, SQ_BEGIN_READ, err)) == RD_OK) {
    rc = read_calendar(c, id, a, out, err);
    rd_sqlite_exec(c, SQ_COMMIT, NULL);
  }
  rd_sqlite_reader_release(st, c);
  return rc;
}

static void
id_row(sqlite3_stmt *s, struct rd_arena *a, void *out)
{
  (void)a;
  *(int64_t *)out = sqlite3_column_int64(s, 0);
}

enum rd_status
rd_sqlite_calendar_list(struct rd_store *st, struct rd_arena *a,
                        struct rd_calendar **out, size_t *n,
                        struct rd_error *err)
{
  struct rd_sqlite_conn *c;
  int64_t *ids = NULL;
  enum rd_status rc = rd_sqlite_reader_acquire(st, &c, err);

  *out = NULL;
  *n = 0;
  if (rc != RD_OK)
    return rc;
  if ((rc = rd_sqlite_exec(c, SQ_BEGIN_READ, err)) == RD_OK) {
    rc = rd_sqlite_all(c, SQ_CALENDAR_LIST, RD_SQLITE_NO_KEY, id_row,
                       sizeof *ids, a, (void **)&ids, n, err);
    if (rc == RD_OK) {
      *out = rd_arena_alloc(a, (*n ? *n : 1) * sizeof **out);
      for (size_t i = 0; i < *n && rc == RD_OK; i++)
        rc = read_calendar(c, ids[i], a, &(*out)[i], err);
    }
    rd_sqlite_exec(c, SQ_COMMIT, NULL);
  }
  rd_sqlite_reader_release(st, c);
  if (rc != RD_OK) {
    *out = NULL;
    *n = 0;
  }
  return rc;
}
