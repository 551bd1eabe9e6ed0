/* fuzz/fuzz_policy.c - SLA policy documents (POST/PUT /api/v1/sla-policies).
 *
 * Input: the body as sent. It is decoded over the create defaults
 * (rd_json_read_policy), its clocks are parsed as the service parses them
 * before saving (rd_svc_parse_clocks), and a decoded policy is matched
 * against complaints made from the input: selecting among [p] gives p
 * exactly when p matches, and the approval rule then is p's. A policy the
 * service would save (its checks short of the store's) is, as the API
 * shows it (rd_json_policy, a GET), a PUT body that decodes to the same.
 */
#include "fuzz_common.h"

#include "core/policy.h"
#include "http/json_in.h"
#include "http/json_out.h"
#include "util/buf.h"
#include "service/sla.h"

/* The checks of rd_service_policy_save that need no store. */
static bool
saveable(const struct rd_sla_policy *p)
{
  return p->name && (p->severity_mask & ~0x3Eu) == 0 &&
         p->approval.severity_at_least >= 0 && p->approval.severity_at_least <= 5 &&
         (!p->approval.has_amount_over || p->approval.amount_over_fen >= 0) &&
         (p->channel_mask & ~((1u << RD_CHANNEL_COUNT) - 1)) == 0;
}

static void
check_round_trip(const struct rd_sla_policy *p, struct rd_arena *a)
{
  struct rd_buf b = {0};
  struct rd_error err = {0};
  struct rd_sla_policy q = {.clocks_json = "[]"};
  rd_json_policy(&b, p);
  enum rd_status rc = rd_json_read_policy(b.data, b.len, a, &q, &err);
  if (rc != RD_OK)
    fprintf(stderr, "round trip refused: %s: %s\n", err.detail, b.data);
  FUZZ_CHECK(rc == RD_OK);
  FUZZ_CHECK(strcmp(q.name, p->name) == 0);
  FUZZ_CHECK(q.priority == p->priority);
  FUZZ_CHECK(q.severity_mask == p->severity_mask);
  FUZZ_CHECK(q.channel_mask == p->channel_mask);
  FUZZ_CHECK(q.n_categories == p->n_categories && q.n_sites == p->n_sites);
  FUZZ_CHECK(memcmp(q.category_ids, p->category_ids, p->n_categories * sizeof(int64_t)) == 0);
  FUZZ_CHECK(memcmp(q.site_ids, p->site_ids, p->n_sites * sizeof(int64_t)) == 0);
  FUZZ_CHECK(q.calendar_id == p->calendar_id);
  FUZZ_CHECK(q.approval.always == p->approval.always);
  FUZZ_CHECK(q.approval.severity_at_least == p->approval.severity_at_least);
  FUZZ_CHECK(q.approval.has_amount_over == p->approval.has_amount_over);
  FUZZ_CHECK(!p->approval.has_amount_over ||
             q.approval.amount_over_fen == p->approval.amount_over_fen);
  FUZZ_CHECK(strcmp(q.clocks_json, p->clocks_json) == 0);
  rd_buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct rd_arena *a = rd_arena_new();
  struct rd_error err = {0};
  struct rd_sla_policy p = {.clocks_json = "[]"};
  char *body = fuzz_text(a, data, size);

  enum rd_status rc = rd_json_read_policy(body, size, a, &p, &err);
  fuzz_check_outcome(rc, &err);
  if (rc != RD_OK) {
    FUZZ_CHECK(rc == RD_E_MALFORMED || rc == RD_E_INVALID);
    rd_arena_free(a);
    return 0;
  }
  FUZZ_CHECK(p.clocks_json != NULL);
  FUZZ_CHECK(p.n_categories <= RD_POLICY_MATCH_MAX);
  FUZZ_CHECK(p.n_sites <= RD_POLICY_MATCH_MAX);

  struct rd_clock_def *defs = NULL;
  size_t n_defs = 0;
  rc = rd_svc_parse_clocks(p.clocks_json, a, &defs, &n_defs, &err);
  fuzz_check_outcome(rc, &err);
  if (rc == RD_OK) {
    FUZZ_CHECK(n_defs == 0 || defs != NULL);
    if (saveable(&p))
      check_round_trip(&p, a);
  }

  /* Complaints over every severity and channel, with the ids the policy
   * names (and one it does not). */
  for (int sev = 0; sev <= 5; sev++)
    for (int ch = 0; ch < RD_CHANNEL_COUNT; ch++) {
      struct rd_complaint c = {.severity = sev, .channel = (enum rd_channel)ch};
      c.category_id = p.n_categories ? p.category_ids[sev % p.n_categories] : 7;
      c.site_id = p.n_sites ? p.site_ids[ch % p.n_sites] : 7;
      bool m = rd_policy_matches(&p, &c);
      FUZZ_CHECK((rd_policy_select(&p, 1, &c) == &p) == m);
      const struct rd_approval_rule *r = rd_policy_approval(&p, 1, &c);
      FUZZ_CHECK(r != NULL);
      FUZZ_CHECK(!m || r == &p.approval);
    }
  rd_arena_free(a);
  return 0;
}
