/* tests/unit/cli/test_cli.c - the command line's pure parts: option parsing,
 * passwords, template expansion, and the integrity of the demo tables. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../testing.h"

#include "cli/cli.h"
#include "cli/demo.h"
#include "cli/setup.h"
#include "core/validate.h"
#include "util/arena.h"

/* ---- option parsing ------------------------------------------------------- */

static const struct rd_cli_option opts[] = {
  {"db", "FILE", true, "the database"},
  {"preset", "NAME", false, "a preset"},
  {"demo", NULL, false, "demo data"},
};
static const struct rd_cli_command cmd = {"init", "make one", NULL, opts, 3};

struct parse_run {
  enum rd_cli_parse_result res;
  const char *values[3];
  char out[4096], err[4096];
};

/* Parses a NULL-terminated argument list; captures stdout and stderr text. */
static void
run_parse(struct parse_run *r, const char *first, ...)
{
  char *argv[16];
  int argc = 0;
  va_list ap;
  va_start(ap, first);
  for (const char *s = first; s && argc < 15; s = va_arg(ap, const char *))
    argv[argc++] = strdup(s);
  va_end(ap);
  argv[argc] = NULL;
  memset(r, 0, sizeof *r);
  FILE *out = fmemopen(r->out, sizeof r->out - 1, "w");
  FILE *err = fmemopen(r->err, sizeof r->err - 1, "w");
  r->res = rd_cli_parse(&cmd, argc, argv, r->values, out, err);
  fclose(out);
  fclose(err);
  /* values point into argv: copy them before freeing */
  for (int i = 0; i < 3; i++)
    if (r->values[i])
      r->values[i] = strcmp(r->values[i], "") ? "set" : "";
  for (int i = 0; i < argc; i++)
    free(argv[i]);
}

static void
test_parse_ok(void **state)
{
  struct parse_run r;
  run_parse(&r, "init", "--db", "x.db", "--demo", NULL);
  assert_int_equal(r.res, RD_CLI_PARSED);
  assert_string_equal(r.values[0], "set");
  assert_null(r.values[1]);
  assert_string_equal(r.values[2], "");
  assert_string_equal(r.err, "");

  run_parse(&r, "init", "--db=x.db", "--preset", "car-dealer", NULL);
  assert_int_equal(r.res, RD_CLI_PARSED);
  assert_non_null(r.values[1]);
  assert_null(r.values[2]);
}

static void
test_parse_unknown_option(void **state)
{
  struct parse_run r;
  run_parse(&r, "init", "--db", "x.db", "--bogus", NULL);
  assert_int_equal(r.res, RD_CLI_USAGE_ERROR);
  assert_non_null(strstr(r.err, "unknown option '--bogus'"));
  assert_non_null(strstr(r.err, "redress init --help"));

  run_parse(&r, "init", "-x", NULL);
  assert_int_equal(r.res, RD_CLI_USAGE_ERROR);
  assert_non_null(strstr(r.err, "'-x'"));
}

static void
test_parse_missing(void **state)
{
  struct parse_run r;
  run_parse(&r, "init", "--demo", NULL);
  assert_int_equal(r.res, RD_CLI_USAGE_ERROR);
  assert_non_null(strstr(r.err, "missing required option --db"));

  run_parse(&r, "init", "--db", NULL);
  assert_int_equal(r.res, RD_CLI_USAGE_ERROR);
  assert_non_null(strstr(r.err, "--db needs a value"));

  run_parse(&r, "init", "--db=", NULL);
  assert_int_equal(r.res, RD_CLI_USAGE_ERROR);
  assert_non_null(strstr(r.err, "--db needs a non-empty FILE"));
}

static void
test_parse_flag_value_and_stray(void **state)
{
  struct parse_run r;
  run_parse(&r, "init", "--db", "x", "--demo=yes", NULL);
  assert_int_equal(r.res, RD_CLI_USAGE_ERROR);
  assert_non_null(strstr(r.err, "--demo takes no value"));

  run_parse(&r, "init", "--db", "x", "extra", NULL);
  assert_int_equal(r.res, RD_CLI_USAGE_ERROR);
  assert_non_null(strstr(r.err, "unexpected argument 'extra'"));
}

static void
test_parse_help_lists_every_option(void **state)
{
  struct parse_run r;
  run_parse(&r, "init", "--help", NULL);
  assert_int_equal(r.res, RD_CLI_HELP);
  assert_non_null(strstr(r.out, "Usage: redress init --db FILE [--preset NAME] [--demo]"));
  for (size_t i = 0; i < 3; i++) {
    char name[32];
    snprintf(name, sizeof name, "--%s", opts[i].name);
    assert_non_null(strstr(strstr(r.out, "Options:"), name));
  }
  assert_non_null(strstr(r.out, "(required)"));
}

/* ---- passwords --------------------------------------------------------------- */

static void
test_password_generate(void **state)
{
  char a[RD_CLI_PASSWORD_LEN + 1], b[RD_CLI_PASSWORD_LEN + 1];
  assert_true(rd_cli_password_generate(a, RD_CLI_PASSWORD_LEN));
  assert_true(rd_cli_password_generate(b, RD_CLI_PASSWORD_LEN));
  assert_int_equal(strlen(a), RD_CLI_PASSWORD_LEN);
  assert_string_not_equal(a, b);
  for (size_t i = 0; i < RD_CLI_PASSWORD_LEN; i++) {
    assert_non_null(strchr(RD_CLI_PASSWORD_ALPHABET, a[i]));
    assert_null(strchr("0O1lIio", a[i]));
  }
  /* over many draws every character of the alphabet shows up */
  char seen[256] = {0};
  char big[4001];
  assert_true(rd_cli_password_generate(big, 4000));
  for (size_t i = 0; i < 4000; i++)
    seen[(unsigned char)big[i]] = 1;
  for (const char *p = RD_CLI_PASSWORD_ALPHABET; *p; p++)
    assert_true(seen[(unsigned char)*p]);
}

static char *
temp_file(const char *content)
{
  static char path[64];
  snprintf(path, sizeof path, "/tmp/redress_cli_test_XXXXXX");
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
  close(fd);
  return path;
}

static void
test_password_read(void **state)
{
  char pw[64];
  struct rd_error err = {0};
  char *p = temp_file("  s3cret-pass \r\nsecond line\n");
  assert_int_equal(rd_cli_password_read(p, pw, sizeof pw, &err), RD_OK);
  assert_string_equal(pw, "s3cret-pass");
  unlink(p);

  p = temp_file("short\n");
  assert_int_equal(rd_cli_password_read(p, pw, sizeof pw, &err), RD_E_INVALID);
  assert_string_equal(err.field, "password-file");
  assert_non_null(strstr(err.detail, "at least 8"));
  unlink(p);

  p = temp_file("");
  assert_int_equal(rd_cli_password_read(p, pw, sizeof pw, &err), RD_E_INVALID);
  unlink(p);

  p = temp_file("no-newline-at-end");
  assert_int_equal(rd_cli_password_read(p, pw, sizeof pw, &err), RD_OK);
  assert_string_equal(pw, "no-newline-at-end");
  assert_int_equal(rd_cli_password_read(p, pw, 8, &err), RD_E_INVALID);
  unlink(p);

  assert_int_equal(rd_cli_password_read("/nonexistent/pw", pw, sizeof pw, &err),
                   RD_E_UNAVAILABLE);
  assert_non_null(strstr(err.detail, "/nonexistent/pw"));
}

static void
test_trim(void **state)
{
  char a[] = " \t x y \n", b[] = "", c[] = "   ";
  assert_string_equal(rd_cli_trim(a), "x y");
  assert_string_equal(rd_cli_trim(b), "");
  assert_string_equal(rd_cli_trim(c), "");
}

/* ---- templates and demo tables ------------------------------------------------ */

static void
test_expand(void **state)
{
  struct rd_arena *a = rd_arena_new();
  const struct rd_cli_demo_var vars[] = {{"model", "途胜L"}, {"plate", "京A12345"}};
  assert_string_equal(rd_cli_demo_expand(a, "我的{model}（{plate}）", vars, 2),
                      "我的途胜L（京A12345）");
  assert_string_equal(rd_cli_demo_expand(a, "{unknown} { {model", vars, 2),
                      "{unknown} { {model");
  assert_string_equal(rd_cli_demo_expand(a, "{plate}{plate}", vars, 2),
                      "京A12345京A12345");
  assert_string_equal(rd_cli_demo_expand(a, "", vars, 2), "");
  rd_arena_free(a);
}

static void
test_presets(void **state)
{
  assert_true(rd_cli_preset_valid("car-dealer"));
  assert_true(rd_cli_preset_valid("swimming-venue"));
  assert_false(rd_cli_preset_valid("car_dealer"));
  assert_false(rd_cli_preset_valid(""));
  assert_non_null(strstr(rd_cli_preset_list(), "retail-store"));
}

/* Every demo story names a department and category that init creates, and
 * fits the API's limits: a typo here would fail `init --demo` at run time. */
static void
test_demo_tables_consistent(void **state)
{
  struct rd_cli_org org;
  for (int i = 0; i < RD_CLI_ORG_MAX; i++)
    org.department_ids[i] = org.site_ids[i] = org.category_ids[i] = 100 + i;
  struct rd_error err = {0};
  for (size_t i = 0; i < RD_CLI_DEMO_CASES_COUNT; i++) {
    const struct rd_cli_demo_case *k = &RD_CLI_DEMO_CASES[i];
    assert_true(rd_cli_org_department(&org, k->department) != 0);
    assert_true(rd_cli_org_category(&org, k->category) != 0);
    assert_in_range(k->severity, 1, 5);
    assert_true(!rd_plan_kind_is_money(k->plan_kind) || k->amount_yuan > 0);
    assert_int_equal(rd_validate_text("subject", k->subject, RD_MAX_SUBJECT, true, &err), RD_OK);
    assert_int_equal(rd_validate_text("plan", k->plan, RD_MAX_TEXT, true, &err), RD_OK);
    assert_non_null(k->contact_note);
    assert_non_null(k->result);
    assert_non_null(k->demands);
  }
  for (size_t i = 0; i < RD_CLI_DEMO_INVALID_COUNT; i++) {
    const struct rd_cli_demo_invalid *k = &RD_CLI_DEMO_INVALID[i];
    assert_non_null(k->transfer.to_party);
    assert_non_null(k->transfer.contact_person);
    assert_non_null(k->transfer.contact_phone);
    assert_non_null(k->transfer.contact_address);
    assert_non_null(k->explain);
  }
  for (size_t i = 0; i < RD_CLI_DEMO_USERS_COUNT; i++) {
    const struct rd_cli_demo_user *u = &RD_CLI_DEMO_USERS[i];
    assert_true(u->department == NULL || rd_cli_org_department(&org, u->department) != 0);
    if (rd_role_is_departmental(u->role))
      assert_non_null(u->department);
  }
  /* one demo user of every role */
  for (int r = 0; r < RD_ROLE_COUNT; r++) {
    bool found = r == RD_ROLE_ADMIN;  /* admin is created by init itself */
    for (size_t i = 0; i < RD_CLI_DEMO_USERS_COUNT; i++)
      found |= RD_CLI_DEMO_USERS[i].role == (enum rd_role)r;
    assert_true(found);
  }
  assert_int_equal(rd_cli_org_department(&org, "nope"), 0);
  assert_int_equal(rd_cli_org_category(&org, "nope"), 0);
  assert_true(rd_cli_org_site(&org, "bj01") != 0);
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test(test_parse_ok),
  cmocka_unit_test(test_parse_unknown_option),
  cmocka_unit_test(test_parse_missing),
  cmocka_unit_test(test_parse_flag_value_and_stray),
  cmocka_unit_test(test_parse_help_lists_every_option),
  cmocka_unit_test(test_password_generate),
  cmocka_unit_test(test_password_read),
  cmocka_unit_test(test_trim),
  cmocka_unit_test(test_expand),
  cmocka_unit_test(test_presets),
  cmocka_unit_test(test_demo_tables_consistent),
};

RD_TEST_MAIN("cli", tests)
