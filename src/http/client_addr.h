/* http/client_addr.h - who the client is when a reverse proxy stands in front.
 *
 * Rate limits and sign-in throttling count per client address. Behind nginx
 * every connection comes from the proxy, so the proxy's X-Forwarded-For says
 * who is behind it; but anyone can send that header, so it is believed only
 * from addresses the operator named (serve --trusted-proxy). Pure: texts in,
 * text out; no I/O.
 */
#ifndef RD_HTTP_CLIENT_ADDR_H
#define RD_HTTP_CLIENT_ADDR_H

#include <stdbool.h>
#include <stddef.h>

enum { RD_TRUSTED_PROXIES_MAX = 16, RD_ADDR_TEXT_MAX = 46 /* INET6_ADDRSTRLEN */ };

/* The operator's trusted proxies, each in canonical text (inet_ntop). */
struct rd_trusted_proxies {
  size_t n;
  char addr[RD_TRUSTED_PROXIES_MAX][RD_ADDR_TEXT_MAX];
};

/* Parses a comma-separated list of IPv4/IPv6 addresses (spaces allowed)
 * into *out. Returns false, with the offending piece copied into bad (of
 * bad_size), for anything that is not an address or for more than
 * RD_TRUSTED_PROXIES_MAX of them; *out is then empty. NULL or "" is an
 * empty list. */
bool rd_trusted_proxies_parse(const char *list, struct rd_trusted_proxies *out,
                              char *bad, size_t bad_size);

/* The client's address: peer itself unless peer is a trusted proxy; then
 * the rightmost X-Forwarded-For entry that is not a trusted proxy (each
 * proxy appends the address it saw, so entries further left were written
 * by the client and prove nothing). An entry that is not an address ends
 * the walk, and peer stands. Writes canonical text into out (out_size >=
 * RD_ADDR_TEXT_MAX). */
void rd_client_addr(const char *peer, const char *forwarded_for,
                    const struct rd_trusted_proxies *trusted,
                    char *out, size_t out_size);

/* Whether a trusted proxy says the client spoke TLS to it: peer is a
 * trusted proxy and the last X-Forwarded-Proto value (the nearest hop's)
 * is "https". */
bool rd_forwarded_tls(const char *peer, const char *forwarded_proto,
                      const struct rd_trusted_proxies *trusted);

#endif
