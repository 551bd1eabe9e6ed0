/* store/sqlite/backup.c - a consistent copy of a live database with SQLite's
 * online backup API, written so that the destination name only ever holds a
 * complete, checked backup.
 *
 * The copy is one snapshot: the source connection opens a read transaction
 * first and keeps it while sqlite3_backup_step() copies STEP_PAGES pages at a
 * time. Without that transaction each step would start its own, and any
 * commit by the server between two steps would restart the copy from page 1
 * -- under steady writes a large database would never finish. In WAL mode a
 * reader blocks no writer, so the server commits on as usual while we copy;
 * what the open snapshot holds back is the checkpoint, so the WAL grows by
 * what is written during the copy and shrinks at the next checkpoint after.
 * Small steps keep each call short (and the copy interruptible between
 * steps) instead of one long call.
 *
 * The pages go to a temporary file beside dest (mode 0600 from mkstemp: a
 * backup holds the customers' personal data), which is then reopened on a
 * fresh connection, turned from WAL into a self-contained rollback-journal
 * file, given a search-index identity of its own (see verify_copy), checked
 * with PRAGMA integrity_check and its schema version and complaint count
 * compared with the snapshot's, fsync'd, renamed into place and the
 * directory fsync'd. Any failure removes the temporary file.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/sqlite/sqlite_int.h"
#include "util/mem.h"

/* 256 pages of 4 KiB: 1 MiB per step. */
enum { STEP_PAGES = 256, BUSY_TIMEOUT_MS = 10000, BUSY_RETRIES = 1000 };

/* The suffixes SQLite puts beside a database file. */
static const char *const companions[] = { "-journal", "-wal", "-shm" };

/* Where the backup goes: dest split into its directory and file name. */
struct dest_path {
  char dir[PATH_MAX];
  char base[PATH_MAX];
  char tmp[PATH_MAX];     /* the temporary file beside dest; "" until made */
};

static enum rd_status
split_dest(const char *dest, struct dest_path *d, struct rd_error *err)
{
  const char *slash = strrchr(dest, '/');
  size_t len = strlen(dest);

  if (len == 0 || dest[len - 1] == '/')
    return rd_error_set(err, RD_E_INVALID, "to",
                        "%s is a directory: name the backup file in it", dest);
  if (len >= sizeof d->base)
    return rd_error_set(err, RD_E_INVALID, "to", "path too long");
  if (slash == NULL) {
    snprintf(d->dir, sizeof d->dir, ".");
    snprintf(d->base, sizeof d->base, "%s", dest);
  } else if (slash == dest) {
    snprintf(d->dir, sizeof d->dir, "/");
    snprintf(d->base, sizeof d->base, "%s", slash + 1);
  } else {
    snprintf(d->dir, sizeof d->dir, "%.*s", (int)(slash - dest), dest);
    snprintf(d->base, sizeof d->base, "%s", slash + 1);
  }
  d->tmp[0] = '\0';
  return RD_OK;
}

/* Refuses a dest that is, or would replace, the live database or one of the
 * files SQLite keeps beside it: --force must never mean "overwrite the
 * database with its own backup". Compares resolved paths, and inodes when
 * dest exists (a hard link or a symlink to the database). */
static enum rd_status
check_not_source(const char *path, const struct stat *src_st, const char *dest,
                 const struct dest_path *d, struct rd_error *err)
{
  char src_real[PATH_MAX], dir_real[PATH_MAX], dest_real[PATH_MAX * 2];
  struct stat st;

  if (stat(dest, &st) == 0 && st.st_dev == src_st->st_dev &&
      st.st_ino == src_st->st_ino)
    goto same;
  if (realpath(path, src_real) == NULL || realpath(d->dir, dir_real) == NULL)
    return RD_OK; /* the checks that follow say what is wrong with them */
  snprintf(dest_real, sizeof dest_real, "%s/%s",
           strcmp(dir_real, "/") ? dir_real : "", d->base);
  size_t n = strlen(src_real);
  if (strncmp(dest_real, src_real, n) == 0 &&
      (dest_real[n] == '\0' || dest_real[n] == '-'))
    goto same;
  return RD_OK;
same:
  return rd_error_set(err, RD_E_INVALID, "to",
                      "%s is the database %s or one of its files", dest, path);
}

/* Everything about dest that can be refused before any work is done. */
static enum rd_status
check_dest(const char *dest, bool replace, struct dest_path *d,
           struct rd_error *err)
{
  struct stat st;

  if (stat(d->dir, &st) != 0) {
    if (errno == ENOENT)
      return rd_error_set(err, RD_E_NOT_FOUND, "to",
                          "directory %s does not exist", d->dir);
    if (errno == ENOTDIR)
      return rd_error_set(err, RD_E_INVALID, "to",
                          "%s is not a directory", d->dir);
    return rd_error_set(err, RD_E_UNAVAILABLE, "to", "directory %s: %s",
                        d->dir, strerror(errno));
  }
  if (!S_ISDIR(st.st_mode))
    return rd_error_set(err, RD_E_INVALID, "to", "%s is not a directory", d->dir);
  if (access(d->dir, W_OK | X_OK) != 0)
    return rd_error_set(err, RD_E_UNAVAILABLE, "to",
                        "cannot write in directory %s: %s", d->dir,
                        strerror(errno));
  if (lstat(dest, &st) == 0) {
    if (S_ISDIR(st.st_mode))
      return rd_error_set(err, RD_E_INVALID, "to",
                          "%s is a directory: name the backup file in it", dest);
    if (!replace)
      return rd_error_set(err, RD_E_DUPLICATE, "to",
                          "%s already exists (pass --force to replace it)",
                          dest);
    if (!S_ISREG(st.st_mode))
      return rd_error_set(err, RD_E_INVALID, "to",
                          "%s exists and is not a regular file", dest);
  }
  return RD_OK;
}

/* Removes the temporary file and anything SQLite left beside it. */
static void
remove_tmp(struct dest_path *d)
{
  char side[PATH_MAX + 16];

  if (d->tmp[0] == '\0')
    return;
  unlink(d->tmp);
  for (size_t i = 0; i < sizeof companions / sizeof *companions; i++) {
    snprintf(side, sizeof side, "%s%s", d->tmp, companions[i]);
    unlink(side);
  }
  d->tmp[0] = '\0';
}

static enum rd_status
fsync_path(const char *path, int flags, struct rd_error *err)
{
  int fd = open(path, flags | O_CLOEXEC);
  if (fd < 0)
    return rd_error_set(err, RD_E_UNAVAILABLE, "to", "cannot open %s: %s",
                        path, strerror(errno));
  int rc = fsync(fd);
  int saved = errno;
  close(fd);
  if (rc != 0)
    return rd_error_set(err, RD_E_UNAVAILABLE, "to", "cannot sync %s: %s",
                        path, strerror(saved));
  return RD_OK;
}

/* rename() that refuses to replace an existing dest: renameat2's
 * RENAME_NOREPLACE where the file system has it, else link() + unlink(),
 * which is as atomic. A file created at dest since check_dest() is kept. */
static int
rename_noreplace(const char *from, const char *to)
{
  if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
    return 0;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
    return -1;
  if (link(from, to) != 0)
    return -1;
  unlink(from);
  return 0;
}

/* Opens path read-write without creating it: the source must exist, and
 * the temporary copy was made by mkstemp. */
static enum rd_status
open_db(const char *path, const char *field, sqlite3 **out,
        struct rd_error *err)
{
  int rc = sqlite3_open_v2(path, out, SQLITE_OPEN_READWRITE, NULL);
  if (rc != SQLITE_OK) {
    rd_error_set(err, RD_E_UNAVAILABLE, field, "cannot open %s: %s", path,
                 *out ? sqlite3_errmsg(*out) : sqlite3_errstr(rc));
    sqlite3_close(*out);
    *out = NULL;
    return err ? err->code : RD_E_UNAVAILABLE;
  }
  sqlite3_extended_result_codes(*out, 1);
  sqlite3_busy_timeout(*out, BUSY_TIMEOUT_MS);
  return RD_OK;
}

/* One integer from sql on db. A file that is not SQLite, or lacks our
 * tables, is RD_E_INVALID naming field; anything else RD_E_UNAVAILABLE. */
static enum rd_status
query_int(sqlite3 *db, const char *path, const char *field, const char *sql,
          int64_t *out, struct rd_error *err)
{
  sqlite3_stmt *q = NULL;
  int rc = sqlite3_prepare_v2(db, sql, -1, &q, NULL);

  *out = 0;
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
      *out = sqlite3_column_int64(q, 0);
      rc = SQLITE_OK;
    }
  }
  sqlite3_finalize(q);
  if (rc == SQLITE_OK)
    return RD_OK;
  if ((rc & 0xff) == SQLITE_NOTADB)
    return rd_error_set(err, RD_E_INVALID, field,
                        "%s is not a SQLite database", path);
  if ((rc & 0xff) == SQLITE_ERROR && strstr(sqlite3_errmsg(db), "no such table"))
    return rd_error_set(err, RD_E_INVALID, field,
                        "%s is not a redress database (%s)", path,
                        sqlite3_errmsg(db));
  return rd_error_set(err, RD_E_UNAVAILABLE, field, "%s: %s", path,
                      sqlite3_errmsg(db));
}

static const char sql_version[] =
  "SELECT coalesce(max(version), 0) FROM schema_migrations";
static const char sql_complaints[] = "SELECT count(*) FROM complaints";

/* Copies src (inside its open read transaction) into the file d->tmp. */
static enum rd_status
copy_pages(sqlite3 *src, struct dest_path *d,
           struct rd_store_backup_report *out, struct rd_error *err)
{
  sqlite3 *dst = NULL;
  sqlite3_backup *b;
  enum rd_status rc = open_db(d->tmp, "to", &dst, err);
  int src_rc = SQLITE_OK, busy = 0;

  if (rc != RD_OK)
    return rc;
  /* One fsync at the end (fsync_path) instead of one per step. */
  sqlite3_exec(dst, "PRAGMA synchronous = OFF", NULL, NULL, NULL);
  b = sqlite3_backup_init(dst, "main", src, "main");
  if (b == NULL) {
    rc = rd_error_set(err, RD_E_UNAVAILABLE, "to", "cannot start the copy: %s",
                      sqlite3_errmsg(dst));
    goto out;
  }
  do {
    src_rc = sqlite3_backup_step(b, STEP_PAGES);
    out->steps++;
    if (src_rc == SQLITE_BUSY || src_rc == SQLITE_LOCKED) {
      /* Not expected (we hold the snapshot and dst is ours), but transient. */
      if (++busy > BUSY_RETRIES)
        break;
      sqlite3_sleep(10);
      src_rc = SQLITE_OK;
    }
  } while (src_rc == SQLITE_OK);
  out->pages = sqlite3_backup_pagecount(b);
  if (sqlite3_backup_finish(b) != SQLITE_OK || src_rc != SQLITE_DONE) {
    rc = rd_error_set(err, RD_E_UNAVAILABLE, "to", "copy failed: %s",
                      sqlite3_errstr(src_rc == SQLITE_DONE
                                         ? sqlite3_errcode(dst) : src_rc));
    goto out;
  }
out:
  if (sqlite3_close(dst) != SQLITE_OK && rc == RD_OK)
    rc = rd_error_set(err, RD_E_UNAVAILABLE, "to", "cannot close %s", d->tmp);
  return rc;
}

/* Reopens the copy on a fresh connection (so nothing comes from the copying
 * connection's cache), makes it a self-contained rollback-journal file and
 * checks it against the snapshot's schema version and complaint count. */
static enum rd_status
verify_copy(struct dest_path *d, const struct rd_store_backup_report *want,
            struct rd_error *err)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *q = NULL;
  enum rd_status rc = open_db(d->tmp, "to", &db, err);
  int64_t version = 0, complaints = 0;
  char first[200] = "";
  int rows = 0, src;

  if (rc != RD_OK)
    return rc;
  /* Tables of databases from before the search index moved out (0003) use
   * our tokenizer; the check must be able to load their schema. */
  rd_sqlite_tokenizer_register(db);
  /* The pages came from a WAL database and say so; a backup is one file. */
  if (sqlite3_prepare_v2(db, "PRAGMA journal_mode = DELETE", -1, &q, NULL) != SQLITE_OK ||
      sqlite3_step(q) != SQLITE_ROW ||
      strcmp((const char *)sqlite3_column_text(q, 0), "delete") != 0) {
    rc = rd_error_set(err, RD_E_INTERNAL, "to",
                      "the copy cannot leave WAL mode: %s", sqlite3_errmsg(db));
    goto out;
  }
  sqlite3_finalize(q);
  q = NULL;
  /* The search index beside a database is recognised by this id. The copy
   * gets its own: restored over a database that has moved on since, it must
   * not take that database's index (ahead of it, with complaints it lacks)
   * for its own -- a new id makes the server rebuild the index instead. */
  if (sqlite3_exec(db, "UPDATE settings SET value = lower(hex(randomblob(16)))"
                       " WHERE key = 'search.store_id'", NULL, NULL, NULL)
      != SQLITE_OK) {
    rc = rd_error_set(err, RD_E_INVALID, "db", "not a redress database: %s",
                      sqlite3_errmsg(db));
    goto out;
  }

  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check(20)", -1, &q, NULL) != SQLITE_OK) {
    rc = rd_error_set(err, RD_E_INTERNAL, "to", "integrity_check: %s",
                      sqlite3_errmsg(db));
    goto out;
  }
  while ((src = sqlite3_step(q)) == SQLITE_ROW) {
    if (rows++ == 0)
      snprintf(first, sizeof first, "%s", (const char *)sqlite3_column_text(q, 0));
  }
  if (src != SQLITE_DONE || rows != 1 || strcmp(first, "ok") != 0) {
    rc = rd_error_set(err, RD_E_INTERNAL, "to",
                      "the copy fails integrity_check: %s",
                      src != SQLITE_DONE ? sqlite3_errmsg(db) : first);
    goto out;
  }
  sqlite3_finalize(q);
  q = NULL;

  rc = query_int(db, d->tmp, "to", sql_version, &version, err);
  if (rc == RD_OK)
    rc = query_int(db, d->tmp, "to", sql_complaints, &complaints, err);
  if (rc != RD_OK)
    goto out;
  if (version != want->schema_version || complaints != want->complaints)
    rc = rd_error_set(err, RD_E_INTERNAL, "to",
                      "the copy has schema version %lld and %lld complaints, "
                      "the database had %d and %lld",
                      (long long)version, (long long)complaints,
                      want->schema_version, (long long)want->complaints);
out:
  sqlite3_finalize(q);
  if (sqlite3_close(db) != SQLITE_OK && rc == RD_OK)
    rc = rd_error_set(err, RD_E_UNAVAILABLE, "to", "cannot close %s", d->tmp);
  return rc;
}

enum rd_status
rd_sqlite_backup(const char *path, const char *dest, bool replace,
                 struct rd_store_backup_report *out, struct rd_error *err)
{
  struct dest_path *d = rd_xcalloc(1, sizeof *d);
  struct stat src_st, dst_st;
  sqlite3 *src = NULL;
  bool in_tx = false;
  int64_t version = 0;
  enum rd_status rc;
  int fd;

  memset(out, 0, sizeof *out);
  if (stat(path, &src_st) != 0) {
    int e = errno;
    rc = e == ENOENT ? rd_error_set(err, RD_E_NOT_FOUND, "db", "no database at %s", path)
                     : rd_error_set(err, RD_E_UNAVAILABLE, "db", "%s: %s", path, strerror(e));
    goto out;
  }
  if (!S_ISREG(src_st.st_mode)) {
    rc = rd_error_set(err, RD_E_INVALID, "db", "%s is not a database file", path);
    goto out;
  }
  rc = split_dest(dest, d, err);
  if (rc == RD_OK)
    rc = check_not_source(path, &src_st, dest, d, err);
  if (rc == RD_OK)
    rc = check_dest(dest, replace, d, err);
  if (rc != RD_OK)
    goto out;

  /* The snapshot: BEGIN is deferred, the first SELECT starts the read
   * transaction every step then copies from. */
  rc = open_db(path, "db", &src, err);
  if (rc != RD_OK)
    goto out;
  if (sqlite3_exec(src, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
    rc = rd_error_set(err, RD_E_UNAVAILABLE, "db", "%s: %s", path,
                      sqlite3_errmsg(src));
    goto out;
  }
  in_tx = true;
  rc = query_int(src, path, "db", sql_version, &version, err);
  if (rc == RD_OK)
    rc = query_int(src, path, "db", sql_complaints, &out->complaints, err);
  if (rc == RD_OK)
    rc = query_int(src, path, "db", "PRAGMA page_size", &out->page_size, err);
  if (rc != RD_OK)
    goto out;
  out->schema_version = (int)version;

  if ((size_t)snprintf(d->tmp, sizeof d->tmp, "%s/.%s.tmp-XXXXXX", d->dir,
                       d->base) >= sizeof d->tmp) {
    d->tmp[0] = '\0';
    rc = rd_error_set(err, RD_E_INVALID, "to", "path too long");
    goto out;
  }
  fd = mkstemp(d->tmp);
  if (fd < 0) {
    rc = rd_error_set(err, RD_E_UNAVAILABLE, "to",
                      "cannot create a file in %s: %s", d->dir, strerror(errno));
    d->tmp[0] = '\0';
    goto out;
  }
  close(fd);

  rc = copy_pages(src, d, out, err);
  if (rc != RD_OK)
    goto out;
  sqlite3_exec(src, "COMMIT", NULL, NULL, NULL); /* let checkpoints go on */
  in_tx = false;
  sqlite3_close(src);
  src = NULL;

  rc = verify_copy(d, out, err);
  if (rc == RD_OK)
    rc = fsync_path(d->tmp, O_RDONLY, err);
  if (rc != RD_OK)
    goto out;
  if ((replace ? rename(d->tmp, dest) : rename_noreplace(d->tmp, dest)) != 0) {
    rc = errno == EEXIST
             ? rd_error_set(err, RD_E_DUPLICATE, "to",
                            "%s appeared while the backup ran (pass --force "
                            "to replace it)", dest)
             : rd_error_set(err, RD_E_UNAVAILABLE, "to", "cannot rename to %s: %s",
                            dest, strerror(errno));
    goto out;
  }
  d->tmp[0] = '\0'; /* it is dest now */
  /* The rename is durable once the directory entry is. */
  rc = fsync_path(d->dir, O_RDONLY | O_DIRECTORY, err);
  if (stat(dest, &dst_st) == 0)
    out->bytes = dst_st.st_size;
out:
  if (in_tx)
    sqlite3_exec(src, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close(src);
  remove_tmp(d);
  free(d);
  return rc;
}

/* ---- restore ------------------------------------------------------------ */

/* The files of the search index beside a database (search.c). */
static const char *const search_files[] = {
  "-search", "-search-wal", "-search-shm", "-search-journal",
};

enum rd_status
rd_sqlite_restore(const char *from, const char *path,
                  struct rd_store_backup_report *out, struct rd_error *err)
{
  char side[PATH_MAX + 32];
  struct stat old;
  bool had_old;
  sqlite3 *db = NULL;
  int64_t version = 0;
  enum rd_status rc;
  int newest = 0;

  memset(out, 0, sizeof *out);
  /* A live database has its -wal and -shm while any connection has it open;
   * the last one to close deletes them. Replacing the file under an open
   * connection loses what it writes next, and a -wal left by a crash would
   * be replayed into the restored file and corrupt it. */
  for (size_t i = 1; i < sizeof companions / sizeof *companions; i++) {
    snprintf(side, sizeof side, "%s%s", path, companions[i]);
    if (access(side, F_OK) == 0)
      return rd_error_set(err, RD_E_UNAVAILABLE, "db",
                          "%s exists: the database is open (is a server "
                          "running?) or was not closed cleanly; stop the "
                          "server, or if none runs open it once with "
                          "`redress migrate`", side);
  }
  if (access(from, F_OK) != 0)
    return rd_error_set(err, errno == ENOENT ? RD_E_NOT_FOUND : RD_E_UNAVAILABLE,
                        "from", "no backup at %s", from);
  rc = open_db(from, "from", &db, err);
  if (rc == RD_OK)
    rc = query_int(db, from, "from", sql_version, &version, err);
  sqlite3_close(db);
  if (rc != RD_OK)
    return rc;
  for (size_t i = 0; i < rd_sqlite_migrations_count; i++)
    if (rd_sqlite_migrations[i].number > newest)
      newest = rd_sqlite_migrations[i].number;
  if (version > newest)
    return rd_error_set(err, RD_E_INVALID, "from",
                        "%s has schema version %lld, newer than this redress "
                        "knows (%d): restore it with the version that made it",
                        from, (long long)version, newest);

  had_old = stat(path, &old) == 0;
  rc = rd_sqlite_backup(from, path, true, out, err);
  if (rc != RD_OK)
    return rc;
  /* Whoever ran the server before runs it now (restores are often run as
   * root; the copy is made 0600 for its owner). */
  if (had_old) {
    if (chown(path, old.st_uid, old.st_gid) != 0 ||
        chmod(path, old.st_mode & 07777) != 0)
      return rd_error_set(err, RD_E_UNAVAILABLE, "db",
                          "restored, but cannot give %s its old owner and "
                          "mode: %s", path, strerror(errno));
  }
  for (size_t i = 0; i < sizeof search_files / sizeof *search_files; i++) {
    snprintf(side, sizeof side, "%s%s", path, search_files[i]);
    if (unlink(side) != 0 && errno != ENOENT)
      return rd_error_set(err, RD_E_UNAVAILABLE, "db",
                          "restored, but cannot delete %s: %s", side,
                          strerror(errno));
  }
  return RD_OK;
}
