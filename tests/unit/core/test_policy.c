/* Unit tests of core/policy and core/approval: which SLA policy applies to a
 * complaint (lowest priority, then lowest id, whatever the order given) and
 * when a plan needs the approver. */
#include "../../testing.h"

#include <string.h>

#include "core/policy.h"

static struct rd_complaint
complaint(int severity, enum rd_channel ch, int64_t category, int64_t site)
{
  struct rd_complaint c = {0};
  c.id = 1;
  c.status = RD_STATE_REGISTERED;
  c.severity = severity;
  c.channel = ch;
  c.category_id = category;
  c.site_id = site;
  return c;
}

static void
test_empty_match_fits_all(void **state)
{
  struct rd_sla_policy p = {.id = 1, .priority = 10};
  struct rd_complaint c = complaint(0, RD_CHANNEL_PHONE, 0, 0);
  assert_true(rd_policy_matches(&p, &c));
  c = complaint(5, RD_CHANNEL_REGULATOR, 99, 7);
  assert_true(rd_policy_matches(&p, &c));
}

static void
test_each_dimension(void **state)
{
  struct rd_complaint c = complaint(3, RD_CHANNEL_EMAIL, 12, 2);

  struct rd_sla_policy sev = {.id = 1, .severity_mask = (1u << 1) | (1u << 2)};
  assert_false(rd_policy_matches(&sev, &c));
  sev.severity_mask |= 1u << 3;
  assert_true(rd_policy_matches(&sev, &c));
  /* A complaint without a severity yet does not fit a severity match. */
  struct rd_complaint unset = complaint(0, RD_CHANNEL_EMAIL, 12, 2);
  assert_false(rd_policy_matches(&sev, &unset));

  struct rd_sla_policy ch = {.id = 2, .channel_mask = 1u << RD_CHANNEL_PHONE};
  assert_false(rd_policy_matches(&ch, &c));
  ch.channel_mask |= 1u << RD_CHANNEL_EMAIL;
  assert_true(rd_policy_matches(&ch, &c));

  struct rd_sla_policy cat = {.id = 3, .n_categories = 2, .category_ids = {10, 11}};
  assert_false(rd_policy_matches(&cat, &c));
  cat.category_ids[2] = 12;
  cat.n_categories = 3;
  assert_true(rd_policy_matches(&cat, &c));

  struct rd_sla_policy site = {.id = 4, .n_sites = 1, .site_ids = {1}};
  assert_false(rd_policy_matches(&site, &c));
  site.site_ids[0] = 2;
  assert_true(rd_policy_matches(&site, &c));

  /* All dimensions must fit at once. */
  struct rd_sla_policy all = {.id = 5, .severity_mask = 1u << 3,
                              .channel_mask = 1u << RD_CHANNEL_EMAIL,
                              .n_categories = 1, .category_ids = {12},
                              .n_sites = 1, .site_ids = {3}};
  assert_false(rd_policy_matches(&all, &c));
  all.site_ids[0] = 2;
  assert_true(rd_policy_matches(&all, &c));
}

static void
test_select_lowest_priority_then_id(void **state)
{
  struct rd_complaint c = complaint(5, RD_CHANNEL_PHONE, 1, 1);
  struct rd_sla_policy p[4] = {
    {.id = 7, .priority = 20},
    {.id = 9, .priority = 10},
    {.id = 3, .priority = 10},
    {.id = 1, .priority = 5, .severity_mask = 1u << 1}, /* lowest, does not fit */
  };
  const struct rd_sla_policy *sel = rd_policy_select(p, 4, &c);
  assert_non_null(sel);
  assert_int_equal(sel->id, 3);

  /* The same set in reverse order picks the same policy. */
  struct rd_sla_policy r[4] = {p[3], p[2], p[1], p[0]};
  sel = rd_policy_select(r, 4, &c);
  assert_non_null(sel);
  assert_int_equal(sel->id, 3);

  /* When the low one fits, it wins. */
  c.severity = 1;
  sel = rd_policy_select(p, 4, &c);
  assert_int_equal(sel->id, 1);

  /* Negative priorities sort first too. */
  struct rd_sla_policy neg[2] = {{.id = 1, .priority = 0}, {.id = 2, .priority = -1}};
  assert_int_equal(rd_policy_select(neg, 2, &c)->id, 2);
}

static void
test_select_none(void **state)
{
  struct rd_complaint c = complaint(2, RD_CHANNEL_WEB, 1, 1);
  struct rd_sla_policy p[2] = {
    {.id = 1, .severity_mask = 1u << 5},
    {.id = 2, .channel_mask = 1u << RD_CHANNEL_PHONE},
  };
  assert_null(rd_policy_select(p, 2, &c));
  assert_null(rd_policy_select(NULL, 0, &c));
  assert_ptr_equal(rd_policy_approval(p, 2, &c), &RD_APPROVAL_DEFAULT);
  assert_ptr_equal(rd_policy_approval(NULL, 0, &c), &RD_APPROVAL_DEFAULT);
}

static void
test_policy_approval_is_the_selected_ones(void **state)
{
  struct rd_complaint c = complaint(1, RD_CHANNEL_PHONE, 1, 1);
  struct rd_sla_policy p[2] = {
    {.id = 1, .priority = 10, .approval = {.always = true}},
    {.id = 2, .priority = 20, .approval = {.severity_at_least = 5}},
  };
  const struct rd_approval_rule *rule = rd_policy_approval(p, 2, &c);
  assert_ptr_equal(rule, &p[0].approval);
  assert_true(rule->always);
}

static void
test_default_rule(void **state)
{
  const struct rd_approval_rule *d = &RD_APPROVAL_DEFAULT;
  assert_false(d->always);
  /* severity >= 5 */
  assert_true(rd_approval_needed(d, 5, false, 0));
  assert_false(rd_approval_needed(d, 4, false, 0));
  assert_false(rd_approval_needed(d, 0, false, 0));
  /* any amount above 0 */
  assert_true(rd_approval_needed(d, 1, true, 1));
  assert_false(rd_approval_needed(d, 1, true, 0));
  assert_false(rd_approval_needed(d, 1, false, 99999));  /* no amount given */
  /* NULL means the default */
  assert_true(rd_approval_needed(NULL, 5, false, 0));
  assert_true(rd_approval_needed(NULL, 1, true, 100));
  assert_false(rd_approval_needed(NULL, 1, false, 0));
}

static void
test_policy_rules(void **state)
{
  struct rd_approval_rule always = {.always = true};
  assert_true(rd_approval_needed(&always, 1, false, 0));

  struct rd_approval_rule never = {0};
  assert_false(rd_approval_needed(&never, 5, true, 100000000));

  struct rd_approval_rule sev3 = {.severity_at_least = 3};
  assert_false(rd_approval_needed(&sev3, 2, true, 100000));
  assert_true(rd_approval_needed(&sev3, 3, false, 0));

  /* amount_over 500 yuan: 500.00 does not need it, 500.01 does. */
  struct rd_approval_rule over = {.has_amount_over = true, .amount_over_fen = 50000};
  assert_false(rd_approval_needed(&over, 5, true, 50000));
  assert_true(rd_approval_needed(&over, 1, true, 50001));
  assert_false(rd_approval_needed(&over, 1, false, 0));

  /* amount_over 0 is a real threshold (any money), unlike "no amount rule". */
  struct rd_approval_rule over0 = {.has_amount_over = true, .amount_over_fen = 0};
  assert_true(rd_approval_needed(&over0, 1, true, 1));
  struct rd_approval_rule no_amount_rule = {.has_amount_over = false, .amount_over_fen = 0};
  assert_false(rd_approval_needed(&no_amount_rule, 1, true, 1));

  /* Both rules: either suffices. */
  struct rd_approval_rule both = {.severity_at_least = 4, .has_amount_over = true,
                                  .amount_over_fen = 100};
  assert_true(rd_approval_needed(&both, 4, false, 0));
  assert_true(rd_approval_needed(&both, 1, true, 101));
  assert_false(rd_approval_needed(&both, 3, true, 100));
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test(test_empty_match_fits_all),
  cmocka_unit_test(test_each_dimension),
  cmocka_unit_test(test_select_lowest_priority_then_id),
  cmocka_unit_test(test_select_none),
  cmocka_unit_test(test_policy_approval_is_the_selected_ones),
  cmocka_unit_test(test_default_rule),
  cmocka_unit_test(test_policy_rules),
};

RD_TEST_MAIN("core/policy", tests)
