/* cli/cmd_init.c - `redress init`: a new database with its organisation, the
 * administrator and, on request, the demo users and complaints.
 *
 * The generated passwords are printed once, on stdout, and stored only as
 * argon2id hashes: there is no way to read them back later.
 */
#include "cli/cli.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/setup.h"
#include "service/service.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/time.h"

enum { O_DB, O_PRESET, O_DEMO, O_ADMIN_PASSWORD_FILE, O_COUNT };

static const struct rd_cli_option options[O_COUNT] = {
  [O_DB] = {"db", "FILE", true, "the database to create: a SQLite file path or a postgresql:// URI"},
  [O_PRESET] = {"preset", "NAME", false,
                "industry preset: swimming-venue, car-dealer, bank-insurance, "
                "express-delivery or retail-store"},
  [O_DEMO] = {"demo", NULL, false,
              "also create one demo user per role and about 200 sample complaints"},
  [O_ADMIN_PASSWORD_FILE] = {"admin-password-file", "FILE", false,
                             "read the admin password from the first line of FILE "
                             "(default: generate one and print it once)"},
};

const struct rd_cli_command rd_cli_cmd_init = {
  .path = "init",
  .summary = "create a database: organisation, categories, business calendar, SLA policy and the admin user",
  .details = "Refuses a database that already has users. The administrator is 'admin'.\n"
             "With --demo the demo users share one password: the admin password when\n"
             "--admin-password-file is given, else a generated one printed once.",
  .options = options,
  .n_options = O_COUNT,
};

enum { DEMO_COMPLAINTS = 200 };
/* Fixed, so two demo databases made on the same day hold the same stories. */
static const uint64_t DEMO_SEED = 20261120;

static enum rd_status
put_preset(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  return rd_tx_setting_put(tx, "preset", (const char *)ctx, err);
}

static void
print_demo(const char *password, bool password_from_file,
           const struct rd_cli_demo_stats *s)
{
  printf("\ndemo users (password: %s)\n",
         password_from_file ? "the admin password" : password);
  printf("  %-12s %-10s %-18s %s\n", "username", "role", "department", "name");
  for (size_t i = 0; i < RD_CLI_DEMO_USERS_COUNT; i++) {
    const struct rd_cli_demo_user *u = &RD_CLI_DEMO_USERS[i];
    printf("  %-12s %-10s %-18s %s\n", u->username, rd_role_name(u->role),
           u->department ? u->department : "-", u->display_name);
  }
  printf("\ndemo complaints: %d (%d timeline events)\n  by status: ",
         s->complaints, s->events);
  for (int i = 0; i < RD_STATE_COUNT; i++)
    printf("%s%s %d", i ? ", " : "", rd_state_name((enum rd_state)i), s->by_status[i]);
  printf("\n  by channel: ");
  for (int i = 0; i < RD_CHANNEL_COUNT; i++)
    printf("%s%s %d", i ? ", " : "", rd_channel_name((enum rd_channel)i),
           s->by_channel[i]);
  printf("\n");
}

int
rd_cli_init(int argc, char **argv)
{
  const char *v[O_COUNT];
  switch (rd_cli_parse(&rd_cli_cmd_init, argc, argv, v, stdout, stderr)) {
  case RD_CLI_PARSED: break;
  case RD_CLI_HELP: return RD_EXIT_OK;
  default: return RD_EXIT_USAGE;
  }
  if (v[O_PRESET] && !rd_cli_preset_valid(v[O_PRESET]))
    return rd_cli_usage_error(stderr, "init", "unknown preset '%s' (one of: %s)",
                              v[O_PRESET], rd_cli_preset_list());

  struct rd_error err = {0};
  char password[RD_CLI_PASSWORD_MAX + 1];
  bool from_file = v[O_ADMIN_PASSWORD_FILE] != NULL;
  if (from_file) {
    if (rd_cli_password_read(v[O_ADMIN_PASSWORD_FILE], password, sizeof password,
                             &err) != RD_OK)
      return rd_cli_fail("init", "%s", err.detail);
  } else if (!rd_cli_password_generate(password, RD_CLI_PASSWORD_LEN)) {
    return rd_cli_fail("init", "cannot initialise libsodium's random generator");
  }

  int rc;
  struct rd_store *st = NULL;
  struct rd_service *svc = NULL;
  struct fake_clock *fake = NULL;
  struct rd_arena *a = rd_arena_new();
  rc = rd_cli_open_store("init", v[O_DB], &st, NULL);
  if (rc != RD_EXIT_OK)
    goto out;

  struct rd_user *users = NULL;
  size_t n_users = 0;
  if (rd_store_user_list(st, a, &users, &n_users, &err) != RD_OK) {
    rc = rd_cli_fail_error("init", &err);
    goto out;
  }
  if (n_users > 0) {
    rc = rd_cli_fail("init", "%s: already initialised (it has %zu user%s); "
                     "use `redress user add` or start from a new file",
                     v[O_DB], n_users, n_users == 1 ? "" : "s");
    goto out;
  }

  svc = rd_service_new(st, NULL);

  fake = rd_cli_fake_clock_install(svc); /* REDRESS_FAKE_NOW: a demo made "at" another hour */
  struct rd_cli_org org;
  if (rd_cli_org_create(svc, &org, &err) != RD_OK) {
    rc = rd_cli_fail_error("init: organisation", &err);
    goto out;
  }
  if (v[O_PRESET] &&
      rd_store_write(st, put_preset, (void *)v[O_PRESET], &err) != RD_OK) {
    rc = rd_cli_fail_error("init: preset", &err);
    goto out;
  }
  struct rd_user admin = {
    .username = "admin",
    .display_name = "系统管理员",
    .role = RD_ROLE_ADMIN,
    .locale = "zh-CN",
    .active = true,
  };
  if (rd_service_user_save(svc, &RD_PRINCIPAL_SYSTEM, &admin, password, &err) != RD_OK) {
    rc = rd_cli_fail_error("init: admin user", &err);
    goto out;
  }
  printf("initialised %s%s%s\n", v[O_DB], v[O_PRESET] ? " with preset " : "",
         v[O_PRESET] ? v[O_PRESET] : "");
  if (from_file)
    printf("admin user: admin (password from %s)\n", v[O_ADMIN_PASSWORD_FILE]);
  else
    printf("admin password: %s\n", password);
  /* Before the slow demo: a failure there must not lose the only copy. */
  fflush(stdout);

  if (v[O_DEMO]) {
    struct rd_cli_demo_stats stats;
    if (rd_cli_demo_load(svc, &org, password, rd_service_now(svc), DEMO_SEED,
                         DEMO_COMPLAINTS, &stats, &err) != RD_OK) {
      rc = rd_cli_fail_error("init: demo", &err);
      goto out;
    }
    print_demo(password, from_file, &stats);
  }
  rc = RD_EXIT_OK;
out:
  sodium_memzero(password, sizeof password);
  rd_service_free(svc);
  rd_cli_fake_clock_free(fake);
  rd_store_close(st);
  rd_arena_free(a);
  return rc;
}
