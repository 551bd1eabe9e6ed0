// web/i18n.js - message catalogs (zh-CN by default, en) and time display.

const CATALOGS = { "zh-CN": "@asset(i18n/zh-CN.json)", en: "@asset(i18n/en.json)" };
let strings = {};

export async function loadLanguage(lang) {
  const res = await fetch(CATALOGS[lang] || CATALOGS["zh-CN"]);
  strings = await res.json();
  document.documentElement.lang = lang in CATALOGS ? lang : "zh-CN";
  for (const el of document.querySelectorAll("[data-i18n]"))
    el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-placeholder]"))
    el.placeholder = t(el.dataset.i18nPlaceholder);
  document.title = t("app.name");
}

export function t(key) {
  return strings[key] ?? key;
}

/* An RFC 3339 time as the server gave it (in the calendar's offset): shown
 * as that local date and time, not converted to the browser's zone. */
export function when(text) {
  if (!text) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(text);
  return m ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}` : text;
}

/* Makes an element with text (never markup) and optional class. */
export function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}
