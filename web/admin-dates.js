// web/admin-dates.js - the text an administrator types for a calendar, to
// the API's lists and back: dates one per line or comma-separated, ranges
// "2026-10-01..2026-10-08"; working hours "09:00-12:00, 13:30-18:00". Pure
// functions: no page, no server. Whether a date or an interval is right
// for the calendar stays the server's to say; here only what cannot be
// read is reported, each piece as the user typed it.

const DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const DAY_MS = 86400000;
const MAX_RANGE_DAYS = 366;

function dayOf(text) {
  const m = DATE.exec(text);
  if (!m) return null;
  const d = Date.UTC(+m[1], +m[2] - 1, +m[3]);
  const back = new Date(d);
  // 2026-02-30 would roll over into March: refuse it instead.
  if (back.getUTCMonth() !== +m[2] - 1 || back.getUTCDate() !== +m[3]) return null;
  return d;
}

const iso = (ms) => new Date(ms).toISOString().slice(0, 10);

/* "2026-10-01..2026-10-08, 2026-12-31" -> { dates: sorted, unique,
 * "YYYY-MM-DD"; bad: the pieces that are not a date or a range }. "～",
 * "~" and "至" also make a range; full-width commas and semicolons separate. */
export function parseDates(text) {
  const dates = new Set();
  const bad = [];
  const joined = String(text).replace(/\s*(\.\.|～|~|至)\s*/g, "..");
  for (const raw of joined.split(/[\s,，;；、]+/)) {
    const piece = raw.trim();
    if (!piece) continue;
    const range = piece.split("..");
    if (range.length === 1) {
      const d = dayOf(piece);
      if (d === null) bad.push(piece); else dates.add(iso(d));
      continue;
    }
    const from = dayOf(range[0]), to = dayOf(range[1]);
    if (range.length !== 2 || from === null || to === null || to < from ||
        (to - from) / DAY_MS >= MAX_RANGE_DAYS) {
      bad.push(piece);
      continue;
    }
    for (let d = from; d <= to; d += DAY_MS) dates.add(iso(d));
  }
  return { dates: [...dates].sort(), bad };
}

/* Sorted "YYYY-MM-DD" dates -> text with runs as ranges, one per line. */
export function formatDates(dates) {
  const days = [...new Set(dates)].map(dayOf).filter((d) => d !== null).sort((a, b) => a - b);
  const lines = [];
  for (let i = 0; i < days.length;) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] - days[j] === DAY_MS) j++;
    lines.push(j > i ? `${iso(days[i])}..${iso(days[j])}` : iso(days[i]));
    i = j + 1;
  }
  return lines.join("\n");
}

const HHMM = /^(\d{1,2}):(\d{2})$/;

function hhmm(text) {
  const m = HHMM.exec(text.trim());
  return m ? `${m[1].padStart(2, "0")}:${m[2]}` : null;
}

/* "09:00-12:00, 13:30-18:00" -> { hours: [["09:00","12:00"], ...], bad }.
 * An en dash, "～", "~" or "至" also join the two ends. Empty = no hours. */
export function parseHours(text) {
  const hours = [];
  const bad = [];
  const joined = String(text).replace(/\s*([-–—～~]|至)\s*/g, "-");
  for (const raw of joined.split(/[,，;；\s]+/)) {
    const piece = raw.trim();
    if (!piece) continue;
    const ends = piece.split("-");
    const a = ends.length === 2 ? hhmm(ends[0]) : null;
    const b = ends.length === 2 ? hhmm(ends[1]) : null;
    if (a && b) hours.push([a, b]); else bad.push(piece);
  }
  return { hours, bad };
}

export function formatHours(hours) {
  return (hours ?? []).map(([a, b]) => `${a}-${b}`).join(", ");
}
