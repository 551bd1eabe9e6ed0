// web/admin-tokens.js - API tokens: the admin's own or any user's, created
// (the secret shown this once, with a copy button: only its hash is kept)
// and revoked (DELETE; the token gets 401 from then on).

import { el, t, when } from "@asset(i18n.js)";
import {
  api, button, clearProblem, formError, input, labelled, loadList, select, showProblem,
  stateLine, table,
} from "@asset(admin-kit.js)";

export async function showTokens(box, me) {
  const users = (await api("GET", "/api/v1/users?limit=500")).data?.items ?? [];
  box.replaceChildren();
  box.appendChild(el("h2", t("admin.tokens")));
  box.appendChild(el("p", t("admin.tokens_hint"), "muted"));

  const owner = select("user_id", users.map((u) => [u.id, `${u.display_name || u.username} (${u.username})`]),
                       me.user.id);
  owner.id = "admin-token-owner";
  box.appendChild(labelled(t("admin.token_owner"), owner, "narrow"));

  const state = stateLine();
  const { table: tbl, body } = table("admin-tokens", [
    t("admin.name"), t("admin.created_at"), t("admin.token_state"), t("admin.actions")]);
  const wrap = el("div", undefined, "table-wrap");
  wrap.appendChild(tbl);
  const listError = formError();
  listError.id = "admin-token-error";
  box.append(state, listError, wrap);

  const form = el("form", undefined, "grid admin-form");
  form.id = "admin-token-form";
  const name = input("name", { required: "" });
  const error = formError();
  error.classList.add("wide");
  form.append(el("h3", t("admin.add_token"), "wide"), labelled(t("admin.token_name"), name), error,
              button(t("admin.add_token"), null, "", "submit"));
  box.appendChild(form);

  // The secret, once: a read-only field to select, and a copy button.
  const reveal = el("div", undefined, "secret");
  reveal.id = "admin-token-secret";
  reveal.hidden = true;
  reveal.setAttribute("role", "status");
  const secret = input("secret", { readonly: "" });
  const copied = el("span", undefined, "muted");
  const copy = button(t("admin.copy"), async () => {
    secret.select();
    try {
      await navigator.clipboard.writeText(secret.value);
    } catch {
      document.execCommand("copy");  // without the clipboard API (plain http elsewhere)
    }
    copied.textContent = t("admin.copied");
  }, "secondary");
  reveal.append(el("p", t("admin.secret_once"), "warn"), labelled(t("admin.secret"), secret), copy, copied);
  box.appendChild(reveal);

  async function revoke(tok) {
    if (!confirm(t("admin.revoke_confirm").replace("{name}", tok.name))) return;
    listError.hidden = true;
    const r = await api("DELETE", `/api/v1/tokens/${tok.id}`);
    if (r.status !== 204) {
      listError.textContent = `${t("admin.revoke_failed")} ${r.data?.detail ?? r.status}`;
      listError.hidden = false;
      return;
    }
    await refresh();
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearProblem(form);
    const r = await api("POST", "/api/v1/tokens", { name: name.value, user_id: Number(owner.value) });
    if (r.status !== 201) {
      showProblem(form, r);
      return;
    }
    name.value = "";
    secret.value = r.data.token;
    copied.textContent = "";
    reveal.hidden = false;
    secret.focus();
    secret.select();
    await refresh();
  });

  owner.addEventListener("change", () => {
    reveal.hidden = true;
    secret.value = "";
    refresh();
  });

  async function refresh() {
    const items = await loadList(`/api/v1/tokens?user_id=${Number(owner.value)}`, state);
    body.replaceChildren();
    tbl.hidden = !items || items.length === 0;
    for (const tok of items ?? []) {
      const tr = el("tr", undefined, tok.revoked ? "muted" : "");
      tr.dataset.id = tok.id;
      tr.append(el("td", tok.name), el("td", when(tok.created_at)),
                el("td", t(tok.revoked ? "admin.revoked" : "admin.token_active")));
      const td = el("td");
      if (!tok.revoked) {
        const b = button(t("admin.revoke"), () => revoke(tok), "link danger");
        b.setAttribute("aria-label", `${t("admin.revoke")} ${tok.name}`);
        td.appendChild(b);
      }
      tr.appendChild(td);
      body.appendChild(tr);
    }
  }
  await refresh();
}
