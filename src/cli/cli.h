/* cli/cli.h - the `redress` command line: subcommands and their shared helpers.
 *
 * Private to src/cli. Each command takes its own argv (argv[0] is the command
 * name) and returns the process exit status: 0 done, 1 runtime failure (a line
 * "redress: <what>: <detail>" on stderr), 2 usage error (a line naming the
 * option plus a hint to --help). Nothing here keeps global state.
 */
#ifndef RD_CLI_CLI_H
#define RD_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/status.h"

#define RD_VERSION "0.2.0"

enum { RD_EXIT_OK = 0, RD_EXIT_FAILURE = 1, RD_EXIT_USAGE = 2 };

/* The whole program: dispatches argv[1] to a command. */
int rd_cli_main(int argc, char **argv);

int rd_cli_init(int argc, char **argv);
int rd_cli_serve(int argc, char **argv);
int rd_cli_user(int argc, char **argv);
int rd_cli_migrate(int argc, char **argv);
int rd_cli_backup(int argc, char **argv);
int rd_cli_restore(int argc, char **argv);
int rd_cli_audit(int argc, char **argv);
int rd_cli_retention(int argc, char **argv);

/* ---- option parsing ------------------------------------------------------ */

/* One long option of a command. Options without an argument are flags whose
 * value is set to "" when present. */
struct rd_cli_option {
  const char *name;      /* "db" for --db */
  const char *arg;       /* "FILE", or NULL for a flag */
  bool required;
  const char *help;      /* one line for --help */
};

/* What a command is, for its --help. */
struct rd_cli_command {
  const char *path;      /* "init", "user add" */
  const char *summary;   /* one line */
  const char *details;   /* a paragraph or NULL */
  const struct rd_cli_option *options;
  size_t n_options;
};

enum rd_cli_parse_result {
  RD_CLI_PARSED,         /* values[] filled; go on */
  RD_CLI_HELP,           /* --help was asked and printed to out: exit 0 */
  RD_CLI_USAGE_ERROR,    /* a one-line error and a hint went to errout: exit 2 */
};

/* Parses argv (argv[0] is the command name) against cmd's options with
 * getopt_long. values has cmd->n_options slots: each becomes the option's
 * argument, "" for a present flag, or NULL when absent. A repeated option
 * keeps its last value. Refuses unknown options, missing arguments, missing
 * required options and stray positional arguments, naming them on errout. */
enum rd_cli_parse_result rd_cli_parse(const struct rd_cli_command *cmd,
                                      int argc, char **argv,
                                      const char **values, FILE *out,
                                      FILE *errout);

/* The commands, for the top-level help. */
extern const struct rd_cli_command rd_cli_cmd_init, rd_cli_cmd_serve,
    rd_cli_cmd_user_add, rd_cli_cmd_migrate, rd_cli_cmd_backup,
    rd_cli_cmd_restore, rd_cli_cmd_audit_verify, rd_cli_cmd_retention_run;

/* Parses a whole number from min to max (digits only: no sign, no spaces,
 * no suffix) into *out; false for anything else. */
bool rd_cli_parse_whole(const char *text, long min, long max, long *out);

/* Prints cmd's usage and every option to out. */
void rd_cli_print_help(const struct rd_cli_command *cmd, FILE *out);

/* Prints "redress: <cmd>: <msg>" and a hint to --help on errout; returns
 * RD_EXIT_USAGE. */
int rd_cli_usage_error(FILE *errout, const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prints "redress: <what>: <detail>" on stderr; returns RD_EXIT_FAILURE. */
int rd_cli_fail(const char *what, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Same, from an rd_error: "redress: <what>: <field>: <detail>". */
int rd_cli_fail_error(const char *what, const struct rd_error *err);

/* ---- the store ----------------------------------------------------------- */

struct rd_store;

/* Opens the database db and applies pending migrations (*applied, may be
 * NULL, gets how many). On failure prints "redress: <what>: ..." and returns
 * RD_EXIT_FAILURE with *out NULL; else RD_EXIT_OK and *out to close later. */
int rd_cli_open_store(const char *what, const char *db, struct rd_store **out,
                      int *applied);

/* ---- the clock ------------------------------------------------------------ */

struct rd_service;
struct fake_clock;

/* When REDRESS_FAKE_NOW names a file, makes svc's "now" the RFC 3339
 * instant written in it (fake_clock.c) and returns the clock, to free after
 * the service; otherwise does nothing and returns NULL. */
struct fake_clock *rd_cli_fake_clock_install(struct rd_service *svc);
void rd_cli_fake_clock_free(struct fake_clock *f);

/* ---- passwords ----------------------------------------------------------- */

enum { RD_CLI_PASSWORD_MIN = 10, RD_CLI_PASSWORD_LEN = 16, RD_CLI_PASSWORD_MAX = 1024 };

/* The characters of generated passwords: letters and digits without the
 * look-alikes 0/O/o, 1/l/I/i, so a password read off a screen types back. */
extern const char RD_CLI_PASSWORD_ALPHABET[];

/* Fills out with len characters of RD_CLI_PASSWORD_ALPHABET chosen by
 * libsodium's CSPRNG, NUL-terminated (out has len + 1 bytes). Returns false
 * when libsodium cannot be initialised. */
bool rd_cli_password_generate(char *out, size_t len);

/* Reads the first line of path, trimmed of surrounding white space, into out
 * (out_len bytes). RD_E_UNAVAILABLE when the file cannot be read, RD_E_INVALID
 * when the line is empty, shorter than RD_CLI_PASSWORD_MIN characters or does
 * not fit; err->field is "password-file". */
enum rd_status rd_cli_password_read(const char *path, char *out,
                                    size_t out_len, struct rd_error *err);

/* Trims white space (ASCII) from both ends of s in place; returns s. */
char *rd_cli_trim(char *s);

#endif
