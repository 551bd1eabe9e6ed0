/* tests/unit/cli/test_cli.c - the command line's pure parts: option parsing,
 * passwords, template expansion, the integrity of the demo tables, and the
 * backup and restore commands on a real database in a temporary folder. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../testing.h"

#include "cli/cli.h"
#include "cli/demo.h"
#include "cli/setup.h"
#include "core/validate.h"
#include "store/store.h"
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
  assert_non_null(strstr(err.detail, "at least 10"));
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

/* ---- backup and restore ---------------------------------------------------------- */

/* Runs a command's entry point on a NULL-terminated argument list with its
 * stdout and stderr silenced; returns the exit status. */
static int
run_command(int (*entry)(int, char **), const char *first, ...)
{
  char *argv[16];
  int argc = 0;
  va_list ap;
  va_start(ap, first);
  for (const char *s = first; s && argc < 15; s = va_arg(ap, const char *))
    argv[argc++] = strdup(s);
  va_end(ap);
  argv[argc] = NULL;
  fflush(stdout);
  fflush(stderr);
  int out = dup(1), err = dup(2), null = open("/dev/null", O_WRONLY);
  dup2(null, 1);
  dup2(null, 2);
  int rc = entry(argc, argv);
  fflush(stdout);
  fflush(stderr);
  dup2(out, 1);
  dup2(err, 2);
  close(out);
  close(err);
  close(null);
  for (int i = 0; i < argc; i++)
    free(argv[i]);
  return rc;
}

static bool
exists(const char *dir, const char *name)
{
  char p[512];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  return access(p, F_OK) == 0;
}

/* Files in dir, for "nothing else was written". */
static int
count_files(const char *dir)
{
  char ls[600];
  snprintf(ls, sizeof ls, "ls -A '%s' | wc -l", dir);
  FILE *p = popen(ls, "r");
  int n = -1;
  assert_non_null(p);
  assert_int_equal(fscanf(p, "%d", &n), 1);
  pclose(p);
  return n;
}

static void
test_backup_and_restore_commands(void **state)
{
  char dir[] = "/tmp/redress_cli_backup_XXXXXX";
  char db[256], to[256], missing[256], nodir[256], wal[300];
  struct rd_store *st = NULL;
  struct rd_error err = {0};

  assert_non_null(mkdtemp(dir));
  snprintf(db, sizeof db, "%s/live.db", dir);
  snprintf(to, sizeof to, "%s/copy.db", dir);
  snprintf(missing, sizeof missing, "%s/missing.db", dir);
  snprintf(nodir, sizeof nodir, "%s/none/copy.db", dir);
  snprintf(wal, sizeof wal, "%s-wal", db);
  assert_int_equal(rd_store_open(db, &st, &err), RD_OK);
  assert_int_equal(rd_store_migrate(st, NULL, &err), RD_OK);
  rd_store_close(st);
  assert_true(exists(dir, "live.db-search"));
  int files = count_files(dir);

  /* usage errors: 2 */
  assert_int_equal(run_command(rd_cli_backup, "backup", "--db", db, NULL), RD_EXIT_USAGE);
  assert_int_equal(run_command(rd_cli_backup, "backup", "--to", to, NULL), RD_EXIT_USAGE);
  assert_int_equal(run_command(rd_cli_backup, "backup", "--db", db, "--to", to,
                               "--force=yes", NULL), RD_EXIT_USAGE);
  assert_int_equal(run_command(rd_cli_restore, "restore", "--db", db, NULL), RD_EXIT_USAGE);
  /* refusals: 1, nothing written */
  assert_int_equal(run_command(rd_cli_backup, "backup", "--db", missing, "--to", to, NULL),
                   RD_EXIT_FAILURE);
  assert_int_equal(run_command(rd_cli_backup, "backup", "--db", db, "--to", nodir, NULL),
                   RD_EXIT_FAILURE);
  assert_int_equal(run_command(rd_cli_backup, "backup", "--db", db, "--to", db, "--force",
                               NULL), RD_EXIT_FAILURE);
  assert_int_equal(run_command(rd_cli_backup, "backup", "--db",
                               "postgres://u@h/redress", "--to", to, NULL),
                   RD_EXIT_FAILURE);
  assert_int_equal(count_files(dir), files);

  /* a backup; again refused without --force, replaced with it */
  assert_int_equal(run_command(rd_cli_backup, "backup", "--db", db, "--to", to, NULL),
                   RD_EXIT_OK);
  assert_true(exists(dir, "copy.db"));
  assert_int_equal(count_files(dir), files + 1);   /* no temporary file left */
  struct stat sb;
  assert_int_equal(stat(to, &sb), 0);
  assert_int_equal(sb.st_mode & 0777, 0600);
  assert_int_equal(run_command(rd_cli_backup, "backup", "--db", db, "--to", to, NULL),
                   RD_EXIT_FAILURE);
  assert_int_equal(run_command(rd_cli_backup, "backup", "--db", db, "--to", to, "--force",
                               NULL), RD_EXIT_OK);
  assert_int_equal(count_files(dir), files + 1);

  /* the port: what was copied, and the refusals by name */
  struct rd_store_backup_report r;
  assert_int_equal(rd_store_backup(db, to, true, &r, &err), RD_OK);
  assert_true(r.schema_version > 0);
  assert_int_equal(r.complaints, 0);
  assert_true(r.pages > 0 && r.page_size > 0 && r.steps > 0);
  assert_int_equal(r.bytes, r.pages * r.page_size);
  int backed_up_version = r.schema_version;
  assert_int_equal(rd_store_backup(db, to, false, &r, &err), RD_E_DUPLICATE);
  assert_string_equal(err.field, "to");
  assert_int_equal(rd_store_backup(missing, to, true, &r, &err), RD_E_NOT_FOUND);
  assert_string_equal(err.field, "db");
  assert_false(exists(dir, "missing.db"));
  assert_int_equal(rd_store_backup(db, nodir, true, &r, &err), RD_E_NOT_FOUND);
  assert_string_equal(err.field, "to");
  assert_int_equal(rd_store_backup("postgresql://h/redress", to, true, &r, &err), RD_E_INVALID);
  assert_string_equal(rd_store_uri_backend("postgresql://h/x"), "postgresql");
  assert_string_equal(rd_store_uri_backend("postgres://h/x"), "postgresql");
  assert_string_equal(rd_store_uri_backend("var/redress.db"), "sqlite");
  assert_null(rd_store_uri_backend(""));

  /* restore: refused while the database looks open, then done */
  int fd = open(wal, O_WRONLY | O_CREAT, 0600);
  assert_true(fd >= 0);
  close(fd);
  assert_int_equal(run_command(rd_cli_restore, "restore", "--from", to, "--db", db, NULL),
                   RD_EXIT_FAILURE);
  assert_true(exists(dir, "live.db-search"));
  unlink(wal);
  assert_int_equal(run_command(rd_cli_restore, "restore", "--from", to, "--db", db, NULL),
                   RD_EXIT_OK);
  assert_false(exists(dir, "live.db-search"));   /* rebuilt at the next start */
  assert_int_equal(rd_store_open(db, &st, &err), RD_OK);
  int version = 0;
  assert_int_equal(rd_store_schema_version(st, &version, &err), RD_OK);
  assert_int_equal(version, backed_up_version);
  rd_store_close(st);

  char rm[300];
  snprintf(rm, sizeof rm, "rm -rf '%s'", dir);
  assert_int_equal(system(rm), 0);
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
  cmocka_unit_test(test_backup_and_restore_commands),
};

RD_TEST_MAIN("cli", tests)
