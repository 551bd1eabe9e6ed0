/* cli/cmd_migrate.c - `redress migrate`: brings a database to this binary's
 * schema, or with --dry-run only says which migrations that would apply. */
#include "cli/cli.h"

#include <stdio.h>

#include "store/store.h"
#include "util/arena.h"

enum { O_DB, O_DRY_RUN };

static const struct rd_cli_option options[] = {
  [O_DB] = {"db", "FILE", true,
            "the database: a SQLite file path or a postgresql:// URI"},
  [O_DRY_RUN] = {"dry-run", NULL, false,
                 "print the migrations that would be applied; change nothing"},
};

const struct rd_cli_command rd_cli_cmd_migrate = {
  .path = "migrate",
  .summary = "apply the database migrations this version has and the database lacks",
  .details = "Safe to run at any time: migrations already applied are skipped.\n"
             "A new and an upgraded database end in the same schema.",
  .options = options,
  .n_options = sizeof options / sizeof options[0],
};

/* Lists what rd_store_migrate would apply, one "NNNN_name" a line. */
static int
dry_run(const char *db)
{
  struct rd_error err = {0};
  struct rd_store *st = NULL;
  struct rd_arena *a = rd_arena_new();
  const char **names = NULL;
  size_t n = 0;
  int version = 0, rc = RD_EXIT_OK;

  if (rd_store_open(db, &st, &err) != RD_OK) {
    rc = rd_cli_fail("migrate", "%s: %s", db,
                     err.detail[0] ? err.detail : "cannot open the database");
    goto out;
  }
  if (rd_store_schema_version(st, &version, &err) != RD_OK ||
      rd_store_migrations_pending(st, a, &names, &n, &err) != RD_OK) {
    rc = rd_cli_fail_error("migrate", &err);
    goto out;
  }
  for (size_t i = 0; i < n; i++)
    printf("would apply %s\n", names[i]);
  printf("%zu migration%s to apply; schema version %d\n", n, n == 1 ? "" : "s",
         version);
out:
  rd_store_close(st);
  rd_arena_free(a);
  return rc;
}

int
rd_cli_migrate(int argc, char **argv)
{
  const char *v[sizeof options / sizeof options[0]];
  switch (rd_cli_parse(&rd_cli_cmd_migrate, argc, argv, v, stdout, stderr)) {
  case RD_CLI_PARSED: break;
  case RD_CLI_HELP: return RD_EXIT_OK;
  default: return RD_EXIT_USAGE;
  }
  if (v[O_DRY_RUN])
    return dry_run(v[O_DB]);
  struct rd_store *st = NULL;
  int applied = 0, version = 0;
  int rc = rd_cli_open_store("migrate", v[O_DB], &st, &applied);
  if (rc != RD_EXIT_OK)
    return rc;
  struct rd_error err = {0};
  if (rd_store_schema_version(st, &version, &err) != RD_OK) {
    rc = rd_cli_fail_error("migrate", &err);
    goto out;
  }
  printf("applied %d migration%s; schema version %d\n", applied,
         applied == 1 ? "" : "s", version);
out:
  rd_store_close(st);
  return rc;
}
