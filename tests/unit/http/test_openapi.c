/* Unit tests of http/openapi: the generated document is valid JSON, names
 * OpenAPI 3.1, and lists every route of the table under its path with its
 * method, path parameters and security (public routes have none). */
#include "../../testing.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "http/openapi.h"
#include "http/routes.h"

static json_t *
load_document(void)
{
  size_t len;
  char *text = rd_openapi_render(&len);
  assert_non_null(text);
  assert_int_equal(len, strlen(text));
  json_error_t jerr;
  json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
  free(text);
  assert_non_null(doc);
  return doc;
}

static void
lower(const char *in, char *out, size_t size)
{
  size_t i = 0;
  for (; in[i] && i + 1 < size; i++)
    out[i] = (char)(in[i] >= 'A' && in[i] <= 'Z' ? in[i] - 'A' + 'a' : in[i]);
  out[i] = '\0';
}

static void
test_document_header(void **state)
{
  json_t *doc = load_document();
  assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
  json_t *schemes = json_object_get(json_object_get(doc, "components"), "securitySchemes");
  assert_non_null(json_object_get(schemes, "cookie"));
  assert_non_null(json_object_get(schemes, "bearer"));
  assert_string_equal(json_string_value(json_object_get(
                          json_object_get(schemes, "cookie"), "name")),
                      "redress_session");
  json_decref(doc);
}

static void
test_every_route_has_its_operation(void **state)
{
  size_t n;
  const struct rd_route *routes = rd_routes(&n);
  json_t *doc = load_document();
  json_t *paths = json_object_get(doc, "paths");
  assert_true(n >= 40);
  for (size_t i = 0; i < n; i++) {
    char method[16];
    lower(routes[i].method, method, sizeof method);
    json_t *item = json_object_get(paths, routes[i].pattern);
    if (!item)
      fail_msg("path %s missing from the document", routes[i].pattern);
    json_t *op = json_object_get(item, method);
    if (!op)
      fail_msg("%s %s missing from the document", routes[i].method, routes[i].pattern);
    assert_string_equal(json_string_value(json_object_get(op, "summary")),
                        routes[i].summary);
    char code[8];
    snprintf(code, sizeof code, "%u", routes[i].success);
    assert_non_null(json_object_get(json_object_get(op, "responses"), code));
    /* Public routes opt out of the global security requirement. */
    json_t *security = json_object_get(op, "security");
    if (routes[i].auth == RD_AUTH_NONE)
      assert_true(json_is_array(security) && json_array_size(security) == 0);
    else
      assert_null(security);
  }
  json_decref(doc);
}

/* Each {param} of a pattern is a required path parameter of its operation. */
static void
test_path_parameters_declared(void **state)
{
  size_t n;
  const struct rd_route *routes = rd_routes(&n);
  json_t *doc = load_document();
  json_t *paths = json_object_get(doc, "paths");
  for (size_t i = 0; i < n; i++) {
    char method[16];
    lower(routes[i].method, method, sizeof method);
    json_t *params = json_object_get(
        json_object_get(json_object_get(paths, routes[i].pattern), method), "parameters");
    for (const char *p = strchr(routes[i].pattern, '{'); p; p = strchr(p + 1, '{')) {
      size_t len = (size_t)(strchr(p, '}') - p - 1);
      bool found = false;
      size_t k;
      json_t *param;
      json_array_foreach(params, k, param) {
        const char *name = json_string_value(json_object_get(param, "name"));
        const char *in = json_string_value(json_object_get(param, "in"));
        if (strlen(name) == len && strncmp(name, p + 1, len) == 0 &&
            strcmp(in, "path") == 0 && json_is_true(json_object_get(param, "required")))
          found = true;
      }
      if (!found)
        fail_msg("%s %s does not declare {%.*s}", routes[i].method,
                 routes[i].pattern, (int)len, p + 1);
    }
  }
  json_decref(doc);
}

/* Every $ref points at a schema that exists. */
static void
check_refs(json_t *node, json_t *schemas)
{
  const char *key;
  json_t *v;
  size_t i;
  if (json_is_object(node)) {
    json_object_foreach(node, key, v) {
      if (strcmp(key, "$ref") == 0) {
        const char *target = json_string_value(v);
        const char *prefix = "#/components/schemas/";
        assert_true(strncmp(target, prefix, strlen(prefix)) == 0);
        if (!json_object_get(schemas, target + strlen(prefix)))
          fail_msg("dangling $ref %s", target);
      } else {
        check_refs(v, schemas);
      }
    }
  } else if (json_is_array(node)) {
    json_array_foreach(node, i, v)
      check_refs(v, schemas);
  }
}

static void
test_refs_resolve(void **state)
{
  json_t *doc = load_document();
  json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");
  assert_non_null(json_object_get(schemas, "Complaint"));
  assert_non_null(json_object_get(schemas, "Problem"));
  check_refs(doc, schemas);
  json_decref(doc);
}

/* The table itself: no two routes share a method and pattern. */
static void
test_routes_unique(void **state)
{
  size_t n;
  const struct rd_route *routes = rd_routes(&n);
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++)
      if (strcmp(routes[i].method, routes[j].method) == 0 &&
          strcmp(routes[i].pattern, routes[j].pattern) == 0)
        fail_msg("duplicate route %s %s", routes[i].method, routes[i].pattern);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_document_header),
    cmocka_unit_test(test_every_route_has_its_operation),
    cmocka_unit_test(test_path_parameters_declared),
    cmocka_unit_test(test_refs_resolve),
    cmocka_unit_test(test_routes_unique),
};

RD_TEST_MAIN("http/openapi", tests)
