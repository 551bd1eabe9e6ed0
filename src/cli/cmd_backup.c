/* cli/cmd_backup.c - `redress backup`: a checked copy of a live database.
 *
 * The work is the store's (rd_store_backup: one snapshot, a temporary file,
 * integrity check, fsync, rename); this file parses the options, says what
 * to run instead for PostgreSQL, and reports what was copied.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "store/store.h"

enum { O_DB, O_TO, O_FORCE, O_COUNT };

static const struct rd_cli_option options[O_COUNT] = {
  [O_DB] = {"db", "FILE", true, "the database to copy (a SQLite file; the server may be running)"},
  [O_TO] = {"to", "PATH", true, "the backup file to write; its directory must exist"},
  [O_FORCE] = {"force", NULL, false, "replace PATH if it exists"},
};

const struct rd_cli_command rd_cli_cmd_backup = {
  .path = "backup",
  .summary = "copy a live database to a backup file, consistently, and check the copy",
  .details = "Copies one snapshot of the database, taken when the command starts, while\n"
             "`redress serve` goes on answering and writing. The copy is written to a\n"
             "temporary file beside PATH, checked (PRAGMA integrity_check, schema\n"
             "version, complaint count), synced to disk and only then renamed to PATH,\n"
             "so PATH never holds a partial backup. The file is readable by its owner\n"
             "only: it holds the customers' personal data.\n"
             "\n"
             "The full-text search index (FILE-search) is not copied: it is derived\n"
             "data, rebuilt from the database on the first start after a restore.\n"
             "\n"
             "To restore: stop the server, run `redress restore --from PATH --db FILE`,\n"
             "start the server (it applies any newer migrations first). See\n"
             "docs/deploy.md for the nightly timer and restoring by hand.\n"
             "\n"
             "PostgreSQL databases (postgresql:// URIs) are backed up with pg_dump.",
  .options = options,
  .n_options = O_COUNT,
};

/* Appends s to b (cap bytes) in single quotes when the shell would
 * otherwise split or expand it. */
static void
append_shell_word(char *b, size_t cap, const char *s)
{
  size_t n = strlen(b);
  bool plain = s[0] != '\0';
  for (const char *p = s; *p; p++)
    if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                "0123456789@%+=:,./_-", *p))
      plain = false;
  if (plain) {
    snprintf(b + n, cap - n, "%s", s);
    return;
  }
  if (n + 1 < cap)
    b[n++] = '\'';
  for (const char *p = s; *p && n + 5 < cap; p++) {
    if (*p == '\'') {
      memcpy(b + n, "'\\''", 4);   /* close, escaped quote, reopen */
      n += 4;
    } else {
      b[n++] = *p;
    }
  }
  if (n + 1 < cap)
    b[n++] = '\'';
  b[n < cap ? n : cap - 1] = '\0';
}

/* PostgreSQL has its own tool for consistent online copies; until that
 * backend has a `redress backup` of its own, say exactly what to run. */
static int
refuse_postgresql(const char *db, const char *to)
{
  char cmd[4096] = "pg_dump --format=custom --file=";
  append_shell_word(cmd, sizeof cmd, to);
  snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), " ");
  append_shell_word(cmd, sizeof cmd, db);
  fprintf(stderr,
          "redress: backup: %s is a PostgreSQL database; `redress backup` copies "
          "SQLite files only.\n"
          "Back it up with pg_dump (restore with pg_restore):\n"
          "  %s\n",
          db, cmd);
  return RD_EXIT_FAILURE;
}

int
rd_cli_backup(int argc, char **argv)
{
  const char *v[O_COUNT];
  switch (rd_cli_parse(&rd_cli_cmd_backup, argc, argv, v, stdout, stderr)) {
  case RD_CLI_PARSED: break;
  case RD_CLI_HELP: return RD_EXIT_OK;
  default: return RD_EXIT_USAGE;
  }
  const char *kind = rd_store_uri_backend(v[O_DB]);
  if (kind && !strcmp(kind, "postgresql"))
    return refuse_postgresql(v[O_DB], v[O_TO]);

  struct rd_store_backup_report r;
  struct rd_error err = {0};
  if (rd_store_backup(v[O_DB], v[O_TO], v[O_FORCE] != NULL, &r, &err) != RD_OK)
    return rd_cli_fail_error("backup", &err);

  printf("backed up %s to %s\n", v[O_DB], v[O_TO]);
  printf("  %lld complaint%s, schema version %d, %.1f MiB (%lld pages of %lld bytes"
         " in %d step%s)\n",
         (long long)r.complaints, r.complaints == 1 ? "" : "s", r.schema_version,
         (double)r.bytes / (1024.0 * 1024.0), (long long)r.pages,
         (long long)r.page_size, r.steps, r.steps == 1 ? "" : "s");
  printf("  verified: integrity_check ok, schema version and complaint count match\n");
  printf("  not copied: the search index %s-search, rebuilt from the database on the"
         " first start after a restore\n", v[O_DB]);
  return RD_EXIT_OK;
}
