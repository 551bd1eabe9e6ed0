/* http/json_in.c - request bodies to domain records, strictly, with jansson. */
#include "http/json_in.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/workflow.h"
#include "http/params.h"
#include "util/arena.h"
#include "util/message.h"
#include "util/time.h"

/* Parses body as one JSON object. An empty body is {} when empty_ok. The
 * caller owns *out (json_decref). */
static enum rd_status
load_object(const char *body, size_t len, bool empty_ok, json_t **out,
            struct rd_error *err)
{
  json_error_t jerr;
  *out = NULL;
  if (!body || len == 0) {
    if (!empty_ok)
      return rd_error_set(err, RD_E_MALFORMED, NULL, "a JSON object body is required");
    *out = json_object();
    return RD_OK;
  }
  json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
  if (!root)
    return rd_error_set(err, RD_E_MALFORMED, NULL,
                        "malformed JSON at line %d column %d: %s", jerr.line,
                        jerr.column, jerr.text);
  if (!json_is_object(root)) {
    json_decref(root);
    return rd_error_set(err, RD_E_MALFORMED, NULL, "the body must be a JSON object");
  }
  *out = root;
  return RD_OK;
}

/* The value of key when present and not null; NULL otherwise. */
static json_t *
get(json_t *o, const char *key)
{
  json_t *v = json_object_get(o, key);
  return v && !json_is_null(v) ? v : NULL;
}

/* "prefix.key" (or key) in buf, the field name errors use. */
static const char *
field_name(char *buf, size_t size, const char *prefix, const char *key)
{
  if (prefix)
    snprintf(buf, size, "%s.%s", prefix, key);
  else
    snprintf(buf, size, "%s", key);
  return buf;
}

static enum rd_status
as_string(json_t *v, const char *field, struct rd_arena *a, const char **out,
          struct rd_error *err)
{
  if (!json_is_string(v))
    return rd_error_set(err, RD_E_INVALID, field, "%s must be a string", field);
  *out = rd_arena_strndup(a, json_string_value(v), json_string_length(v));
  return RD_OK;
}

static enum rd_status
as_int(json_t *v, const char *field, int *out, struct rd_error *err)
{
  if (!json_is_integer(v))
    return rd_error_set(err, RD_E_INVALID, field, "%s must be an integer", field);
  json_int_t n = json_integer_value(v);
  if (n < INT_MIN || n > INT_MAX)
    return rd_error_set(err, RD_E_INVALID, field, "%s is out of range", field);
  *out = (int)n;
  return RD_OK;
}

static enum rd_status
as_id(json_t *v, const char *field, int64_t *out, struct rd_error *err)
{
  if (!json_is_integer(v) || json_integer_value(v) < 1)
    return rd_error_set(err, RD_E_INVALID, field, "%s must be a positive integer", field);
  *out = (int64_t)json_integer_value(v);
  return RD_OK;
}

static enum rd_status
as_bool(json_t *v, const char *field, bool *out, struct rd_error *err)
{
  if (!json_is_boolean(v))
    return rd_error_set(err, RD_E_INVALID, field, "%s must be true or false", field);
  *out = json_is_true(v);
  return RD_OK;
}

static enum rd_status
as_time(json_t *v, const char *field, int64_t *out, struct rd_error *err)
{
  if (!json_is_string(v))
    return rd_error_set(err, RD_E_INVALID, field, "%s must be an RFC 3339 time", field);
  return rd_time_parse(json_string_value(v), out, field, err);
}

/* Compact JSON text of v in the arena. */
static const char *
dump(json_t *v, struct rd_arena *a)
{
  char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
  const char *copy = rd_arena_strdup(a, text ? text : "null");
  free(text);
  return copy;
}

static enum rd_status
as_object_text(json_t *v, const char *field, struct rd_arena *a,
               const char **out, struct rd_error *err)
{
  if (!json_is_object(v))
    return rd_error_set(err, RD_E_INVALID, field, "%s must be an object", field);
  *out = dump(v, a);
  return RD_OK;
}

static enum rd_status
as_tags(json_t *v, struct rd_arena *a, const char **out, struct rd_error *err)
{
  size_t i;
  json_t *t;
  if (!json_is_array(v))
    return rd_error_set(err, RD_E_INVALID, "tags", "tags must be an array of strings");
  json_array_foreach(v, i, t)
    if (!json_is_string(t))
      return rd_error_set(err, RD_E_INVALID, "tags", "tags must be an array of strings");
  *out = dump(v, a);
  return RD_OK;
}

/* ---- tables of plain fields ------------------------------------------------- */

/* K_LEVEL: a 1-5 scale (severity, anger). In C 0 means "not recorded", so a
 * 0 sent by a client must be refused here, where "present" is still known. */
enum kind { K_STRING, K_INT, K_LEVEL, K_ID, K_BOOL, K_TIME };

/* One body key stored at an offset of the target struct; bit marks presence. */
struct field {
  const char *key;
  enum kind kind;
  size_t offset;
  unsigned bit;
};

/* Reads each present field of the table into base. With nulls_clear, a null
 * value clears the field (NULL / 0) and counts as present. */
static enum rd_status
read_fields(json_t *o, const char *prefix, const struct field *fields, size_t n,
            void *base, bool nulls_clear, struct rd_arena *a, unsigned *bits,
            struct rd_error *err)
{
  char name[64];
  for (size_t i = 0; i < n; i++) {
    const struct field *f = &fields[i];
    json_t *raw = json_object_get(o, f->key);
    void *dst = (char *)base + f->offset;
    const char *field = field_name(name, sizeof name, prefix, f->key);
    enum rd_status st = RD_OK;
    if (!raw)
      continue;
    if (json_is_null(raw)) {
      if (!nulls_clear)
        continue;
      switch (f->kind) {
      case K_STRING: *(const char **)dst = NULL; break;
      case K_INT: case K_LEVEL: *(int *)dst = 0; break;
      case K_ID: case K_TIME: *(int64_t *)dst = 0; break;
      case K_BOOL:
        return rd_error_set(err, RD_E_INVALID, field, "%s must be true or false", field);
      }
    } else {
      switch (f->kind) {
      case K_STRING: st = as_string(raw, field, a, (const char **)dst, err); break;
      case K_INT: st = as_int(raw, field, (int *)dst, err); break;
      case K_LEVEL:
        st = as_int(raw, field, (int *)dst, err);
        if (st == RD_OK && (*(int *)dst < 1 || *(int *)dst > 5))
          st = rd_error_set(err, RD_E_INVALID, field, "%s must be 1 to 5", field);
        break;
      case K_ID: st = as_id(raw, field, (int64_t *)dst, err); break;
      case K_BOOL: st = as_bool(raw, field, (bool *)dst, err); break;
      case K_TIME: st = as_time(raw, field, (int64_t *)dst, err); break;
      }
    }
    if (st != RD_OK)
      return st;
    if (bits)
      *bits |= f->bit;
  }
  return RD_OK;
}

#define N(t) (sizeof(t) / sizeof((t)[0]))

/* ---- the keys a body may hold ------------------------------------------------ */

/* The keys one JSON object of a body may hold: those of its field table, the
 * ones its reader takes by hand (more), and ignored ones: read-only keys that
 * GET shows (id, a category's level, a calendar's version...), which a client
 * may send back when it PUTs the record it read; they are accepted and change
 * nothing. The lists end with NULL; any may be absent. */
struct keys {
  const struct field *fields;
  size_t n_fields;
  const char *const *more;
  const char *const *ignored;
};

static bool
listed(const char *const *list, const char *key)
{
  for (; list && *list; list++)
    if (strcmp(*list, key) == 0)
      return true;
  return false;
}

/* "prefix.key" in name, cut at a character boundary to fit rd_error.field:
 * the key is the client's text and may be long. */
static const char *
key_name(char *name, size_t size, const char *prefix, const char *key)
{
  size_t n, start;
  unsigned char lead;
  field_name(name, size, prefix, key);
  if ((n = strlen(name)) < size - 1)
    return name;
  /* Maybe cut: drop a last character that lost its continuation bytes. */
  start = n - 1;
  while (start > 0 && ((unsigned char)name[start] & 0xC0) == 0x80)
    start--;
  lead = (unsigned char)name[start];
  if (start + (lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4) > n)
    name[start] = '\0';
  return name;
}

/* Refuses (422 naming it) the first key of object o that k does not know.
 * Without this a misspelt field ("severty") would be dropped without a word
 * and what the user meant lost. Each reader calls it on every object it
 * reads before reading any field, so a misspelt required key is named as
 * what it is rather than reported as the key missing. */
static enum rd_status
check_keys(json_t *o, const char *prefix, const struct keys *k,
           struct rd_error *err)
{
  char name[sizeof err->field];   /* key_name cuts it to fit the field */
  const char *key;
  json_t *v;

  json_object_foreach(o, key, v) {
    bool known = listed(k->more, key) || listed(k->ignored, key);
    for (size_t i = 0; !known && i < k->n_fields; i++)
      known = strcmp(k->fields[i].key, key) == 0;
    if (!known)
      return rd_error_set(err, RD_E_INVALID, key_name(name, sizeof name, prefix, key),
                          "unknown field \"%s\"", name);
  }
  return RD_OK;
}

/* A body whose keys are all in a NULL-terminated list. */
#define ONLY(...) (&(const struct keys){ .more = (const char *const[]){ __VA_ARGS__, NULL } })
#define C(m) offsetof(struct rd_complaint, m)

static enum rd_status
read_version(json_t *o, int *version, struct rd_error *err)
{
  json_t *v = get(o, "version");
  *version = 0;
  if (v && (!json_is_integer(v) || json_integer_value(v) < 1 ||
            json_integer_value(v) > INT_MAX))
    return rd_error_set(err, RD_E_INVALID, "version", "version must be a positive integer");
  if (v)
    *version = (int)json_integer_value(v);
  return RD_OK;
}

/* ---- complaints ------------------------------------------------------------- */

static const struct field complaint_fields[] = {
  {"received_at", K_TIME, C(received_at), 0},
  {"subject", K_STRING, C(subject), 0},
  {"content", K_STRING, C(content), 0},
  {"demands", K_STRING, C(demands), 0},
  {"restatement", K_STRING, C(restatement), 0},
  {"restatement_confirmed", K_BOOL, C(restatement_confirmed), 0},
  {"external_ref", K_STRING, C(external_ref), 0},
  {"site_id", K_ID, C(site_id), 0},
  {"category_id", K_ID, C(category_id), 0},
  {"severity", K_LEVEL, C(severity), 0},
  {"anger", K_LEVEL, C(anger), 0},
};

static const struct field customer_fields[] = {
  {"name", K_STRING, offsetof(struct rd_customer, name), RD_P_CUSTOMER_NAME},
  {"phone", K_STRING, offsetof(struct rd_customer, phone), 0},
  {"email", K_STRING, offsetof(struct rd_customer, email), RD_P_CUSTOMER_EMAIL},
};

/* refs is the caller's own object (a plate, an order number): its keys are
 * free, so it is not checked. */
static const struct keys complaint_keys = {
  complaint_fields, N(complaint_fields),
  (const char *const[]){"channel", "customer", "tags", NULL}, NULL,
};
static const struct keys customer_keys = {
  customer_fields, N(customer_fields), (const char *const[]){"refs", NULL}, NULL,
};

enum rd_status
rd_json_read_complaint(const char *body, size_t len, struct rd_arena *a,
                       struct rd_complaint *out, struct rd_error *err)
{
  json_t *root = NULL, *v;
  enum rd_status st = load_object(body, len, false, &root, err);
  memset(out, 0, sizeof *out);
  out->satisfied = -1;
  if (st != RD_OK || (st = check_keys(root, NULL, &complaint_keys, err)) != RD_OK)
    goto out;
  if ((v = get(root, "customer")) && json_is_object(v) &&
      (st = check_keys(v, "customer", &customer_keys, err)) != RD_OK)
    goto out;

  if (!(v = get(root, "channel"))) {
    st = rd_error_set(err, RD_E_INVALID, "channel", "channel is required");
    goto out;
  }
  if (!json_is_string(v) || !rd_channel_parse(json_string_value(v), &out->channel)) {
    st = rd_error_set(err, RD_E_INVALID, "channel",
                      "channel must be one of phone, walk_in, web, email, letter, "
                      "social, regulator, internal, api");
    goto out;
  }
  if ((st = read_fields(root, NULL, complaint_fields, N(complaint_fields), out,
                        false, a, NULL, err)) != RD_OK)
    goto out;
  if ((v = get(root, "customer"))) {
    if (!json_is_object(v)) {
      st = rd_error_set(err, RD_E_INVALID, "customer", "customer must be an object");
      goto out;
    }
    if ((st = read_fields(v, "customer", customer_fields, N(customer_fields),
                          &out->customer, false, a, NULL, err)) != RD_OK)
      goto out;
    json_t *refs = get(v, "refs");
    if (refs && (st = as_object_text(refs, "customer.refs", a,
                                     &out->customer.refs_json, err)) != RD_OK)
      goto out;
  }
  if ((v = get(root, "tags")) && (st = as_tags(v, a, &out->tags_json, err)) != RD_OK)
    goto out;
out:
  json_decref(root);
  return st;
}

static const struct field patch_fields[] = {
  {"subject", K_STRING, C(subject), RD_P_SUBJECT},
  {"demands", K_STRING, C(demands), RD_P_DEMANDS},
  {"restatement", K_STRING, C(restatement), RD_P_RESTATEMENT},
  {"restatement_confirmed", K_BOOL, C(restatement_confirmed), RD_P_CONFIRMED},
  {"anger", K_LEVEL, C(anger), RD_P_ANGER},
  {"category_id", K_ID, C(category_id), RD_P_CATEGORY},
  {"severity", K_LEVEL, C(severity), RD_P_SEVERITY},
  {"site_id", K_ID, C(site_id), RD_P_SITE},
  {"external_ref", K_STRING, C(external_ref), RD_P_EXTERNAL_REF},
  {"received_at", K_TIME, C(received_at), RD_P_RECEIVED_AT},
};

/* version is the record's, for the conflict check (or If-Match). */
static const struct keys patch_keys = {
  patch_fields, N(patch_fields),
  (const char *const[]){"version", "tags", "customer", NULL}, NULL,
};

/* Keys a PATCH may not touch, with what to do instead. */
static const struct { const char *key, *why; } patch_refused[] = {
  {"status", RD_MSG("status changes only through actions")},
  {"number", RD_MSG("number cannot be changed")},
  {"channel", RD_MSG("channel cannot be changed")},
  {"content", RD_MSG("content is the customer's words and cannot be changed; add a note")},
};

enum rd_status
rd_json_read_patch(const char *body, size_t len, struct rd_arena *a,
                   struct rd_complaint_patch *out, int *version,
                   struct rd_error *err)
{
  json_t *root = NULL, *v;
  enum rd_status st = load_object(body, len, false, &root, err);
  memset(out, 0, sizeof *out);
  out->values.satisfied = -1;
  *version = 0;
  if (st != RD_OK)
    goto out;
  for (size_t i = 0; i < N(patch_refused); i++)
    if (json_object_get(root, patch_refused[i].key)) {
      st = rd_error_text(err, RD_E_INVALID, patch_refused[i].key, patch_refused[i].why);
      goto out;
    }
  if ((st = check_keys(root, NULL, &patch_keys, err)) != RD_OK ||
      (st = read_version(root, version, err)) != RD_OK)
    goto out;
  if ((v = get(root, "customer")) && json_is_object(v) &&
      !json_object_get(v, "phone") &&
      (st = check_keys(v, "customer", &customer_keys, err)) != RD_OK)
    goto out;
  if ((st = read_fields(root, NULL, patch_fields, N(patch_fields), &out->values,
                        true, a, &out->fields, err)) != RD_OK)
    goto out;
  if ((out->fields & RD_P_RECEIVED_AT) && !out->values.received_at) {
    st = rd_error_set(err, RD_E_INVALID, "received_at", "received_at cannot be cleared");
    goto out;
  }
  if ((v = json_object_get(root, "tags"))) {
    out->fields |= RD_P_TAGS;
    if (!json_is_null(v) && (st = as_tags(v, a, &out->values.tags_json, err)) != RD_OK)
      goto out;
  }
  if ((v = get(root, "customer"))) {
    if (!json_is_object(v)) {
      st = rd_error_set(err, RD_E_INVALID, "customer", "customer must be an object");
      goto out;
    }
    if (json_object_get(v, "phone")) {
      st = rd_error_set(err, RD_E_INVALID, "customer.phone",
                        "customer.phone identifies the customer and cannot be changed");
      goto out;
    }
    if ((st = read_fields(v, "customer", customer_fields, N(customer_fields),
                          &out->values.customer, true, a, &out->fields, err)) != RD_OK)
      goto out;
    json_t *refs = json_object_get(v, "refs");
    if (refs) {
      out->fields |= RD_P_CUSTOMER_REFS;
      if (!json_is_null(refs) &&
          (st = as_object_text(refs, "customer.refs", a,
                               &out->values.customer.refs_json, err)) != RD_OK)
        goto out;
    }
  }
  out->changes_json = rd_arena_strndup(a, body, len);
out:
  json_decref(root);
  return st;
}

/* ---- actions ------------------------------------------------------------------ */

#define A(m) offsetof(struct rd_action, m)
static const struct field action_fields[] = {
  {"valid", K_BOOL, A(valid), RD_F_VALID},
  {"category_id", K_ID, A(category_id), RD_F_CATEGORY},
  {"severity", K_LEVEL, A(severity), RD_F_SEVERITY},
  {"department_id", K_ID, A(department_id), RD_F_DEPARTMENT},
  {"assignee_id", K_ID, A(assignee_id), RD_F_ASSIGNEE},
  {"reason", K_STRING, A(reason), RD_F_REASON},
  {"note", K_STRING, A(note), RD_F_NOTE},
  {"method", K_STRING, A(method), RD_F_METHOD},
  {"description", K_STRING, A(description), RD_F_DESCRIPTION},
  {"result", K_STRING, A(result), RD_F_RESULT},
  {"reached", K_BOOL, A(reached), RD_F_REACHED},
  {"satisfied", K_BOOL, A(satisfied), RD_F_SATISFIED},
  {"score", K_INT, A(score), RD_F_SCORE},
  {"comment", K_STRING, A(comment), RD_F_COMMENT},
};

#define T(m) offsetof(struct rd_transfer_slip, m)
static const struct field transfer_fields[] = {
  {"to_party", K_STRING, T(to_party), 0},
  {"contact_person", K_STRING, T(contact_person), 0},
  {"contact_phone", K_STRING, T(contact_phone), 0},
  {"contact_address", K_STRING, T(contact_address), 0},
};

/* Every action's keys: a key of none is refused here as unknown; one of
 * another action is refused once read, by the workflow's list of what this
 * action takes (rd_workflow_fields), naming the action. */
static const struct keys action_keys = {
  action_fields, N(action_fields),
  (const char *const[]){"version", "transfer", "kind", "amount", "into", NULL}, NULL,
};
static const struct keys transfer_keys = { transfer_fields, N(transfer_fields), NULL, NULL };

enum rd_status
rd_json_read_action(const char *body, size_t len, struct rd_arena *a,
                    enum rd_action_kind kind, struct rd_action *out,
                    int *version, struct rd_error *err)
{
  json_t *root = NULL, *v;
  enum rd_status st = load_object(body, len, true, &root, err);
  memset(out, 0, sizeof *out);
  out->kind = kind;
  *version = 0;
  if (st != RD_OK)
    goto out;
  if ((st = check_keys(root, NULL, &action_keys, err)) != RD_OK ||
      (st = read_version(root, version, err)) != RD_OK ||
      (st = read_fields(root, NULL, action_fields, N(action_fields), out, false,
                        a, &out->fields, err)) != RD_OK)
    goto out;
  if ((v = get(root, "transfer"))) {
    if (!json_is_object(v)) {
      st = rd_error_set(err, RD_E_INVALID, "transfer", "transfer must be an object");
      goto out;
    }
    if ((st = check_keys(v, "transfer", &transfer_keys, err)) != RD_OK ||
        (st = read_fields(v, "transfer", transfer_fields, N(transfer_fields),
                          &out->transfer, false, a, NULL, err)) != RD_OK)
      goto out;
    out->fields |= RD_F_TRANSFER;
  }
  if ((v = get(root, "kind"))) {
    if (!json_is_string(v) || !rd_plan_kind_parse(json_string_value(v), &out->plan_kind)) {
      st = rd_error_set(err, RD_E_INVALID, "kind",
                        "kind must be one of apology, explanation, refund, redelivery, "
                        "repair, replacement, compensation, other");
      goto out;
    }
    out->fields |= RD_F_KIND;
  }
  if ((v = get(root, "amount"))) {
    if (!json_is_number(v) || !rd_http_yuan_to_fen(json_number_value(v), &out->amount_fen)) {
      st = rd_error_set(err, RD_E_INVALID, "amount",
                        "amount must be a non-negative number of yuan with at most 2 decimals");
      goto out;
    }
    out->fields |= RD_F_AMOUNT;
  }
  if ((v = get(root, "into"))) {
    if (json_is_integer(v) && json_integer_value(v) > 0)
      out->into = rd_arena_sprintf(a, "%lld", (long long)json_integer_value(v));
    else if (json_is_string(v) && json_string_length(v) > 0)
      out->into = rd_arena_strdup(a, json_string_value(v));
    else {
      st = rd_error_set(err, RD_E_INVALID, "into", "into must be a complaint id or number");
      goto out;
    }
    out->fields |= RD_F_INTO;
  }
  unsigned foreign = out->fields & ~rd_workflow_fields(kind);
  if (foreign) {
    const char *name = rd_action_field_name(foreign);
    st = rd_error_set(err, RD_E_INVALID, name, "%s is not a field of the %s action",
                      name, rd_action_name(kind));
  }
out:
  json_decref(root);
  return st;
}

/* ---- small bodies -------------------------------------------------------------- */

/* A required string key of root. */
static enum rd_status
required_string(json_t *root, const char *key, struct rd_arena *a,
                const char **out, struct rd_error *err)
{
  json_t *v = get(root, key);
  if (!v)
    return rd_error_set(err, RD_E_INVALID, key, "%s is required", key);
  return as_string(v, key, a, out, err);
}

enum rd_status
rd_json_read_login(const char *body, size_t len, struct rd_arena *a,
                   const char **username, const char **password,
                   struct rd_error *err)
{
  json_t *root = NULL;
  enum rd_status st = load_object(body, len, false, &root, err);
  if (st == RD_OK && (st = check_keys(root, NULL, ONLY("username", "password"), err)) == RD_OK &&
      (st = required_string(root, "username", a, username, err)) == RD_OK)
    st = required_string(root, "password", a, password, err);
  json_decref(root);
  return st;
}

enum rd_status
rd_json_read_note(const char *body, size_t len, struct rd_arena *a,
                  const char **note, struct rd_error *err)
{
  json_t *root = NULL;
  enum rd_status st = load_object(body, len, false, &root, err);
  if (st == RD_OK && (st = check_keys(root, NULL, ONLY("note"), err)) == RD_OK)
    st = required_string(root, "note", a, note, err);
  json_decref(root);
  return st;
}

enum rd_status
rd_json_read_strings(const char *body, size_t len, bool empty_ok,
                     struct rd_arena *a, const char *const *keys,
                     const char **out, size_t n, struct rd_error *err)
{
  json_t *root = NULL, *v;
  enum rd_status st = load_object(body, len, empty_ok, &root, err);
  const char **known = rd_arena_alloc(a, (n + 1) * sizeof *known);
  memcpy(known, keys, n * sizeof *known);
  known[n] = NULL;
  if (st == RD_OK)
    st = check_keys(root, NULL, &(const struct keys){ .more = known }, err);
  for (size_t i = 0; i < n; i++) {
    out[i] = NULL;
    if (st == RD_OK && (v = get(root, keys[i])))
      st = as_string(v, keys[i], a, &out[i], err);
  }
  json_decref(root);
  return st;
}

enum rd_status
rd_json_read_token(const char *body, size_t len, struct rd_arena *a,
                   const char **name, int64_t *user_id, struct rd_error *err)
{
  json_t *root = NULL, *v;
  enum rd_status st = load_object(body, len, false, &root, err);
  *user_id = 0;
  if (st == RD_OK && (st = check_keys(root, NULL, ONLY("name", "user_id"), err)) == RD_OK &&
      (st = required_string(root, "name", a, name, err)) == RD_OK &&
      (v = get(root, "user_id")))
    st = as_id(v, "user_id", user_id, err);
  json_decref(root);
  return st;
}

/* ---- organisation ---------------------------------------------------------------- */

/* Loads body, checks its keys against k and reads k's field table into base
 * (absent keys keep their value). */
static enum rd_status
read_record(const char *body, size_t len, const struct keys *k, void *base,
            struct rd_arena *a, json_t **root, struct rd_error *err)
{
  enum rd_status st = load_object(body, len, false, root, err);
  if (st == RD_OK && (st = check_keys(*root, NULL, k, err)) == RD_OK)
    st = read_fields(*root, NULL, k->fields, k->n_fields, base, true, a, NULL, err);
  return st;
}

/* What GET shows of an organisation record but a body cannot change. */
static const char *const only_id[] = {"id", NULL};

#define D(m) offsetof(struct rd_department, m)
static const struct field department_fields[] = {
  {"code", K_STRING, D(code), 0},
  {"name", K_STRING, D(name), 0},
  {"active", K_BOOL, D(active), 0},
};
static const struct keys department_keys = {
  department_fields, N(department_fields), NULL, only_id,
};

enum rd_status
rd_json_read_department(const char *body, size_t len, struct rd_arena *a,
                        struct rd_department *inout, struct rd_error *err)
{
  json_t *root = NULL;
  enum rd_status st = read_record(body, len, &department_keys, inout, a, &root, err);
  json_decref(root);
  return st;
}

#define S(m) offsetof(struct rd_site, m)
static const struct field site_fields[] = {
  {"code", K_STRING, S(code), 0},
  {"name", K_STRING, S(name), 0},
  {"calendar_id", K_ID, S(calendar_id), 0},
  {"active", K_BOOL, S(active), 0},
};
static const struct keys site_keys = { site_fields, N(site_fields), NULL, only_id };

enum rd_status
rd_json_read_site(const char *body, size_t len, struct rd_arena *a,
                  struct rd_site *inout, struct rd_error *err)
{
  json_t *root = NULL;
  enum rd_status st = read_record(body, len, &site_keys, inout, a, &root, err);
  json_decref(root);
  return st;
}

#define G(m) offsetof(struct rd_category, m)
static const struct field category_fields[] = {
  {"name", K_STRING, G(name), 0},
  {"parent_id", K_ID, G(parent_id), 0},
  {"active", K_BOOL, G(active), 0},
};
/* level follows from the parent chain. */
static const struct keys category_keys = {
  category_fields, N(category_fields), NULL, (const char *const[]){"id", "level", NULL},
};

enum rd_status
rd_json_read_category(const char *body, size_t len, struct rd_arena *a,
                      struct rd_category *inout, struct rd_error *err)
{
  json_t *root = NULL;
  enum rd_status st = read_record(body, len, &category_keys, inout, a, &root, err);
  json_decref(root);
  return st;
}

#define U(m) offsetof(struct rd_user, m)
static const struct field user_fields[] = {
  {"username", K_STRING, U(username), 0},
  {"display_name", K_STRING, U(display_name), 0},
  {"department_id", K_ID, U(department_id), 0},
  {"locale", K_STRING, U(locale), 0},
  {"active", K_BOOL, U(active), 0},
};
static const struct keys user_keys = {
  user_fields, N(user_fields), (const char *const[]){"role", "password", NULL}, only_id,
};

enum rd_status
rd_json_read_user(const char *body, size_t len, struct rd_arena *a,
                  struct rd_user *inout, const char **password,
                  struct rd_error *err)
{
  json_t *root = NULL, *v;
  *password = NULL;
  enum rd_status st = read_record(body, len, &user_keys, inout, a, &root, err);
  if (st != RD_OK)
    goto out;
  if ((v = get(root, "role")) &&
      (!json_is_string(v) || !rd_role_parse(json_string_value(v), &inout->role))) {
    st = rd_error_set(err, RD_E_INVALID, "role",
                      "role must be one of agent, handler, manager, approver, "
                      "analyst, admin, auditor");
    goto out;
  }
  if ((v = get(root, "password")))
    st = as_string(v, "password", a, password, err);
out:
  json_decref(root);
  return st;
}

/* ---- SLA policies ------------------------------------------------------------------ */

/* Calls add(value) for v itself, or for each element when v is an array. */
typedef enum rd_status (*match_add_fn)(json_t *v, const char *field,
                                       struct rd_sla_policy *p,
                                       struct rd_error *err);

static enum rd_status
add_severity(json_t *v, const char *field, struct rd_sla_policy *p,
             struct rd_error *err)
{
  if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 5)
    return rd_error_set(err, RD_E_INVALID, field, "%s values must be integers 1 to 5", field);
  p->severity_mask |= 1u << json_integer_value(v);
  return RD_OK;
}

static enum rd_status
add_channel(json_t *v, const char *field, struct rd_sla_policy *p,
            struct rd_error *err)
{
  enum rd_channel c;
  if (!json_is_string(v) || !rd_channel_parse(json_string_value(v), &c))
    return rd_error_set(err, RD_E_INVALID, field, "%s values must be channel names", field);
  p->channel_mask |= 1u << c;
  return RD_OK;
}

static enum rd_status
add_id(json_t *v, const char *field, int64_t *ids, size_t *n,
       struct rd_error *err)
{
  int64_t id = 0;
  if (as_id(v, field, &id, err) != RD_OK)
    return err->code;
  if (*n == RD_POLICY_MATCH_MAX)
    return rd_error_set(err, RD_E_INVALID, field, "%s takes at most %d ids", field,
                        RD_POLICY_MATCH_MAX);
  ids[(*n)++] = id;
  return RD_OK;
}

static enum rd_status
add_category(json_t *v, const char *field, struct rd_sla_policy *p,
             struct rd_error *err)
{
  return add_id(v, field, p->category_ids, &p->n_categories, err);
}

static enum rd_status
add_site(json_t *v, const char *field, struct rd_sla_policy *p,
         struct rd_error *err)
{
  return add_id(v, field, p->site_ids, &p->n_sites, err);
}

static const struct { const char *key; match_add_fn add; } match_keys[] = {
  {"severity", add_severity},
  {"channel", add_channel},
  {"category_id", add_category},
  {"site_id", add_site},
};

static enum rd_status
read_match(json_t *m, struct rd_sla_policy *p, struct rd_error *err)
{
  char name[64];
  if (!json_is_object(m))
    return rd_error_set(err, RD_E_INVALID, "match", "match must be an object");
  if (check_keys(m, "match",
                 ONLY("severity", "channel", "category_id", "site_id"), err) != RD_OK)
    return err->code;
  p->severity_mask = p->channel_mask = 0;
  p->n_categories = p->n_sites = 0;
  for (size_t k = 0; k < N(match_keys); k++) {
    json_t *v = get(m, match_keys[k].key), *e;
    const char *field = field_name(name, sizeof name, "match", match_keys[k].key);
    size_t i;
    if (!v)
      continue;
    if (!json_is_array(v)) {
      if (match_keys[k].add(v, field, p, err) != RD_OK)
        return err->code;
      continue;
    }
    json_array_foreach(v, i, e)
      if (match_keys[k].add(e, field, p, err) != RD_OK)
        return err->code;
  }
  return RD_OK;
}

static enum rd_status
read_approval(json_t *o, struct rd_sla_policy *p, struct rd_error *err)
{
  json_t *v;
  if (!json_is_object(o))
    return rd_error_set(err, RD_E_INVALID, "approval", "approval must be an object");
  if (check_keys(o, "approval", ONLY("always", "severity_at_least", "amount_over"),
                 err) != RD_OK)
    return err->code;
  if ((v = get(o, "always")) && as_bool(v, "approval.always", &p->approval.always, err) != RD_OK)
    return err->code;
  if ((v = json_object_get(o, "severity_at_least"))) {
    p->approval.severity_at_least = 0;
    if (!json_is_null(v) &&
        as_int(v, "approval.severity_at_least", &p->approval.severity_at_least, err) != RD_OK)
      return err->code;
  }
  if ((v = json_object_get(o, "amount_over"))) {
    p->approval.has_amount_over = !json_is_null(v);
    if (p->approval.has_amount_over &&
        (!json_is_number(v) ||
         !rd_http_yuan_to_fen(json_number_value(v), &p->approval.amount_over_fen)))
      return rd_error_set(err, RD_E_INVALID, "approval.amount_over",
                          "approval.amount_over must be a non-negative number of yuan "
                          "with at most 2 decimals");
  }
  return RD_OK;
}

#define P(m) offsetof(struct rd_sla_policy, m)
static const struct field policy_fields[] = {
  {"name", K_STRING, P(name), 0},
  {"priority", K_INT, P(priority), 0},
  {"calendar_id", K_ID, P(calendar_id), 0},
};
static const struct keys policy_keys = {
  policy_fields, N(policy_fields),
  (const char *const[]){"match", "approval", "clocks", NULL}, only_id,
};

/* The keys of each clock of "clocks" and of each of its escalation steps.
 * The service parses clocks (service/sla.c) and says which keys they have;
 * a value that is not an object is left for it to refuse. */
static enum rd_status
check_clock_keys(json_t *clocks, struct rd_error *err)
{
  static const struct keys clock_keys = { .more = rd_policy_clock_keys };
  static const struct keys step_keys = { .more = rd_policy_step_keys };
  char prefix[64];   /* "clocks[N].escalate[M]" with two 20-digit numbers */
  size_t i, j;
  json_t *clock, *steps, *step;

  json_array_foreach(clocks, i, clock) {
    if (!json_is_object(clock))
      continue;
    snprintf(prefix, sizeof prefix, "clocks[%zu]", i);
    if (check_keys(clock, prefix, &clock_keys, err) != RD_OK)
      return err->code;
    if (!json_is_array(steps = json_object_get(clock, "escalate")))
      continue;
    json_array_foreach(steps, j, step) {
      snprintf(prefix, sizeof prefix, "clocks[%zu].escalate[%zu]", i, j);
      if (json_is_object(step) && check_keys(step, prefix, &step_keys, err) != RD_OK)
        return err->code;
    }
  }
  return RD_OK;
}

enum rd_status
rd_json_read_policy(const char *body, size_t len, struct rd_arena *a,
                    struct rd_sla_policy *inout, struct rd_error *err)
{
  json_t *root = NULL, *v;
  enum rd_status st = read_record(body, len, &policy_keys, inout, a, &root, err);
  if (st != RD_OK)
    goto out;
  if ((v = json_object_get(root, "match"))) {
    if (json_is_null(v)) {
      inout->severity_mask = inout->channel_mask = 0;
      inout->n_categories = inout->n_sites = 0;
    } else if ((st = read_match(v, inout, err)) != RD_OK) {
      goto out;
    }
  }
  if ((v = get(root, "approval")) && (st = read_approval(v, inout, err)) != RD_OK)
    goto out;
  if ((v = json_object_get(root, "clocks"))) {
    if (json_is_null(v)) {
      inout->clocks_json = "[]";
    } else if (!json_is_array(v)) {
      st = rd_error_set(err, RD_E_INVALID, "clocks", "clocks must be an array");
      goto out;
    } else {
      if ((st = check_clock_keys(v, err)) != RD_OK)
        goto out;
      inout->clocks_json = dump(v, a);
    }
  }
out:
  json_decref(root);
  return st;
}

/* ---- calendars ---------------------------------------------------------------------- */

static const char *const week_keys[8] = { "mon", "tue", "wed", "thu", "fri",
                                          "sat", "sun", NULL };

/* GET shows working_day_minutes (derived) and version, which PUT does not
 * check: a calendar is replaced whole by whoever saves last. */
static const struct keys calendar_keys = {
  .more = (const char *const[]){"name", "timezone", "week", "workday_hours",
                                "holidays", "workdays", NULL},
  .ignored = (const char *const[]){"id", "working_day_minutes", "version", NULL},
};

/* "HH:MM" to minutes after midnight; "24:00" only as an end. */
static bool
parse_hhmm(json_t *v, bool end, int *out)
{
  const char *s;
  if (!json_is_string(v) || json_string_length(v) != 5)
    return false;
  s = json_string_value(v);
  if (s[0] < '0' || s[0] > '2' || s[1] < '0' || s[1] > '9' || s[2] != ':' ||
      s[3] < '0' || s[3] > '5' || s[4] < '0' || s[4] > '9')
    return false;
  int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 24 || (h == 24 && (m != 0 || !end)))
    return false;
  *out = h * 60 + m;
  return true;
}

/* [["09:00","12:00"],["13:30","18:00"]] into h; order and overlap are
 * core/calendar's to judge. */
static enum rd_status
read_day_hours(json_t *v, const char *field, struct rd_day_hours *h,
               struct rd_error *err)
{
  size_t i;
  json_t *pair;

  if (!json_is_array(v))
    return rd_error_set(err, RD_E_INVALID, field,
                        "%s must be a list of [\"HH:MM\", \"HH:MM\"] intervals", field);
  if (json_array_size(v) > RD_DAY_INTERVALS_MAX)
    return rd_error_set(err, RD_E_INVALID, field,
                        "%s takes at most %d intervals", field, RD_DAY_INTERVALS_MAX);
  h->n = 0;
  json_array_foreach(v, i, pair) {
    struct rd_work_interval *iv = &h->iv[h->n];
    if (!json_is_array(pair) || json_array_size(pair) != 2 ||
        !parse_hhmm(json_array_get(pair, 0), false, &iv->start_min) ||
        !parse_hhmm(json_array_get(pair, 1), true, &iv->end_min))
      return rd_error_set(err, RD_E_INVALID, field,
                          "%s interval %zu must be [\"HH:MM\", \"HH:MM\"] "
                          "(00:00 to 24:00)", field, i + 1);
    h->n++;
  }
  return RD_OK;
}

static int
cmp_int32(const void *a, const void *b)
{
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return (x > y) - (x < y);
}

/* ["2026-10-01", ...] into a sorted list without repeats. */
static enum rd_status
read_date_list(json_t *v, const char *field, struct rd_arena *a,
               const int32_t **out, size_t *n, struct rd_error *err)
{
  size_t i, k = 0;
  json_t *e;
  int32_t *d;

  if (!json_is_array(v))
    return rd_error_set(err, RD_E_INVALID, field,
                        "%s must be a list of dates such as \"2026-10-01\"", field);
  if (json_array_size(v) > RD_CALENDAR_DATES_MAX)
    return rd_error_set(err, RD_E_INVALID, field, "%s takes at most %d dates",
                        field, RD_CALENDAR_DATES_MAX);
  d = rd_arena_alloc(a, (json_array_size(v) + 1) * sizeof *d);
  json_array_foreach(v, i, e) {
    int64_t day;
    if (!json_is_string(e) ||
        rd_date_parse(json_string_value(e), &day, field, err) != RD_OK)
      return rd_error_set(err, RD_E_INVALID, field,
                          "%s item %zu must be a date such as \"2026-10-01\"",
                          field, i + 1);
    d[i] = (int32_t)day;
  }
  qsort(d, json_array_size(v), sizeof *d, cmp_int32);
  for (i = 0; i < json_array_size(v); i++)
    if (k == 0 || d[i] != d[k - 1])
      d[k++] = d[i];
  *out = d;
  *n = k;
  return RD_OK;
}

enum rd_status
rd_json_read_calendar(const char *body, size_t len, struct rd_arena *a,
                      struct rd_calendar *inout, struct rd_error *err)
{
  json_t *root = NULL, *v;
  char name[64];
  enum rd_status st = load_object(body, len, false, &root, err);

  if (st != RD_OK || (st = check_keys(root, NULL, &calendar_keys, err)) != RD_OK)
    goto out;
  if ((v = get(root, "name")) && (st = as_string(v, "name", a, &inout->name, err)))
    goto out;
  if ((v = get(root, "timezone")) &&
      (st = as_string(v, "timezone", a, &inout->timezone, err)))
    goto out;
  if ((v = get(root, "week"))) {
    if (!json_is_object(v)) {
      st = rd_error_set(err, RD_E_INVALID, "week",
                        "week must be an object with mon ... sun");
      goto out;
    }
    if ((st = check_keys(v, "week", &(const struct keys){ .more = week_keys }, err)))
      goto out;
    /* A day left out of the week has no working hours. */
    for (size_t d = 0; d < 7; d++) {
      json_t *hours = get(v, week_keys[d]);
      inout->week[d].n = 0;
      if (hours && (st = read_day_hours(hours, field_name(name, sizeof name, "week",
                                                          week_keys[d]),
                                        &inout->week[d], err)))
        goto out;
    }
  }
  if ((v = json_object_get(root, "workday_hours"))) {
    inout->workday_hours.n = 0;
    if (!json_is_null(v) &&
        (st = read_day_hours(v, "workday_hours", &inout->workday_hours, err)))
      goto out;
  }
  if ((v = json_object_get(root, "holidays"))) {
    inout->n_holidays = 0;
    if (!json_is_null(v) &&
        (st = read_date_list(v, "holidays", a, &inout->holidays,
                             &inout->n_holidays, err)))
      goto out;
  }
  if ((v = json_object_get(root, "workdays"))) {
    inout->n_workdays = 0;
    if (!json_is_null(v) &&
        (st = read_date_list(v, "workdays", a, &inout->workdays,
                             &inout->n_workdays, err)))
      goto out;
  }
out:
  json_decref(root);
  return st;
}

enum rd_status
rd_json_read_due(const char *body, size_t len, struct rd_arena *a,
                 int64_t *from, const char **target, struct rd_error *err)
{
  json_t *root = NULL, *v;
  enum rd_status st = load_object(body, len, false, &root, err);

  if (st != RD_OK || (st = check_keys(root, NULL, ONLY("from", "target"), err)))
    goto out;
  if (!(v = get(root, "from"))) {
    st = rd_error_set(err, RD_E_INVALID, "from", "from is required");
    goto out;
  }
  if ((st = as_time(v, "from", from, err)))
    goto out;
  if (!(v = get(root, "target"))) {
    st = rd_error_set(err, RD_E_INVALID, "target", "target is required");
    goto out;
  }
  st = as_string(v, "target", a, target, err);
out:
  json_decref(root);
  return st;
}

enum rd_status
rd_json_read_elapsed(const char *body, size_t len, int64_t *from, int64_t *to,
                     struct rd_error *err)
{
  static const char *const keys[2] = { "from", "to" };
  int64_t *dst[2] = { from, to };
  json_t *root = NULL, *v;
  enum rd_status st = load_object(body, len, false, &root, err);

  if (st == RD_OK)
    st = check_keys(root, NULL, ONLY("from", "to"), err);
  for (int i = 0; i < 2 && st == RD_OK; i++) {
    if (!(v = get(root, keys[i])))
      st = rd_error_set(err, RD_E_INVALID, keys[i], "%s is required", keys[i]);
    else
      st = as_time(v, keys[i], dst[i], err);
  }
  json_decref(root);
  return st;
}

/* ---- the public portal ---------------------------------------------------------------- */

enum rd_status
rd_json_read_survey_answer(const char *body, size_t len, struct rd_arena *a,
                           struct rd_survey_answer *out, struct rd_error *err)
{
  json_t *root = NULL, *v;
  enum rd_status st = load_object(body, len, false, &root, err);
  memset(out, 0, sizeof *out);
  if (st == RD_OK)
    st = check_keys(root, NULL, ONLY("satisfied", "score", "comment"), err);
  if (st == RD_OK && (v = get(root, "satisfied"))) {
    out->has_satisfied = true;
    st = as_bool(v, "satisfied", &out->satisfied, err);
  }
  if (st == RD_OK && (v = get(root, "score"))) {
    out->has_score = true;
    st = as_int(v, "score", &out->score, err);
  }
  if (st == RD_OK && (v = get(root, "comment")))
    st = as_string(v, "comment", a, &out->comment, err);
  json_decref(root);
  return st;
}
