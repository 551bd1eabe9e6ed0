/* cli/cli.c - dispatch to the subcommands, the top-level help, opening the store. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "store/store.h"

static const struct {
  const char *name;
  const struct rd_cli_command *cmd;   /* for the summary line */
  int (*run)(int argc, char **argv);
} commands[] = {
  {"init",    &rd_cli_cmd_init,     rd_cli_init},
  {"serve",   &rd_cli_cmd_serve,    rd_cli_serve},
  {"user",    &rd_cli_cmd_user_add, rd_cli_user},
  {"migrate", &rd_cli_cmd_migrate,  rd_cli_migrate},
  {"backup",  &rd_cli_cmd_backup,   rd_cli_backup},
  {"restore", &rd_cli_cmd_restore,  rd_cli_restore},
  {"audit",   &rd_cli_cmd_audit_verify, rd_cli_audit},
  {"retention", &rd_cli_cmd_retention_run, rd_cli_retention},
};

static void
print_top_help(FILE *out)
{
  fprintf(out,
          "Usage: redress COMMAND [OPTIONS]\n"
          "\n"
          "Redress - customer complaint management (客户投诉管理系统).\n"
          "\n"
          "Commands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(out, "  %-10s %s\n", commands[i].cmd->path, commands[i].cmd->summary);
  fprintf(out,
          "\n"
          "Options:\n"
          "  --help     show this help and exit\n"
          "  --version  print the version and exit\n"
          "\n"
          "`redress COMMAND --help` describes every option of a command.\n");
}

int
rd_cli_main(int argc, char **argv)
{
  if (argc < 2)
    return rd_cli_usage_error(stderr, "redress", "missing command");
  const char *name = argv[1];
  if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
    print_top_help(stdout);
    return RD_EXIT_OK;
  }
  if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
    printf("redress %s\n", RD_VERSION);
    return RD_EXIT_OK;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (!strcmp(name, commands[i].name))
      return commands[i].run(argc - 1, argv + 1);
  return rd_cli_usage_error(stderr, "redress", "unknown command '%s'", name);
}

int
rd_cli_open_store(const char *what, const char *db, struct rd_store **out,
                  int *applied)
{
  struct rd_error err = {0};
  struct rd_store *st = NULL;
  *out = NULL;
  if (rd_store_open(db, &st, &err) != RD_OK)
    return rd_cli_fail(what, "%s: %s", db,
                       err.detail[0] ? err.detail : "cannot open the database");
  if (rd_store_migrate(st, applied, &err) != RD_OK) {
    rd_store_close(st);
    return rd_cli_fail(what, "%s: migration failed: %s", db, err.detail);
  }
  *out = st;
  return RD_EXIT_OK;
}
