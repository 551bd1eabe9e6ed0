/* cli/cmd_restore.c - `redress restore`: a backup put back in place of a
 * stopped database.
 *
 * Why a command and not `cp`: it refuses while the database is open (a
 * running server would go on writing to the file it has open and lose
 * everything after; a -wal left by a crash would be replayed into the
 * restored file and corrupt it), checks the backup before touching anything,
 * replaces the file atomically (a failure half-way leaves the old database),
 * keeps its owner and mode, and deletes the search index that described the
 * old database. The work is the store's (rd_store_restore).
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "store/store.h"

enum { O_FROM, O_DB, O_COUNT };

static const struct rd_cli_option options[O_COUNT] = {
  [O_FROM] = {"from", "PATH", true, "the backup file (made by `redress backup`)"},
  [O_DB] = {"db", "FILE", true, "the database to replace (a SQLite file; the server must be stopped)"},
};

const struct rd_cli_command rd_cli_cmd_restore = {
  .path = "restore",
  .summary = "put a backup in place of a stopped database, checked and atomically",
  .details = "Stop the server first: restore refuses while FILE-wal or FILE-shm exists\n"
             "(the database is open, or was not closed cleanly). The backup is copied\n"
             "to a temporary file beside FILE, checked (PRAGMA integrity_check, schema\n"
             "version, complaint count), synced and renamed over FILE, which keeps its\n"
             "owner and mode. FILE-search, the old database's search index, is deleted:\n"
             "the server rebuilds it when it starts. A backup from an older version is\n"
             "brought to the current schema by `redress migrate` or by `redress serve`.\n"
             "\n"
             "PostgreSQL databases are restored with pg_restore.",
  .options = options,
  .n_options = O_COUNT,
};

int
rd_cli_restore(int argc, char **argv)
{
  const char *v[O_COUNT];
  switch (rd_cli_parse(&rd_cli_cmd_restore, argc, argv, v, stdout, stderr)) {
  case RD_CLI_PARSED: break;
  case RD_CLI_HELP: return RD_EXIT_OK;
  default: return RD_EXIT_USAGE;
  }
  const char *kind = rd_store_uri_backend(v[O_DB]);
  if (kind && !strcmp(kind, "postgresql"))
    return rd_cli_fail("restore",
                       "%s is a PostgreSQL database; `redress restore` replaces "
                       "SQLite files only: use pg_restore (see docs/deploy.md)",
                       v[O_DB]);

  struct rd_store_backup_report r;
  struct rd_error err = {0};
  if (rd_store_restore(v[O_FROM], v[O_DB], &r, &err) != RD_OK)
    return rd_cli_fail_error("restore", &err);

  printf("restored %s from %s\n", v[O_DB], v[O_FROM]);
  printf("  %lld complaint%s, schema version %d; verified: integrity_check ok\n",
         (long long)r.complaints, r.complaints == 1 ? "" : "s", r.schema_version);
  printf("  search index %s-search: removed, the server rebuilds it when it"
         " starts\n", v[O_DB]);
  printf("  next: start the server (it applies any newer migrations first)\n");
  return RD_EXIT_OK;
}
