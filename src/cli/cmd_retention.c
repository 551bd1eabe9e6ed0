/* cli/cmd_retention.c - `redress retention run`: anonymises the complaints
 * closed more than --older-than days ago (docs/retention.md), in batches,
 * beside running servers; --dry-run only counts them. Prints one line with
 * the count. The server does the same daily with `serve --retention-days`.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "service/service.h"
#include "store/store.h"
#include "util/time.h"

enum { O_DB, O_OLDER_THAN, O_DRY_RUN, O_COUNT };

static const struct rd_cli_option options[O_COUNT] = {
  [O_DB] = {"db", "FILE", true,
            "the database: a SQLite file path or a postgresql:// URI"},
  [O_OLDER_THAN] = {"older-than", "DAYS", true,
                    "anonymise complaints closed more than DAYS days ago (1-36500)"},
  [O_DRY_RUN] = {"dry-run", NULL, false,
                 "count the complaints that would be anonymised; change nothing"},
};

const struct rd_cli_command rd_cli_cmd_retention_run = {
  .path = "retention run",
  .summary = "anonymise closed complaints older than the retention age",
  .details = "Removes the customer's name, phone, email and identifiers, the free\n"
             "texts, timeline texts and attachment contents of every complaint\n"
             "closed (closed, withdrawn or merged) more than DAYS days ago, 500 per\n"
             "transaction, and records each in the audit log. Categories, states,\n"
             "times, clocks and satisfaction stay, so reports do not change. Running\n"
             "it again changes nothing. Backups taken before still hold the data.",
  .options = options,
  .n_options = O_COUNT,
};

static int
run(int argc, char **argv)
{
  const char *v[O_COUNT];
  switch (rd_cli_parse(&rd_cli_cmd_retention_run, argc, argv, v, stdout, stderr)) {
  case RD_CLI_PARSED: break;
  case RD_CLI_HELP: return RD_EXIT_OK;
  default: return RD_EXIT_USAGE;
  }
  long days = 0;
  if (!rd_cli_parse_whole(v[O_OLDER_THAN], 1, RD_RETENTION_DAYS_MAX, &days))
    return rd_cli_usage_error(stderr, "retention run",
                              "option --older-than wants whole days from 1 to %d, not '%s'",
                              RD_RETENTION_DAYS_MAX, v[O_OLDER_THAN]);
  bool dry = v[O_DRY_RUN] != NULL;

  struct rd_store *st = NULL;
  int rc = rd_cli_open_store("retention run", v[O_DB], &st, NULL);
  if (rc != RD_EXIT_OK)
    return rc;
  struct rd_service *svc = rd_service_new(st, NULL);
  struct fake_clock *fake = rd_cli_fake_clock_install(svc);
  struct rd_retention_report r;
  struct rd_error err = {0};
  if (rd_service_retention_run(svc, (int)days, dry, RD_RETENTION_BATCH, &r, &err) != RD_OK) {
    /* Batches before the failure stay committed: say how many. */
    if (!dry && r.anonymised > 0)
      printf("anonymised %lld complaint%s before the failure\n",
             (long long)r.anonymised, r.anonymised == 1 ? "" : "s");
    rc = rd_cli_fail_error("retention run", &err);
  } else {
    char cut[RD_TIME_TEXT_MAX];
    rd_time_format(r.closed_before, rd_service_timezone(svc), cut);
    printf("%s %lld complaint%s closed before %s\n",
           dry ? "would anonymise" : "anonymised", (long long)r.anonymised,
           r.anonymised == 1 ? "" : "s", cut);
    rc = RD_EXIT_OK;
  }
  rd_service_free(svc);
  rd_cli_fake_clock_free(fake);
  rd_store_close(st);
  return rc;
}

int
rd_cli_retention(int argc, char **argv)
{
  if (argc >= 2 && !strcmp(argv[1], "run"))
    return run(argc - 1, argv + 1);
  if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
    rd_cli_print_help(&rd_cli_cmd_retention_run, stdout);
    return RD_EXIT_OK;
  }
  return rd_cli_usage_error(stderr, "retention", "expected 'retention run'");
}
