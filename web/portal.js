// web/portal.js - the public customer portal: no sign-in. Screens by
// address: #/ the complaint form (with photos), #/track the progress
// lookup, #/survey/<token> the satisfaction survey. A client of the public
// JSON API only (/api/v1/portal/...); everything shown that a person typed
// goes on the page with textContent, never as markup.

import { api } from "@asset(api.js)";
import { el, loadLanguage, t, when } from "@asset(i18n.js)";

const SCREENS = ["form-screen", "done-screen", "track-screen", "survey-screen"];
const PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp"];
const PHOTOS_MAX = 5;
const PHOTO_BYTES_MAX = 5 * 1024 * 1024;
const FIELDS = ["name", "phone", "email", "subject", "content", "demands"];

let photos = [];          // { file, url } picked for the coming submission
let idemKey = null;       // one per submission: a retry is the same complaint
let surveyToken = null;
let lastProgress = null;  // shown again after a language switch

const $ = (id) => document.getElementById(id);

function show(id) {
  for (const s of SCREENS) $(s).hidden = s !== id;
  $("portal-loading").hidden = true;  // only until the first screen
}

function showError(box, text) {
  box.textContent = text;
  box.hidden = !text;
}

/* The message for a failed call: the field the server named (in the
 * form's words), a rate limit, or the network. */
function problemText(r, fieldKey) {
  if (r.status === 429) return t("portal.error.limited");
  if (r.status === 0 || r.status >= 500 || !r.data) return t("portal.error.network");
  const field = r.data.errors?.[0]?.field;
  if (field && fieldKey(field)) return `${t("portal.error.check")}${t(fieldKey(field))}`;
  return t("portal.error.failed");
}

async function call(method, path, body, headers) {
  try {
    return await api(method, path, body, headers);
  } catch {
    return { status: 0, data: null };
  }
}

/* ---- the complaint form ------------------------------------------------------ */

function renderPreviews() {
  const list = $("previews");
  list.replaceChildren();
  photos.forEach((p, i) => {
    const li = el("li");
    const img = el("img");
    img.src = p.url;          // a data: URL (the page's CSP allows no blob:)
    img.alt = p.file.name;
    const name = el("span", p.file.name, "name");
    const remove = el("button", "×");
    remove.type = "button";
    remove.setAttribute("aria-label", `${t("portal.form.photo_remove")} ${p.file.name}`);
    remove.addEventListener("click", () => {
      photos.splice(i, 1);
      renderPreviews();
    });
    li.append(img, name, remove);
    list.appendChild(li);
  });
}

function readAsDataUrl(file) {
  return new Promise((ok, fail) => {
    const r = new FileReader();
    r.onload = () => ok(r.result);
    r.onerror = () => fail(r.error);
    r.readAsDataURL(file);
  });
}

async function pickPhotos(ev) {
  const refused = [];
  for (const file of ev.target.files) {
    if (photos.length >= PHOTOS_MAX) refused.push(`${file.name}: ${t("portal.form.photo_too_many")}`);
    else if (!PHOTO_TYPES.includes(file.type)) refused.push(`${file.name}: ${t("portal.form.photo_type")}`);
    else if (file.size > PHOTO_BYTES_MAX) refused.push(`${file.name}: ${t("portal.form.photo_size")}`);
    else photos.push({ file, url: await readAsDataUrl(file) });
  }
  ev.target.value = "";
  showError($("photo-error"), refused.join("; "));
  renderPreviews();
}

async function uploadPhotos(receipt) {
  const failed = [];
  for (const [i, p] of photos.entries()) {
    $("form-state").textContent = `${t("portal.form.uploading")} ${i + 1}/${photos.length}`;
    try {
      const res = await fetch(`${receipt.photos.upload_url}?filename=${encodeURIComponent(p.file.name)}`, {
        method: "POST", body: p.file,
        headers: { "Content-Type": p.file.type, "X-Upload-Token": receipt.photos.token },
      });
      if (res.status !== 201) failed.push(p.file.name);
    } catch {
      failed.push(p.file.name);
    }
  }
  return failed;
}

function markInvalid(form, field) {
  for (const name of FIELDS) form.elements[name].removeAttribute("aria-invalid");
  if (field && form.elements[field]) {
    form.elements[field].setAttribute("aria-invalid", "true");
    form.elements[field].focus();
  }
}

async function submitComplaint(ev) {
  ev.preventDefault();
  const form = ev.target;
  const error = $("form-error");
  const f = form.elements;
  // The first checks here spare a round trip; the server checks them all again.
  for (const name of ["name", "phone", "content"]) {
    if (!f[name].value.trim()) {
      showError(error, `${t("portal.error.check")}${t(`portal.form.${name}`)}`);
      markInvalid(form, name);
      return;
    }
  }
  const body = {};
  for (const name of FIELDS) if (f[name].value.trim()) body[name] = f[name].value;
  idemKey ??= crypto.randomUUID();
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  showError(error, "");
  $("form-state").textContent = t("portal.form.sending");
  const r = await call("POST", "/api/v1/portal/complaints", body, { "Idempotency-Key": idemKey });
  if (r.status !== 201) {
    // What was typed stays; the field at fault is named and focused.
    button.disabled = false;
    $("form-state").textContent = "";
    showError(error, problemText(r, (field) => FIELDS.includes(field) && `portal.form.${field}`));
    markInvalid(form, r.data?.errors?.[0]?.field);
    return;
  }
  const failed = photos.length ? await uploadPhotos(r.data) : [];
  const sent = photos.length - failed.length;
  form.reset();
  photos = [];
  idemKey = null;
  renderPreviews();
  button.disabled = false;
  $("form-state").textContent = "";
  $("done-number").textContent = r.data.number;
  $("done-track").href = `#/track?number=${encodeURIComponent(r.data.number)}`;
  $("done-photos").textContent = failed.length
    ? `${t("portal.done.photos_failed")} ${failed.join(", ")}`
    : sent ? `${t("portal.done.photos")} ${sent}` : "";
  show("done-screen");
}

/* ---- progress ------------------------------------------------------------------- */

function renderProgress(p) {
  lastProgress = p;
  $("track-number").textContent = p.number;
  $("track-status").textContent = t(`portal.status.${p.status}`);
  $("track-status").dataset.status = p.status;
  $("track-subject").textContent = p.subject || t("portal.track.no_subject");
  $("track-received").textContent = when(p.received_at);
  const list = $("track-timeline");
  list.replaceChildren();
  for (const s of p.timeline) {
    const li = el("li");
    li.appendChild(el("span", when(s.at), "at"));
    li.appendChild(el("span", t(`portal.step.${s.step}`), "what"));
    if (s.department) li.appendChild(el("span", s.department, "dept"));
    list.appendChild(li);
  }
  $("track-result").hidden = false;
}

async function lookUp(ev) {
  ev.preventDefault();
  const form = ev.target;
  const number = form.elements.number.value.trim();
  const last4 = form.elements.last4.value.trim();
  const error = $("track-error");
  if (!number || !/^\d{4}$/.test(last4)) {
    showError(error, `${t("portal.error.check")}${t(number ? "portal.track.last4" : "portal.track.number")}`);
    return;
  }
  showError(error, "");
  $("track-result").hidden = true;
  $("track-state").textContent = t("portal.loading");
  const r = await call("POST", "/api/v1/portal/progress", { number, phone_last4: last4 });
  $("track-state").textContent = "";
  if (r.status === 404) return showError(error, t("portal.track.not_found"));
  if (r.status !== 200) {
    const key = { number: "portal.track.number", phone_last4: "portal.track.last4" };
    return showError(error, problemText(r, (field) => key[field]));
  }
  renderProgress(r.data);
}

function showTrack(query) {
  show("track-screen");
  const number = new URLSearchParams(query).get("number");
  const form = $("track-form");
  if (number) form.elements.number.value = number;
  if (lastProgress) renderProgress(lastProgress);
  (number ? form.elements.last4 : form.elements.number).focus();
}

/* ---- the survey ------------------------------------------------------------------ */

async function showSurvey(token) {
  show("survey-screen");
  surveyToken = token;
  const state = $("survey-state");
  $("survey-body").hidden = true;
  $("survey-done").hidden = true;
  state.textContent = t("portal.loading");
  const r = await call("GET", `/api/v1/portal/surveys/${encodeURIComponent(token)}`);
  if (r.status !== 200) {
    state.textContent = r.status === 404 ? t("portal.survey.not_found")
      : r.status === 409 ? t("portal.survey.answered") : problemText(r, () => null);
    return;
  }
  state.textContent = "";
  $("survey-number").textContent = r.data.number;
  $("survey-subject").textContent = r.data.subject || t("portal.track.no_subject");
  $("survey-result").textContent = r.data.result || "";
  $("survey-body").hidden = false;
}

async function answerSurvey(ev) {
  ev.preventDefault();
  const f = ev.target.elements;
  const error = $("survey-error");
  const satisfied = f.satisfied.value;
  const score = Number(f.score.value);
  if (!satisfied || !score) {
    showError(error, `${t("portal.error.check")}${t(satisfied ? "portal.survey.score" : "portal.survey.satisfied")}`);
    return;
  }
  const body = { satisfied: satisfied === "yes", score };
  if (f.comment.value.trim()) body.comment = f.comment.value;
  const r = await call("POST", `/api/v1/portal/surveys/${encodeURIComponent(surveyToken)}`, body);
  if (r.status === 409 || r.status === 404) {
    $("survey-body").hidden = true;
    $("survey-state").textContent = t(r.status === 404 ? "portal.survey.not_found" : "portal.survey.answered");
    return;
  }
  if (r.status !== 200) {
    const key = { satisfied: "portal.survey.satisfied", score: "portal.survey.score",
                  comment: "portal.survey.comment" };
    return showError(error, problemText(r, (field) => key[field]));
  }
  showError(error, "");
  $("survey-body").hidden = true;
  const done = $("survey-done");
  done.textContent = t(r.data.status === "closed" ? "portal.survey.thanks" : "portal.survey.thanks_reopened");
  done.hidden = false;
}

/* ---- the shell -------------------------------------------------------------------- */

async function route() {
  const hash = location.hash || "#/";
  const [path, query] = hash.slice(1).split("?");
  const survey = /^\/survey\/([\w-]+)$/.exec(path);
  if (survey) await showSurvey(survey[1]);
  else if (path === "/track") showTrack(query);
  else show("form-screen");
}

async function start() {
  const select = $("lang");
  select.value = localStorage.getItem("redress.lang") || "zh-CN";
  $("portal-loading").textContent = "…";  // before the catalog is in: no words yet
  await loadLanguage(select.value);
  document.title = t("portal.title");
  select.addEventListener("change", async () => {
    localStorage.setItem("redress.lang", select.value);
    await loadLanguage(select.value);
    document.title = t("portal.title");
    renderPreviews();
    await route();
  });
  window.addEventListener("hashchange", route);
  const form = $("complaint-form");
  form.addEventListener("submit", submitComplaint);
  // A changed form is another submission; an unchanged retry is the same one.
  form.addEventListener("input", () => { idemKey = null; });
  $("photo-input").addEventListener("change", pickPhotos);
  $("track-form").addEventListener("submit", lookUp);
  $("survey-form").addEventListener("submit", answerSurvey);
  await route();
}

start();
