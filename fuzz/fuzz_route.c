/* fuzz/fuzz_route.c - matching a request's method and path to the route
 * table, and the path parameters it takes out.
 *
 * Input: the method, a newline, the decoded path. Invariants: a found
 * route has the method asked (HEAD as GET), at most RD_ROUTE_MAX_PARAMS
 * parameters, each non-empty and without '/', and putting the parameters
 * back into the route's pattern gives the path again; 405 lists methods
 * and never the one asked; id parameters go through rd_http_parse_id as
 * the handlers do (h_common.c).
 */
#include "fuzz_common.h"

#include "http/routes.h"

/* pattern with each {name} replaced by the matching parameter value. */
static char *
fill_pattern(struct rd_arena *a, const char *pattern, const struct rd_request *req)
{
  size_t k = 0;
  char *out = rd_arena_strdup(a, "");
  for (const char *p = pattern; *p;) {
    if (*p == '{') {
      const char *close = strchr(p, '}');
      FUZZ_CHECK(close != NULL && k < req->n_params);
      FUZZ_CHECK(strlen(req->param_names[k]) == (size_t)(close - p - 1));
      FUZZ_CHECK(strncmp(req->param_names[k], p + 1, (size_t)(close - p - 1)) == 0);
      out = rd_arena_sprintf(a, "%s%s", out, req->param_values[k++]);
      p = close + 1;
    } else {
      out = rd_arena_sprintf(a, "%s%c", out, *p++);
    }
  }
  FUZZ_CHECK(k == req->n_params);
  return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct rd_arena *a = rd_arena_new();
  struct rd_request req = {.arena = a, .route = -1};
  const char *method = fuzz_line(a, &data, &size);
  const char *path = fuzz_text(a, data, size);
  int index = -2;
  const char *allow = NULL;
  size_t n_routes;
  const struct rd_route *routes = rd_routes(&n_routes);

  switch (rd_route_match(&req, method, path, &index, &allow)) {
  case RD_ROUTE_FOUND: {
    FUZZ_CHECK(index >= 0 && (size_t)index < n_routes);
    const struct rd_route *r = &routes[index];
    FUZZ_CHECK(strcmp(r->method, method) == 0 ||
               (strcmp(method, "HEAD") == 0 && strcmp(r->method, "GET") == 0));
    FUZZ_CHECK(req.n_params <= RD_ROUTE_MAX_PARAMS);
    for (size_t k = 0; k < req.n_params; k++) {
      FUZZ_CHECK(req.param_values[k][0] != '\0');
      FUZZ_CHECK(strchr(req.param_values[k], '/') == NULL);
      int64_t id;
      if (strcmp(req.param_names[k], "id") == 0 &&
          rd_http_parse_id(req.param_values[k], &id))
        FUZZ_CHECK(id > 0);
    }
    FUZZ_CHECK(strcmp(fill_pattern(a, r->pattern, &req), path) == 0);
    break;
  }
  case RD_ROUTE_NO_METHOD:
    FUZZ_CHECK(index == -1);
    FUZZ_CHECK(allow != NULL && allow[0] != '\0');
    /* Whatever was asked is not among what is allowed. */
    if (method[0] && strcmp(method, "HEAD") != 0) {
      char *list = rd_arena_sprintf(a, ", %s,", allow);
      char *item = rd_arena_sprintf(a, " %s,", method);
      FUZZ_CHECK(strstr(list, item) == NULL);
    }
    break;
  case RD_ROUTE_NO_PATH:
    FUZZ_CHECK(index == -1);
    break;
  default:
    FUZZ_CHECK(!"unknown match result");
  }
  rd_arena_free(a);
  return 0;
}
