/* fuzz/fuzz_calendar.c - calendar documents (POST/PUT /api/v1/calendars),
 * and the working-time arithmetic on every calendar that passes.
 *
 * Input: the body as sent. It is decoded over the create defaults
 * (rd_json_read_calendar), checked (rd_calendar_validate), and a valid
 * calendar answers due/elapsed for a start and target chosen from the
 * input's hash, which must agree with each other:
 *   - due(from, target) is not before from, and for a working target the
 *     working time in [from, due) is exactly the target's;
 *   - next_working(t) is a working moment, at or after t;
 *   - elapsed over [from, due) splits: [from, mid) + [mid, due).
 * And a valid calendar as the API shows it (rd_json_calendar, a GET) is a
 * PUT body that decodes to the same calendar.
 */
#include "fuzz_common.h"

#include "core/calendar.h"
#include "http/json_in.h"
#include "http/json_out.h"
#include "util/buf.h"

static bool
same_hours(const struct rd_day_hours *x, const struct rd_day_hours *y)
{
  if (x->n != y->n)
    return false;
  for (int i = 0; i < x->n; i++)
    if (x->iv[i].start_min != y->iv[i].start_min || x->iv[i].end_min != y->iv[i].end_min)
      return false;
  return true;
}

static bool
same_dates(const int32_t *x, size_t nx, const int32_t *y, size_t ny)
{
  return nx == ny && (nx == 0 || memcmp(x, y, nx * sizeof *x) == 0);
}

/* What GET shows, sent back by PUT over an empty record, is the same. */
static void
check_round_trip(const struct rd_calendar *cal, struct rd_arena *a)
{
  struct rd_buf b = {0};
  struct rd_error err = {0};
  struct rd_calendar again = {.timezone = "UTC"};
  rd_json_calendar(&b, cal);
  enum rd_status rc = rd_json_read_calendar(b.data, b.len, a, &again, &err);
  if (rc != RD_OK)
    fprintf(stderr, "round trip refused: %s: %s\n", err.detail, b.data);
  FUZZ_CHECK(rc == RD_OK);
  FUZZ_CHECK(strcmp(again.name, cal->name) == 0);
  FUZZ_CHECK(strcmp(again.timezone, cal->timezone) == 0);
  for (int d = 0; d < 7; d++)
    FUZZ_CHECK(same_hours(&again.week[d], &cal->week[d]));
  FUZZ_CHECK(same_hours(&again.workday_hours, &cal->workday_hours));
  FUZZ_CHECK(same_dates(again.holidays, again.n_holidays, cal->holidays, cal->n_holidays));
  FUZZ_CHECK(same_dates(again.workdays, again.n_workdays, cal->workdays, cal->n_workdays));
  rd_buf_free(&b);
}

static uint64_t
fnv1a(const uint8_t *data, size_t size)
{
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < size; i++)
    h = (h ^ data[i]) * 1099511628211ull;
  return h;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct rd_arena *a = rd_arena_new();
  struct rd_error err = {0};
  struct rd_calendar cal = {.timezone = "Asia/Shanghai"};
  char *body = fuzz_text(a, data, size);

  enum rd_status rc = rd_json_read_calendar(body, size, a, &cal, &err);
  fuzz_check_outcome(rc, &err);
  if (rc == RD_OK) {
    rc = rd_calendar_validate(&cal, &err);
    fuzz_check_outcome(rc, &err);
  }
  if (rc != RD_OK) {
    FUZZ_CHECK(rc == RD_E_MALFORMED || rc == RD_E_INVALID);
    rd_arena_free(a);
    return 0;
  }

  /* Decoded dates come sorted and de-duplicated. */
  for (size_t i = 1; i < cal.n_holidays; i++)
    FUZZ_CHECK(cal.holidays[i - 1] < cal.holidays[i]);
  for (size_t i = 1; i < cal.n_workdays; i++)
    FUZZ_CHECK(cal.workdays[i - 1] < cal.workdays[i]);

  check_round_trip(&cal, a);

  uint64_t h = fnv1a(data, size);
  /* Somewhere in 2024-2028, where the fuzzed dates mostly are. */
  int64_t from = 1704067200 + (int64_t)(h % (5u * 366 * 86400));
  /* A unit, and a size from 1 up to a few hundred days' worth. */
  struct rd_target target = {.unit = (enum rd_target_unit)((h >> 40) % 4),
                             .n = 1 + (int64_t)((h >> 44) % 600)};
  const struct rd_target *t = &target;

  int64_t due = 0;
  rc = rd_calendar_due(&cal, from, t, &due, &err);
  fuzz_check_outcome(rc, &err);
  if (rc == RD_OK) {
    FUZZ_CHECK(due >= from);
    int64_t want = rd_target_working_seconds(&cal, t);
    if (t->unit != RD_TARGET_CALENDAR_DAYS) {
      FUZZ_CHECK(want > 0);
      FUZZ_CHECK(rd_calendar_elapsed(&cal, from, due) == want);
      int64_t mid = from + (due - from) / 2;
      FUZZ_CHECK(rd_calendar_elapsed(&cal, from, mid) +
                     rd_calendar_elapsed(&cal, mid, due) == want);
    }
  } else {
    FUZZ_CHECK(rc == RD_E_INVALID);
  }

  int64_t next = 0;
  rc = rd_calendar_next_working(&cal, from, &next, &err);
  fuzz_check_outcome(rc, &err);
  if (rc == RD_OK) {
    FUZZ_CHECK(next >= from);
    FUZZ_CHECK(rd_calendar_is_working(&cal, next));
    FUZZ_CHECK(rd_calendar_elapsed(&cal, from, next) == 0);
  }
  rd_arena_free(a);
  return 0;
}
