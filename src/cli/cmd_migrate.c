/* cli/cmd_migrate.c - `redress migrate`: brings a database to this binary's schema. */
#include "cli/cli.h"

#include <stdio.h>

#include "store/store.h"

static const struct rd_cli_option options[] = {
  {"db", "FILE", true, "the database: a SQLite file path (postgresql:// URIs: not in this build yet)"},
};

const struct rd_cli_command rd_cli_cmd_migrate = {
  .path = "migrate",
  .summary = "apply the database migrations this version has and the database lacks",
  .details = "Safe to run at any time: migrations already applied are skipped.\n"
             "A new and an upgraded database end in the same schema.",
  .options = options,
  .n_options = sizeof options / sizeof options[0],
};

int
rd_cli_migrate(int argc, char **argv)
{
  const char *v[sizeof options / sizeof options[0]];
  switch (rd_cli_parse(&rd_cli_cmd_migrate, argc, argv, v, stdout, stderr)) {
  case RD_CLI_PARSED: break;
  case RD_CLI_HELP: return RD_EXIT_OK;
  default: return RD_EXIT_USAGE;
  }
  struct rd_store *st = NULL;
  int applied = 0, version = 0;
  int rc = rd_cli_open_store("migrate", v[0], &st, &applied);
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
