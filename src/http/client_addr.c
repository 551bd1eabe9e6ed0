/* http/client_addr.c - the client's address behind trusted proxies. */
#include "http/client_addr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Canonical text of an IPv4 or IPv6 address given as len bytes of s
 * (surrounding spaces ignored), or false when it is not one. */
static bool
canonical(const char *s, size_t len, char out[RD_ADDR_TEXT_MAX])
{
  while (len && (*s == ' ' || *s == '\t')) s++, len--;
  while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
  char text[RD_ADDR_TEXT_MAX];
  if (len == 0 || len >= sizeof text)
    return false;
  memcpy(text, s, len);
  text[len] = '\0';
  unsigned char bin[sizeof(struct in6_addr)];
  if (inet_pton(AF_INET, text, bin) == 1)
    return inet_ntop(AF_INET, bin, out, RD_ADDR_TEXT_MAX) != NULL;
  if (inet_pton(AF_INET6, text, bin) == 1)
    return inet_ntop(AF_INET6, bin, out, RD_ADDR_TEXT_MAX) != NULL;
  return false;
}

static bool
is_trusted(const struct rd_trusted_proxies *t, const char *addr)
{
  for (size_t i = 0; t && i < t->n; i++)
    if (strcmp(t->addr[i], addr) == 0)
      return true;
  return false;
}

bool
rd_trusted_proxies_parse(const char *list, struct rd_trusted_proxies *out,
                         char *bad, size_t bad_size)
{
  memset(out, 0, sizeof *out);
  for (const char *p = list; p && *p;) {
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (out->n == RD_TRUSTED_PROXIES_MAX || !canonical(p, len, out->addr[out->n])) {
      snprintf(bad, bad_size, "%.*s", (int)len, p);
      memset(out, 0, sizeof *out);
      return false;
    }
    out->n++;
    p = end ? end + 1 : p + len;
  }
  return true;
}

void
rd_client_addr(const char *peer, const char *forwarded_for,
               const struct rd_trusted_proxies *trusted,
               char *out, size_t out_size)
{
  snprintf(out, out_size, "%s", peer);
  char addr[RD_ADDR_TEXT_MAX];
  if (!forwarded_for || !canonical(peer, strlen(peer), addr) || !is_trusted(trusted, addr))
    return;
  /* From the right: the nearest hop first. */
  size_t end = strlen(forwarded_for);
  for (;;) {
    size_t start = end;
    while (start > 0 && forwarded_for[start - 1] != ',')
      start--;
    if (!canonical(forwarded_for + start, end - start, addr))
      return;
    if (!is_trusted(trusted, addr)) {
      snprintf(out, out_size, "%s", addr);
      return;
    }
    if (start == 0)
      return;
    end = start - 1;
  }
}

bool
rd_forwarded_tls(const char *peer, const char *forwarded_proto,
                 const struct rd_trusted_proxies *trusted)
{
  char addr[RD_ADDR_TEXT_MAX];
  if (!forwarded_proto || !canonical(peer, strlen(peer), addr) || !is_trusted(trusted, addr))
    return false;
  const char *last = strrchr(forwarded_proto, ',');
  last = last ? last + 1 : forwarded_proto;
  while (*last == ' ' || *last == '\t')
    last++;
  size_t len = strcspn(last, " \t");
  return len == 5 && strncasecmp(last, "https", 5) == 0 && last[len + strspn(last + len, " \t")] == '\0';
}
