/* http/h_health.c - liveness, metrics and version: what operators and load
 * balancers poll. None of these needs a principal. */
#include "http/routes.h"

#include "http/metrics.h"

void
rd_h_healthz(struct rd_request *req)
{
  static const char ok[] = "{\"status\":\"ok\"}";
  struct rd_error err = {0};
  if (rd_store_ping(rd_service_store(req->svc), &err) != RD_OK) {
    rd_reply_error(req, RD_E_UNAVAILABLE, NULL, "the store does not answer: %s",
                   err.detail);
    return;
  }
  rd_reply_json_static(req, 200, ok, sizeof ok - 1);
}

void
rd_h_metrics(struct rd_request *req)
{
  struct rd_buf b = {0};
  rd_metrics_render(req->http->metrics, rd_service_store(req->svc), &b);
  /* This request included: a stop waits for these (rd_http_drain). */
  rd_buf_printf(&b, "# HELP redress_http_requests_in_flight Requests begun and not yet answered.\n"
                    "# TYPE redress_http_requests_in_flight gauge\n"
                    "redress_http_requests_in_flight %d\n",
                atomic_load(&req->http->in_flight));
  rd_reply_bytes(req, 200, "text/plain; version=0.0.4; charset=utf-8",
                 b.data ? b.data : "", b.len, false);
  rd_buf_free(&b);
}

/* Touches nothing but the reply path: the benchmark's ceiling for the HTTP stack. */
void
rd_h_version(struct rd_request *req)
{
  static const char version[] = "{\"name\":\"redress\",\"version\":\"0.1.0\"}";
  rd_reply_json_static(req, 200, version, sizeof version - 1);
}
