"""The web console's files, served by the binary itself: content types,
content-hashed names cached for a year, a Content-Security-Policy without
inline script, gzip, revalidation, and message catalogs in both languages
that cover every string of the page."""

import gzip
import json
import re

from client import PASSWORD, check, expect, own_server, test


def get(w, path, **headers):
    return w.s.request("GET", path, headers=headers)


@test
def console_page_and_assets(w):
    r = expect(get(w, "/"), 200)
    html = r.body.decode("utf-8")
    check(r.headers["content-type"].startswith("text/html"), "HTML", r.headers)
    csp = r.headers.get("content-security-policy", "")
    check("script-src 'self'" in csp and "'unsafe-inline'" not in csp
          and "frame-ancestors 'none'" in csp, "a strict CSP", csp)
    check(r.headers.get("cache-control") == "no-cache" and r.headers.get("etag"),
          "the page is revalidated", r.headers)
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    check(scripts and all('src="' in attrs and not body.strip() for attrs, body in scripts),
          "no inline script", scripts)
    check("@asset(" not in html, "every reference resolved", html[:400])
    expect(get(w, "/", **{"If-None-Match": r.headers["etag"]}), 304)

    assets = re.findall(r'(?:src|href)="(/assets/[^"]+)"', html)
    check(any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets),
          "script and style linked", assets)
    types = {".js": "text/javascript", ".css": "text/css"}
    for a in assets:
        r = expect(get(w, a), 200)
        ext = a[a.rindex("."):]
        check(r.headers["content-type"].startswith(types[ext]), f"{a} type", r.headers)
        check(r.headers.get("cache-control") == "public, max-age=31536000, immutable",
              f"{a} cached for a year", r.headers)
        check(re.search(r"\.[0-9a-f]{12}\.", a), f"{a} carries its content hash")
        z = expect(get(w, a, **{"Accept-Encoding": "gzip"}), 200)
        check(z.headers.get("content-encoding") == "gzip" and gzip.decompress(z.body) == r.body,
              f"{a} gzipped when asked, same bytes", z.headers)
    expect(get(w, "/assets/nothing.0123456789ab.js"), 404)
    expect(get(w, "/assets/..%2F..%2Fetc%2Fpasswd"), 404)


@test
def catalogs_cover_the_page_in_both_languages(w):
    html = expect(get(w, "/"), 200).body.decode("utf-8")
    # The page's script and every module it imports, transitively.
    todo = [re.search(r'src="(/assets/app\.[0-9a-f]+\.js)"', html).group(1)]
    seen, js = set(), ""
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        text = expect(get(w, url), 200).body.decode("utf-8")
        js += text
        todo += re.findall(r'from "(/assets/[\w.-]+\.js)"', text)
    check(len(seen) > 1, "the modules are found", seen)
    catalogs = dict(re.findall(r'"?([\w-]+)"?: "(/assets/i18n-[\w-]+\.[0-9a-f]+\.json)"', js))
    check(set(catalogs) == {"zh-CN", "en"}, "two catalogs", catalogs)
    keys = {}
    for lang, url in catalogs.items():
        r = expect(get(w, url), 200)
        keys[lang] = set(json.loads(r.body.decode("utf-8")))
    check(keys["zh-CN"] == keys["en"], "the same keys in both",
          keys["zh-CN"] ^ keys["en"])
    used = set(re.findall(r'data-i18n="([^"]+)"', html)) | set(re.findall(r'\bt\("([\w.]+)"\)', js))
    check(used and used <= keys["en"], "every string of the page is in the catalogs",
          used - keys["en"])


@test
def security_headers_on_every_answer(w):
    """Every answer — page, asset, JSON, problem, health — carries nosniff,
    a frame ban and a referrer policy; API answers a CSP that runs nothing;
    HSTS only when a trusted proxy says the client spoke TLS."""
    asset = re.search(r'src="(/assets/[^"]+)"', get(w, "/").body.decode()).group(1)
    for path, status in (("/", 200), (asset, 200), ("/portal", 200), ("/healthz", 200),
                         ("/api/v1/version", 200), ("/api/v1/me", 401),
                         ("/api/v1/no-such-thing", 404), ("/assets/nothing.js", 404)):
        r = get(w, path)
        h = r.headers
        check(r.status == status, f"{path}: {status}", r.status)
        check(h.get("x-content-type-options") == "nosniff" and h.get("x-frame-options") == "DENY"
              and h.get("referrer-policy") == "same-origin", f"{path}: the headers", h)
        csp = h.get("content-security-policy", "")
        check("frame-ancestors 'none'" in csp, f"{path}: framing refused", csp)
        if path.startswith("/api/") or path == "/healthz":
            check(csp.startswith("default-src 'none'"), f"{path}: nothing runs", csp)
        check("strict-transport-security" not in h, f"{path}: no HSTS over plain HTTP", h)
    # A client cannot claim TLS itself: the server trusts no proxy here.
    r = get(w, "/healthz", **{"X-Forwarded-Proto": "https"})
    check("strict-transport-security" not in r.headers, "no HSTS on a client's word", r.headers)

    with own_server(w, args=["--trusted-proxy", "127.0.0.1"]) as (proxied, _):
        tls = proxied.request("GET", "/healthz", source="127.0.0.1",
                              headers={"X-Forwarded-Proto": "https"})
        check(tls.headers.get("strict-transport-security", "").startswith("max-age="),
              "HSTS when the trusted proxy says https", tls.headers)
        plain = proxied.request("GET", "/healthz", source="127.0.0.1",
                                headers={"X-Forwarded-Proto": "http"})
        check("strict-transport-security" not in plain.headers, "none for http", plain.headers)
        spoof = proxied.request("GET", "/healthz", source="127.0.0.9",
                                headers={"X-Forwarded-Proto": "https"})
        check("strict-transport-security" not in spoof.headers, "none from another address",
              spoof.headers)
        # The session cookie is Secure exactly when the request came over TLS.
        login = {"username": "admin", "password": PASSWORD}
        for proto, source, secure in (("https", "127.0.0.1", True), ("http", "127.0.0.1", False),
                                      ("https", "127.0.0.9", False)):
            r = proxied.request("POST", "/api/v1/auth/login", login, source=source,
                                headers={"X-Forwarded-Proto": proto})
            cookie = r.headers.get("set-cookie", "")
            check(r.status == 200 and ("; Secure" in cookie) == secure,
                  f"session cookie {'with' if secure else 'without'} Secure for {proto} from {source}",
                  (r.status, cookie))
