// web/api.js - the console's and the portal's only way to the server: the
// JSON API, with the session cookie and the CSRF token on unsafe requests
// (the portal has neither).

let csrf = null;

export function setCsrf(token) {
  csrf = token;
}

/* extra: more request headers (e.g. Idempotency-Key), optional. */
export async function api(method, path, body, extra) {
  const headers = { Accept: "application/json", ...extra };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (csrf && method !== "GET") headers["X-CSRF-Token"] = csrf;
  const res = await fetch(path, {
    method, headers, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  return { status: res.status, data };
}
