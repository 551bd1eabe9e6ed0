/* cli/options.c - option parsing, help and error lines for every command.
 *
 * Every command describes its options in one table (struct rd_cli_command);
 * parsing, --help and the error lines are all driven by that table, so the
 * help can never forget an option the parser accepts.
 */
#include <errno.h>
#include "cli/cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/service.h"
#include "util/mem.h"

/* getopt_long values: options are numbered from OPT_BASE so they never clash
 * with getopt's own '?' and ':' answers. */
enum { OPT_HELP = 999, OPT_BASE = 1000 };

int
rd_cli_usage_error(FILE *errout, const char *cmd, const char *fmt, ...)
{
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (!strcmp(cmd, "redress")) {
    fprintf(errout, "redress: %s\nTry 'redress --help'.\n", msg);
  } else {
    fprintf(errout, "redress %s: %s\nTry 'redress %s --help'.\n", cmd, msg, cmd);
  }
  return RD_EXIT_USAGE;
}

int
rd_cli_fail(const char *what, const char *fmt, ...)
{
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  fprintf(stderr, "redress: %s: %s\n", what, msg);
  return RD_EXIT_FAILURE;
}

int
rd_cli_fail_error(const char *what, const struct rd_error *err)
{
  const char *detail = err->detail[0] ? err->detail : rd_status_name(err->code);
  if (err->field[0])
    return rd_cli_fail(what, "%s: %s", err->field, detail);
  return rd_cli_fail(what, "%s", detail);
}

void
rd_cli_print_help(const struct rd_cli_command *cmd, FILE *out)
{
  fprintf(out, "Usage: redress %s", cmd->path);
  for (size_t i = 0; i < cmd->n_options; i++) {
    const struct rd_cli_option *o = &cmd->options[i];
    fprintf(out, " %s--%s%s%s%s", o->required ? "" : "[", o->name,
            o->arg ? " " : "", o->arg ? o->arg : "", o->required ? "" : "]");
  }
  fprintf(out, "\n\n%s\n", cmd->summary);
  if (cmd->details)
    fprintf(out, "\n%s\n", cmd->details);
  fprintf(out, "\nOptions:\n");
  for (size_t i = 0; i < cmd->n_options; i++) {
    const struct rd_cli_option *o = &cmd->options[i];
    char left[64];
    snprintf(left, sizeof left, "--%s%s%s", o->name, o->arg ? " " : "",
             o->arg ? o->arg : "");
    fprintf(out, "  %-28s %s%s\n", left, o->help,
            o->required ? " (required)" : "");
  }
  fprintf(out, "  %-28s %s\n", "--help", "show this help and exit");
}

/* The option's name for a getopt value, or NULL for one that is not ours. */
static const char *
option_name(const struct rd_cli_command *cmd, int val)
{
  if (val == OPT_HELP)
    return "help";
  if (val >= OPT_BASE && (size_t)(val - OPT_BASE) < cmd->n_options)
    return cmd->options[val - OPT_BASE].name;
  return NULL;
}

enum rd_cli_parse_result
rd_cli_parse(const struct rd_cli_command *cmd, int argc, char **argv,
             const char **values, FILE *out, FILE *errout)
{
  enum rd_cli_parse_result res = RD_CLI_PARSED;
  struct option *longopts = rd_xcalloc(cmd->n_options + 2, sizeof *longopts);
  for (size_t i = 0; i < cmd->n_options; i++) {
    longopts[i].name = cmd->options[i].name;
    longopts[i].has_arg = cmd->options[i].arg ? required_argument : no_argument;
    longopts[i].val = OPT_BASE + (int)i;
    values[i] = NULL;
  }
  longopts[cmd->n_options].name = "help";
  longopts[cmd->n_options].val = OPT_HELP;

  /* optind = 0 makes glibc start over, so parsing can run more than once
   * in a process (tests); opterr = 0 because we word the errors ourselves. */
  optind = 0;
  opterr = 0;
  int c;
  while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
    if (c == OPT_HELP) {
      rd_cli_print_help(cmd, out);
      res = RD_CLI_HELP;
      goto out;
    }
    if (c >= OPT_BASE) {
      const struct rd_cli_option *o = &cmd->options[c - OPT_BASE];
      if (o->arg && !optarg[0]) {
        rd_cli_usage_error(errout, cmd->path, "option --%s needs a non-empty %s",
                           o->name, o->arg);
        res = RD_CLI_USAGE_ERROR;
        goto out;
      }
      values[c - OPT_BASE] = o->arg ? optarg : "";
      continue;
    }
    const char *name = option_name(cmd, optopt);
    if (c == ':') {
      rd_cli_usage_error(errout, cmd->path, "option --%s needs a value (%s)",
                         name ? name : "?",
                         name && optopt >= OPT_BASE
                             ? cmd->options[optopt - OPT_BASE].arg : "VALUE");
    } else if (name) {
      rd_cli_usage_error(errout, cmd->path, "option --%s takes no value", name);
    } else if (optopt) {
      rd_cli_usage_error(errout, cmd->path, "unknown option '-%c'", optopt);
    } else {
      rd_cli_usage_error(errout, cmd->path, "unknown option '%s'",
                         argv[optind - 1]);
    }
    res = RD_CLI_USAGE_ERROR;
    goto out;
  }
  if (optind < argc) {
    rd_cli_usage_error(errout, cmd->path, "unexpected argument '%s'", argv[optind]);
    res = RD_CLI_USAGE_ERROR;
    goto out;
  }
  for (size_t i = 0; i < cmd->n_options; i++) {
    if (cmd->options[i].required && !values[i]) {
      rd_cli_usage_error(errout, cmd->path, "missing required option --%s %s",
                         cmd->options[i].name,
                         cmd->options[i].arg ? cmd->options[i].arg : "");
      res = RD_CLI_USAGE_ERROR;
      goto out;
    }
  }
out:
  free(longopts);
  return res;
}

bool
rd_cli_parse_whole(const char *text, long min, long max, long *out)
{
  char *end;
  if (!text || text[0] < '0' || text[0] > '9')
    return false;
  errno = 0;
  unsigned long v = strtoul(text, &end, 10);
  if (*end || errno == ERANGE || v < (unsigned long)min || v > (unsigned long)max)
    return false;
  *out = (long)v;
  return true;
}
