/* cli/cmd_user.c - `redress user add`: creates a staff account from the shell
 * (the first manager, a service account) without going through the web UI.
 */
#include "cli/cli.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/org.h"
#include "service/service.h"
#include "store/store.h"
#include "util/arena.h"

enum { O_DB, O_USERNAME, O_ROLE, O_DEPARTMENT, O_PASSWORD_FILE, O_DISPLAY_NAME, O_COUNT };

static const struct rd_cli_option options[O_COUNT] = {
  [O_DB] = {"db", "FILE", true, "the database: a SQLite file path or a postgresql:// URI (pool_size=N sets the connection pool)"},
  [O_USERNAME] = {"username", "NAME", true, "login name: letters, digits, '_', '.', '-' (1-64)"},
  [O_ROLE] = {"role", "ROLE", true,
              "agent, handler, manager, approver, analyst, admin or auditor"},
  [O_DEPARTMENT] = {"department", "CODE", false,
                    "department code (e.g. after_sales); required for handler and manager"},
  [O_PASSWORD_FILE] = {"password-file", "FILE", true,
                       "file whose first line (trimmed, at least 8 characters) is the password"},
  [O_DISPLAY_NAME] = {"display-name", "TEXT", false, "name shown to colleagues (default: the username)"},
};

const struct rd_cli_command rd_cli_cmd_user_add = {
  .path = "user add",
  .summary = "create a user account",
  .details = "The password is read from a file so that it never appears in the\n"
             "process list or the shell history; it is stored as an argon2id hash.",
  .options = options,
  .n_options = O_COUNT,
};

/* "agent, handler, ..." for error messages. */
static void
list_roles(char *out, size_t len)
{
  size_t used = 0;
  out[0] = '\0';
  for (int r = 0; r < RD_ROLE_COUNT && used < len; r++)
    used += (size_t)snprintf(out + used, len - used, "%s%s", r ? ", " : "",
                             rd_role_name((enum rd_role)r));
}

static int
add_user(int argc, char **argv)
{
  const char *v[O_COUNT];
  switch (rd_cli_parse(&rd_cli_cmd_user_add, argc, argv, v, stdout, stderr)) {
  case RD_CLI_PARSED: break;
  case RD_CLI_HELP: return RD_EXIT_OK;
  default: return RD_EXIT_USAGE;
  }
  enum rd_role role;
  if (!rd_role_parse(v[O_ROLE], &role)) {
    char roles[256];
    list_roles(roles, sizeof roles);
    return rd_cli_usage_error(stderr, "user add", "unknown role '%s' (one of: %s)",
                              v[O_ROLE], roles);
  }
  if (!rd_org_username_valid(v[O_USERNAME]))
    return rd_cli_usage_error(stderr, "user add",
                              "invalid --username '%s' (letters, digits, '_', '.', '-'; 1-64)",
                              v[O_USERNAME]);
  if (rd_role_is_departmental(role) && !v[O_DEPARTMENT])
    return rd_cli_usage_error(stderr, "user add",
                              "missing option --department CODE (required for role %s)",
                              rd_role_name(role));

  struct rd_error err = {0};
  char password[RD_CLI_PASSWORD_MAX + 1];
  if (rd_cli_password_read(v[O_PASSWORD_FILE], password, sizeof password, &err) != RD_OK)
    return rd_cli_fail("user add", "%s", err.detail);

  int rc;
  struct rd_store *st = NULL;
  struct rd_service *svc = NULL;
  struct rd_arena *a = rd_arena_new();
  rc = rd_cli_open_store("user add", v[O_DB], &st, NULL);
  if (rc != RD_EXIT_OK)
    goto out;

  struct rd_department dept = {0};
  if (v[O_DEPARTMENT]) {
    enum rd_status s = rd_store_department_by_code(st, v[O_DEPARTMENT], a, &dept, &err);
    if (s == RD_E_NOT_FOUND) {
      rc = rd_cli_fail("user add", "department '%s' not found", v[O_DEPARTMENT]);
      goto out;
    }
    if (s != RD_OK) {
      rc = rd_cli_fail_error("user add", &err);
      goto out;
    }
  }

  svc = rd_service_new(st, NULL);
  struct rd_user u = {
    .username = v[O_USERNAME],
    .display_name = v[O_DISPLAY_NAME] ? v[O_DISPLAY_NAME] : v[O_USERNAME],
    .role = role,
    .department_id = dept.id,
    .locale = "zh-CN",
    .active = true,
  };
  if (rd_service_user_save(svc, &RD_PRINCIPAL_SYSTEM, &u, password, &err) != RD_OK) {
    rc = err.code == RD_E_DUPLICATE
             ? rd_cli_fail("user add", "user '%s' already exists", v[O_USERNAME])
             : rd_cli_fail_error("user add", &err);
    goto out;
  }
  printf("created user %s (id %lld, role %s%s%s)\n", u.username, (long long)u.id,
         rd_role_name(role), dept.id ? ", department " : "",
         dept.id ? dept.code : "");
  rc = RD_EXIT_OK;
out:
  sodium_memzero(password, sizeof password);
  rd_service_free(svc);
  rd_store_close(st);
  rd_arena_free(a);
  return rc;
}

int
rd_cli_user(int argc, char **argv)
{
  if (argc >= 2 && !strcmp(argv[1], "add"))
    return add_user(argc - 1, argv + 1);
  if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
    rd_cli_print_help(&rd_cli_cmd_user_add, stdout);
    return RD_EXIT_OK;
  }
  if (argc < 2)
    return rd_cli_usage_error(stderr, "user add", "missing subcommand: redress user add ...");
  return rd_cli_usage_error(stderr, "user add", "unknown subcommand 'user %s'", argv[1]);
}
