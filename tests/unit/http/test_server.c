/* Tests of http/server over a real socket: a server on port 0 with a fresh
 * SQLite store answers version/health, 404 and 405 (with Allow), refuses
 * oversized bodies with 413, requires credentials (401), enforces CSRF on
 * cookie sessions (403), accepts bearer tokens, and throttles failed logins
 * with 429 and Retry-After. */
#include "../../testing.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/server.h"
#include "service/service.h"
#include "store/store.h"

struct fixture {
  char dir[64];
  char path[96];
  struct rd_store *st;
  struct rd_service *svc;
  struct rd_http *http;
  unsigned port;
};

static int
setup(void **state)
{
  struct fixture *f = calloc(1, sizeof *f);
  struct rd_error err = {0};
  snprintf(f->dir, sizeof f->dir, "/tmp/rd-http-test-XXXXXX");
  if (!mkdtemp(f->dir))
    return -1;
  snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
  if (rd_store_open(f->path, &f->st, &err) != RD_OK ||
      rd_store_migrate(f->st, NULL, &err) != RD_OK)
    return -1;
  f->svc = rd_service_new(f->st, NULL);
  struct rd_user u = {.username = "boss", .display_name = "Boss",
                      .role = RD_ROLE_ADMIN, .locale = "en", .active = true};
  if (rd_service_user_save(f->svc, &RD_PRINCIPAL_SYSTEM, &u, "correct horse", &err) != RD_OK)
    return -1;
  struct rd_http_options opt = {.listen = "127.0.0.1:0", .json_body_max_bytes = 4096};
  if (rd_http_start(f->svc, &opt, &f->http, &err) != RD_OK)
    return -1;
  f->port = rd_http_port(f->http);
  *state = f;
  return 0;
}

static int
teardown(void **state)
{
  struct fixture *f = *state;
  char cmd[160];
  rd_http_stop(f->http);
  rd_service_free(f->svc);
  rd_store_close(f->st);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
  if (system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", f->dir);
  free(f);
  return 0;
}

/* Sends one request (Connection: close) and returns the whole response
 * (malloc'd); *status gets the status code. */
static char *
http(struct fixture *f, const char *method, const char *path,
     const char *headers, const char *body, int *status)
{
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)f->port)};
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  size_t body_len = body ? strlen(body) : 0;
  size_t cap = 1024 + body_len + (headers ? strlen(headers) : 0);
  char *req = malloc(cap);
  int n = snprintf(req, cap,
                   "%s %s HTTP/1.1\r\nHost: test\r\nConnection: close\r\n%s"
                   "Content-Length: %zu\r\n\r\n%s",
                   method, path, headers ? headers : "", body_len, body ? body : "");
  /* The server may refuse before the body is sent and close: ignore EPIPE. */
  ssize_t sent = send(fd, req, (size_t)n, MSG_NOSIGNAL);
  (void)sent;
  free(req);
  size_t len = 0, size = 4096;
  char *resp = malloc(size);
  for (;;) {
    if (size - len < 1024)
      resp = realloc(resp, size *= 2);
    ssize_t got = recv(fd, resp + len, size - len - 1, 0);
    if (got <= 0)
      break;
    len += (size_t)got;
  }
  resp[len] = '\0';
  close(fd);
  *status = 0;
  sscanf(resp, "HTTP/1.1 %d", status);
  return resp;
}

/* The value of header name in resp (first line of it), copied into out. */
static bool
header(const char *resp, const char *name, char *out, size_t size)
{
  char key[64];
  snprintf(key, sizeof key, "\r\n%s: ", name);
  const char *p = strcasestr(resp, key);
  if (!p)
    return false;
  p += strlen(key);
  size_t n = strcspn(p, "\r");
  snprintf(out, size, "%.*s", (int)n, p);
  return true;
}

static void
test_public_routes(void **state)
{
  struct fixture *f = *state;
  int status;
  char value[128];
  char *r = http(f, "GET", "/api/v1/version", NULL, NULL, &status);
  assert_int_equal(status, 200);
  assert_non_null(strstr(r, "{\"name\":\"redress\",\"version\":\"0.1.0\"}"));
  assert_true(header(r, "Cache-Control", value, sizeof value));
  assert_string_equal(value, "no-store");
  assert_true(header(r, "X-Content-Type-Options", value, sizeof value));
  assert_string_equal(value, "nosniff");
  free(r);

  r = http(f, "GET", "/healthz", NULL, NULL, &status);
  assert_int_equal(status, 200);
  assert_non_null(strstr(r, "{\"status\":\"ok\"}"));
  free(r);

  r = http(f, "GET", "/api/v1/openapi.json", NULL, NULL, &status);
  assert_int_equal(status, 200);
  assert_non_null(strstr(r, "\"openapi\":\"3.1.0\""));
  free(r);
}

static void
test_unknown_and_wrong_method(void **state)
{
  struct fixture *f = *state;
  int status;
  char value[128];
  char *r = http(f, "GET", "/api/v1/nothing", NULL, NULL, &status);
  assert_int_equal(status, 404);
  assert_true(header(r, "Content-Type", value, sizeof value));
  assert_non_null(strstr(value, "application/problem+json"));
  assert_non_null(strstr(r, "\"type\":\"https://redress.dev/problems/not-found\""));
  assert_non_null(strstr(r, "\"errors\":[]"));
  free(r);

  r = http(f, "DELETE", "/api/v1/complaints", NULL, NULL, &status);
  assert_int_equal(status, 405);
  assert_true(header(r, "Allow", value, sizeof value));
  assert_string_equal(value, "POST, GET, HEAD");
  free(r);
}

static void
test_credentials_required(void **state)
{
  struct fixture *f = *state;
  int status;
  char *r = http(f, "GET", "/api/v1/complaints", NULL, NULL, &status);
  assert_int_equal(status, 401);
  assert_non_null(strstr(r, "problems/unauthorized"));
  free(r);
  r = http(f, "GET", "/api/v1/me", "Authorization: Bearer nope\r\n", NULL, &status);
  assert_int_equal(status, 401);
  free(r);
  r = http(f, "GET", "/api/v1/me", "Cookie: redress_session=nope\r\n", NULL, &status);
  assert_int_equal(status, 401);
  free(r);
}

static void
test_body_too_large(void **state)
{
  struct fixture *f = *state;
  int status;
  char *big = malloc(5001);
  memset(big, ' ', 5000);
  big[5000] = '\0';
  char *r = http(f, "POST", "/api/v1/auth/login", NULL, big, &status);
  assert_int_equal(status, 413);
  assert_non_null(strstr(r, "problems/too-large"));
  free(r);
  free(big);
}

/* Signs in; fills cookie ("redress_session=...") and csrf. */
static void
login(struct fixture *f, char *cookie, size_t cookie_size, char *csrf,
      size_t csrf_size)
{
  int status;
  char value[512];
  char *r = http(f, "POST", "/api/v1/auth/login", "Content-Type: application/json\r\n",
                 "{\"username\":\"boss\",\"password\":\"correct horse\"}", &status);
  assert_int_equal(status, 200);
  assert_true(header(r, "Set-Cookie", value, sizeof value));
  assert_non_null(strstr(value, "HttpOnly"));
  assert_non_null(strstr(value, "SameSite=Strict"));
  assert_non_null(strstr(value, "Path=/"));
  assert_null(strstr(value, "Secure"));
  snprintf(cookie, cookie_size, "%.*s", (int)strcspn(value, ";"), value);
  const char *t = strstr(r, "\"csrf_token\":\"");
  assert_non_null(t);
  t += strlen("\"csrf_token\":\"");
  snprintf(csrf, csrf_size, "%.*s", (int)strcspn(t, "\""), t);
  assert_int_equal(strlen(csrf), 64);
  free(r);
}

static void
test_session_and_csrf(void **state)
{
  struct fixture *f = *state;
  int status;
  char cookie[160], csrf[80], headers[512];
  login(f, cookie, sizeof cookie, csrf, sizeof csrf);

  snprintf(headers, sizeof headers, "Cookie: %s\r\n", cookie);
  char *r = http(f, "GET", "/api/v1/me", headers, NULL, &status);
  assert_int_equal(status, 200);
  assert_non_null(strstr(r, "\"username\":\"boss\""));
  assert_non_null(strstr(r, csrf));
  free(r);

  /* An unsafe method with the cookie but no token is a cross-site forgery. */
  const char *dept = "{\"code\":\"after_sales\",\"name\":\"售后服务部\"}";
  r = http(f, "POST", "/api/v1/departments", headers, dept, &status);
  assert_int_equal(status, 403);
  free(r);
  snprintf(headers, sizeof headers, "Cookie: %s\r\nX-CSRF-Token: %064d\r\n", cookie, 0);
  r = http(f, "POST", "/api/v1/departments", headers, dept, &status);
  assert_int_equal(status, 403);
  free(r);

  snprintf(headers, sizeof headers, "Cookie: %s\r\nX-CSRF-Token: %s\r\n", cookie, csrf);
  r = http(f, "POST", "/api/v1/departments", headers, dept, &status);
  assert_int_equal(status, 201);
  assert_non_null(strstr(r, "\"code\":\"after_sales\""));
  free(r);

  /* Malformed JSON and a wrong type, through the whole stack. */
  r = http(f, "POST", "/api/v1/departments", headers, "{\"code\":", &status);
  assert_int_equal(status, 400);
  free(r);
  r = http(f, "POST", "/api/v1/departments", headers, "{\"code\":5}", &status);
  assert_int_equal(status, 422);
  assert_non_null(strstr(r, "\"field\":\"code\""));
  free(r);

  r = http(f, "POST", "/api/v1/auth/logout", headers, NULL, &status);
  assert_int_equal(status, 204);
  free(r);
  snprintf(headers, sizeof headers, "Cookie: %s\r\n", cookie);
  r = http(f, "GET", "/api/v1/me", headers, NULL, &status);
  assert_int_equal(status, 401);
  free(r);
}

static void
test_bearer_token(void **state)
{
  struct fixture *f = *state;
  int status;
  char cookie[160], csrf[80], headers[512];
  login(f, cookie, sizeof cookie, csrf, sizeof csrf);
  snprintf(headers, sizeof headers, "Cookie: %s\r\nX-CSRF-Token: %s\r\n", cookie, csrf);
  char *r = http(f, "POST", "/api/v1/tokens", headers, "{\"name\":\"ci\"}", &status);
  assert_int_equal(status, 201);
  const char *t = strstr(r, "\"token\":\"");
  assert_non_null(t);
  t += strlen("\"token\":\"");
  snprintf(headers, sizeof headers, "Authorization: Bearer %.*s\r\n",
           (int)strcspn(t, "\""), t);
  free(r);

  /* No CSRF token needed: a bearer token is not sent by browsers on their own. */
  r = http(f, "POST", "/api/v1/sites", headers, "{\"code\":\"bj01\",\"name\":\"北京一店\"}",
           &status);
  assert_int_equal(status, 201);
  free(r);
  r = http(f, "GET", "/api/v1/sites", headers, NULL, &status);
  assert_int_equal(status, 200);
  assert_non_null(strstr(r, "\"items\":[{"));
  assert_non_null(strstr(r, "\"next_cursor\":null"));
  free(r);
}

static void
test_login_throttled(void **state)
{
  struct fixture *f = *state;
  int status;
  char value[64];
  const char *wrong = "{\"username\":\"boss\",\"password\":\"wrong\"}";
  for (int i = 0; i < 5; i++) {
    char *r = http(f, "POST", "/api/v1/auth/login", NULL, wrong, &status);
    assert_int_equal(status, 401);
    free(r);
  }
  /* Now even the right password waits. */
  char *r = http(f, "POST", "/api/v1/auth/login", NULL,
                 "{\"username\":\"boss\",\"password\":\"correct horse\"}", &status);
  assert_int_equal(status, 429);
  assert_true(header(r, "Retry-After", value, sizeof value));
  assert_true(atoi(value) > 0 && atoi(value) <= 900);
  free(r);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_public_routes, setup, teardown),
    cmocka_unit_test_setup_teardown(test_unknown_and_wrong_method, setup, teardown),
    cmocka_unit_test_setup_teardown(test_credentials_required, setup, teardown),
    cmocka_unit_test_setup_teardown(test_body_too_large, setup, teardown),
    cmocka_unit_test_setup_teardown(test_session_and_csrf, setup, teardown),
    cmocka_unit_test_setup_teardown(test_bearer_token, setup, teardown),
    cmocka_unit_test_setup_teardown(test_login_throttled, setup, teardown),
};

RD_TEST_MAIN("http/server", tests)
