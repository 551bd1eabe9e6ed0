// web/api.js - the console's and the portal's only way to the server: the
// JSON API, with the session cookie and the CSRF token on unsafe requests
// (the portal has neither).

let csrf = null;

export function setCsrf(token) {
  csrf = token;
}

/* extra: more request headers (e.g. Idempotency-Key), optional. The
 * server's messages (problem details) come in the language the console shows. */
export async function api(method, path, body, extra) {
  const headers = { Accept: "application/json",
                    "Accept-Language": document.documentElement.lang || "zh-CN", ...extra };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (csrf && method !== "GET") headers["X-CSRF-Token"] = csrf;
  const res = await fetch(path, {
    method, headers, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  return { status: res.status, data };
}

/* An upload of a file's raw bytes (its type as Content-Type), with progress:
 * XMLHttpRequest, because fetch cannot report how much was sent.
 * onProgress(fraction) as it goes; resolves to { status, data } like api(),
 * status 0 when the connection failed. */
export function upload(path, file, onProgress) {
  return new Promise((resolve) => {
    const x = new XMLHttpRequest();
    x.open("POST", path);
    x.setRequestHeader("Accept", "application/json");
    x.setRequestHeader("Accept-Language", document.documentElement.lang || "zh-CN");
    x.setRequestHeader("Content-Type", file.type || "application/octet-stream");
    if (csrf) x.setRequestHeader("X-CSRF-Token", csrf);
    x.upload.onprogress = (e) => { if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total); };
    x.onload = () => {
      let data = null;
      try { data = JSON.parse(x.responseText); } catch { /* not JSON */ }
      resolve({ status: x.status, data });
    };
    x.onerror = () => resolve({ status: 0, data: null });
    x.send(file);
  });
}
