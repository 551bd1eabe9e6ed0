/* Unit tests of core/portal: what the public form accepts (naming the form's
 * fields), the progress lookup's checks, matching the phone's last four
 * digits, the customer's status and which timeline events they see, and
 * telling images by their first bytes. */
#include "../../testing.h"

#include <string.h>

#include "core/action.h"
#include "core/portal.h"

static struct rd_portal_submission
good(void)
{
  return (struct rd_portal_submission){
      .name = "王女士", .phone = "139 1234 5678", .content = "更衣柜门坏了"};
}

static void
test_submission_good(void **state)
{
  struct rd_error err = {0};
  struct rd_portal_submission s = good();
  assert_int_equal(rd_portal_validate_submission(&s, &err), RD_OK);
  s.email = "wang@example.com";
  s.subject = "更衣柜";
  s.demands = "";
  assert_int_equal(rd_portal_validate_submission(&s, &err), RD_OK);
}

static void
test_submission_names_the_field(void **state)
{
  static const struct {
    const char *name, *phone, *email, *content, *field;
  } cases[] = {
    {NULL, "13912345678", NULL, "x", "name"},
    {" \t", "13912345678", NULL, "x", "name"},
    {"王", NULL, NULL, "x", "phone"},
    {"王", "12345", NULL, "x", "phone"},          /* fewer than 7 digits */
    {"王", "1391234567a", NULL, "x", "phone"},
    {"王", "13912345678", "nope", "x", "email"},
    {"王", "13912345678", NULL, NULL, "content"},
    {"王", "13912345678", NULL, "\n  \n", "content"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct rd_error err = {0};
    struct rd_portal_submission s = {.name = cases[i].name, .phone = cases[i].phone,
                                     .email = cases[i].email, .content = cases[i].content};
    assert_int_equal(rd_portal_validate_submission(&s, &err), RD_E_INVALID);
    assert_string_equal(err.field, cases[i].field);
  }
}

static void
test_lookup_checks(void **state)
{
  struct rd_error err = {0};
  assert_int_equal(rd_portal_validate_lookup("TS20261130-000001", "5678", &err), RD_OK);
  assert_int_equal(rd_portal_validate_lookup("", "5678", &err), RD_E_INVALID);
  assert_string_equal(err.field, "number");
  assert_int_equal(rd_portal_validate_lookup("TS 1", "5678", &err), RD_E_INVALID);
  assert_string_equal(err.field, "number");
  assert_int_equal(rd_portal_validate_lookup("TS1", "567", &err), RD_E_INVALID);
  assert_string_equal(err.field, "phone_last4");
  assert_int_equal(rd_portal_validate_lookup("TS1", "56a8", &err), RD_E_INVALID);
  assert_string_equal(err.field, "phone_last4");
  assert_int_equal(rd_portal_validate_lookup("TS1", NULL, &err), RD_E_INVALID);
  assert_string_equal(err.field, "phone_last4");
}

static void
test_phone_matches_last_four_digits(void **state)
{
  assert_true(rd_portal_phone_matches("13912345678", "5678"));
  assert_true(rd_portal_phone_matches("010-8888 6666", "6666"));
  assert_true(rd_portal_phone_matches("+86 139-1234-56 78", "5678"));
  assert_false(rd_portal_phone_matches("13912345678", "5679"));
  assert_false(rd_portal_phone_matches("13912345678", "4567"));
  assert_false(rd_portal_phone_matches("123", "0123"));
  assert_false(rd_portal_phone_matches(NULL, "5678"));
  assert_false(rd_portal_phone_matches("13912345678", "567"));
}

static void
test_status_hides_approval(void **state)
{
  assert_string_equal(rd_portal_status(RD_STATE_REGISTERED), "received");
  assert_string_equal(rd_portal_status(RD_STATE_ASSIGNED), "accepted");
  assert_string_equal(rd_portal_status(RD_STATE_IN_PROGRESS), "processing");
  assert_string_equal(rd_portal_status(RD_STATE_PENDING_APPROVAL), "processing");
  assert_string_equal(rd_portal_status(RD_STATE_EXECUTING), "executing");
  assert_string_equal(rd_portal_status(RD_STATE_RESOLVED), "resolved");
  assert_string_equal(rd_portal_status(RD_STATE_CLOSED), "closed");
}

static const char *
step(const char *type, int to)
{
  struct rd_event ev = {.type = type, .from_status = -1, .to_status = to};
  return rd_portal_step(&ev);
}

static void
test_public_steps(void **state)
{
  assert_string_equal(step("registered", RD_STATE_REGISTERED), "registered");
  assert_string_equal(step("triage", RD_STATE_ASSIGNED), "accepted");
  assert_string_equal(step("triage", RD_STATE_TRANSFERRED), "transferred");
  assert_string_equal(step("contact", RD_STATE_IN_PROGRESS), "contacted");
  assert_string_equal(step("propose_plan", RD_STATE_EXECUTING), "executing");
  assert_null(step("propose_plan", RD_STATE_PENDING_APPROVAL));
  assert_null(step("reject", RD_STATE_IN_PROGRESS));
  assert_string_equal(step("approve", RD_STATE_EXECUTING), "executing");
  assert_string_equal(step("resolve", RD_STATE_RESOLVED), "resolved");
  assert_string_equal(step("follow_up", RD_STATE_CLOSED), "closed");
  assert_string_equal(step("follow_up", RD_STATE_IN_PROGRESS), "reopened");
  assert_null(step("follow_up", RD_STATE_RESOLVED));     /* did not reach them */
  /* What is internal never shows. */
  assert_null(step("note", -1));
  assert_null(step("edited", -1));
  assert_null(step("attachment", RD_STATE_REGISTERED));
  assert_null(step("clock.breach", -1));
  assert_null(step("survey_link", RD_STATE_RESOLVED));
  assert_null(step("wait", RD_STATE_IN_PROGRESS));
  assert_null(step(NULL, -1));
}

static void
test_image_types_by_bytes(void **state)
{
  static const unsigned char jpeg[] = {0xff, 0xd8, 0xff, 0xe0, 0, 0x10};
  static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0};
  static const char webp[] = "RIFF\x10\0\0\0WEBPVP8 ";
  assert_string_equal(rd_portal_image_type(jpeg, sizeof jpeg), "image/jpeg");
  assert_string_equal(rd_portal_image_type(png, sizeof png), "image/png");
  assert_string_equal(rd_portal_image_type(webp, sizeof webp - 1), "image/webp");
  assert_null(rd_portal_image_type("GIF89a....", 10));
  assert_null(rd_portal_image_type("<svg onload=x>", 14));
  assert_null(rd_portal_image_type(jpeg, 2));
  assert_null(rd_portal_image_type("RIFF\x10\0\0\0WAVE", 12));
  assert_null(rd_portal_image_type(NULL, 0));
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test(test_submission_good),
  cmocka_unit_test(test_submission_names_the_field),
  cmocka_unit_test(test_lookup_checks),
  cmocka_unit_test(test_phone_matches_last_four_digits),
  cmocka_unit_test(test_status_hides_approval),
  cmocka_unit_test(test_public_steps),
  cmocka_unit_test(test_image_types_by_bytes),
};

RD_TEST_MAIN("core/portal", tests)
