/* fuzz/fuzz_policy.c - SLA policy documents (POST/PUT /api/v1/sla-policies).
 *
 * Input: the body as sent. It is decoded over the create defaults
 * (rd_json_read_policy), its clocks are parsed as the service parses them
 * before saving (rd_svc_parse_clocks), and a decoded policy is matched
 * against complaints made from the input: selecting among [p] gives p
 * exactly when p matches, and the approval rule then is p's.
 */
#include "fuzz_common.h"

#include "core/policy.h"
#include "http/json_in.h"
#include "service/sla.h"

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
  if (rc == RD_OK)
    FUZZ_CHECK(n_defs == 0 || defs != NULL);

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
