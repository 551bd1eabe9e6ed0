/* http/metrics.c - counters in fixed arrays indexed by route, method and code. */
#include "http/metrics.h"

#include <inttypes.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>

#include "core/complaint.h"
#include "http/routes.h"
#include "store/store.h"
#include "util/mem.h"

static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OTHER"};
enum { N_METHODS = sizeof methods / sizeof methods[0] };

/* The codes this server answers with; anything else is counted as 0 ("other"). */
static const unsigned codes[] = {200, 201, 204, 400, 401, 403, 404, 405, 409,
                                 413, 415, 422, 428, 429, 500, 503, 0};
enum { N_CODES = sizeof codes / sizeof codes[0] };

/* Upper bounds in seconds, Prometheus's defaults; +Inf is the count. */
static const double buckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                 0.25, 0.5, 1, 2.5, 5, 10};
enum { N_BUCKETS = sizeof buckets / sizeof buckets[0] };

struct route_stats {
  uint64_t requests[N_METHODS][N_CODES];
  uint64_t bucket[N_BUCKETS];   /* non-cumulative; summed when rendered */
  uint64_t count;
  uint64_t sum_us;
};

struct rd_metrics {
  size_t n;                     /* routes + 1 (the last counts unmatched) */
  struct route_stats *stats;
};

struct rd_metrics *
rd_metrics_new(size_t n_routes)
{
  struct rd_metrics *m = rd_xcalloc(1, sizeof *m);
  m->n = n_routes + 1;
  m->stats = rd_xcalloc(m->n, sizeof *m->stats);
  return m;
}

void
rd_metrics_free(struct rd_metrics *m)
{
  if (!m)
    return;
  free(m->stats);
  free(m);
}

static size_t
method_index(const char *method)
{
  for (size_t i = 0; i + 1 < N_METHODS; i++)
    if (strcmp(methods[i], method) == 0)
      return i;
  return N_METHODS - 1;
}

static size_t
code_index(unsigned code)
{
  for (size_t i = 0; i + 1 < N_CODES; i++)
    if (codes[i] == code)
      return i;
  return N_CODES - 1;
}

void
rd_metrics_record(struct rd_metrics *m, int route, const char *method,
                  unsigned status, int64_t duration_us)
{
  struct route_stats *s =
      &m->stats[route >= 0 && (size_t)route < m->n - 1 ? (size_t)route : m->n - 1];
  double seconds = (double)duration_us / 1e6;
  __atomic_add_fetch(&s->requests[method_index(method)][code_index(status)], 1,
                     __ATOMIC_RELAXED);
  for (size_t i = 0; i < N_BUCKETS; i++)
    if (seconds <= buckets[i]) {
      __atomic_add_fetch(&s->bucket[i], 1, __ATOMIC_RELAXED);
      break;
    }
  __atomic_add_fetch(&s->count, 1, __ATOMIC_RELAXED);
  __atomic_add_fetch(&s->sum_us, (uint64_t)(duration_us > 0 ? duration_us : 0),
                     __ATOMIC_RELAXED);
}

static uint64_t
load(const uint64_t *p)
{
  return __atomic_load_n(p, __ATOMIC_RELAXED);
}

void
rd_metrics_render(struct rd_metrics *m, struct rd_store *st, struct rd_buf *b)
{
  size_t n_routes;
  const struct rd_route *routes = rd_routes(&n_routes);

  rd_buf_puts(b, "# HELP redress_http_requests_total HTTP requests by route, method and status code.\n"
                 "# TYPE redress_http_requests_total counter\n");
  for (size_t r = 0; r < m->n; r++) {
    const char *route = r < n_routes ? routes[r].pattern : "unmatched";
    for (size_t k = 0; k < N_METHODS; k++)
      for (size_t c = 0; c < N_CODES; c++) {
        uint64_t v = load(&m->stats[r].requests[k][c]);
        if (!v)
          continue;
        rd_buf_printf(b, "redress_http_requests_total{route=\"%s\",method=\"%s\",code=\"",
                      route, methods[k]);
        if (codes[c])
          rd_buf_printf(b, "%u", codes[c]);
        else
          rd_buf_puts(b, "other");
        rd_buf_printf(b, "\"} %" PRIu64 "\n", v);
      }
  }

  rd_buf_puts(b, "# HELP redress_http_request_duration_seconds Time from the first byte of a request to its completion.\n"
                 "# TYPE redress_http_request_duration_seconds histogram\n");
  for (size_t r = 0; r < m->n; r++) {
    const struct route_stats *s = &m->stats[r];
    uint64_t count = load(&s->count);
    if (!count)
      continue;
    const char *route = r < n_routes ? routes[r].pattern : "unmatched";
    uint64_t cumulative = 0;
    for (size_t i = 0; i < N_BUCKETS; i++) {
      cumulative += load(&s->bucket[i]);
      rd_buf_printf(b, "redress_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %" PRIu64 "\n",
                    route, buckets[i], cumulative);
    }
    rd_buf_printf(b, "redress_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %" PRIu64 "\n",
                  route, count);
    rd_buf_printf(b, "redress_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n",
                  route, (double)load(&s->sum_us) / 1e6);
    rd_buf_printf(b, "redress_http_request_duration_seconds_count{route=\"%s\"} %" PRIu64 "\n",
                  route, count);
  }

  int64_t counts[RD_STATE_COUNT] = {0};
  struct rd_error err = {0};
  if (st && rd_store_count_by_status(st, counts, &err) == RD_OK) {
    rd_buf_puts(b, "# HELP redress_complaints Complaints by current status.\n"
                   "# TYPE redress_complaints gauge\n");
    for (int s = 0; s < RD_STATE_COUNT; s++)
      rd_buf_printf(b, "redress_complaints{status=\"%s\"} %" PRId64 "\n",
                    rd_state_name((enum rd_state)s), counts[s]);
  }

  /* Memory, so a soak (tests/soak) or an operator can tell a cache filling
   * to its bound from a leak: the store's page caches live inside what
   * malloc holds in use. */
  struct rd_store_cache caches[4];
  size_t n_caches = st ? rd_store_caches(st, caches, sizeof caches / sizeof caches[0]) : 0;
  if (n_caches)
    rd_buf_puts(b, "# HELP redress_store_cache_bytes Bytes the store's page caches hold, by holder.\n"
                   "# TYPE redress_store_cache_bytes gauge\n");
  for (size_t i = 0; i < n_caches; i++)
    rd_buf_printf(b, "redress_store_cache_bytes{holder=\"%s\"} %" PRId64 "\n",
                  caches[i].holder, caches[i].bytes);
#ifdef __GLIBC__
  /* mallinfo2 walks every arena under its lock: cheap next to a scrape. */
  struct mallinfo2 mi = mallinfo2();
  rd_buf_printf(b, "# HELP redress_malloc_in_use_bytes Bytes malloc has handed out and not had back.\n"
                   "# TYPE redress_malloc_in_use_bytes gauge\n"
                   "redress_malloc_in_use_bytes %zu\n"
                   "# HELP redress_malloc_free_bytes Bytes malloc holds free, not returned to the system.\n"
                   "# TYPE redress_malloc_free_bytes gauge\n"
                   "redress_malloc_free_bytes %zu\n",
                mi.uordblks + mi.hblkhd, mi.fordblks);
#endif
}
