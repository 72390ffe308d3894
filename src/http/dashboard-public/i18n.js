import { EN, REASONS, VI } from './catalogue.js';

// Vietnamese first; English when ?lang=en or the switch was used (remembered in localStorage).
// Every text comes from the officers' catalogue (src/domain/i18n, served as catalogue.js).
const params = new URLSearchParams(location.search);
if (params.get('lang') === 'en' || params.get('lang') === 'vi') localStorage.setItem('vv-lang', params.get('lang'));
export const lang = localStorage.getItem('vv-lang') === 'en' ? 'en' : 'vi';
const dict = lang === 'en' ? EN : VI;
document.documentElement.lang = lang;

/** A text with `{name}` filled from params (a bare value fills `{n}` and `{d}`). Unknown keys show as themselves. */
export function t(key, params) {
  const v = dict[key];
  if (v === undefined) return key;
  const p = params !== null && typeof params === 'object' ? params : params === undefined ? {} : { n: params, d: params };
  return v.replace(/\{(\w+)\}/g, (m, name) => (name in p ? String(p[name]) : m));
}

/** A matcher reason (its English sentence) as the officer reads it; `corrected …` names the fields. */
export function reasonText(reason) {
  if (!reason) return '';
  const key = REASONS[reason];
  if (key) return t(key);
  const m = /^corrected ((?:\w+)(?:, \w+)*)$/.exec(reason);
  const fields = (list) => list.split(', ').map((f, i) => (lang === 'vi' || i > 0 ? t(f).toLowerCase() : t(f))).join(', ');
  if (m) return t('reason.corrected', { fields: fields(m[1]) });
  const police = /^police to check ((?:\w+)(?:, \w+)*)$/.exec(reason);
  if (police) return t('reason.police_check', { fields: fields(police[1]) });
  return t('reason.unknown');
}

/** A validation problem or upload rejection: its catalogue key when it has one, else the API's text. */
export function problemText(p) {
  if (p?.key && dict[p.key] !== undefined) return t(p.key, p.params ?? {});
  // The correction API's problems carry their catalogue key as `code` (the sheet's rows as `key`).
  if (p?.code && dict[p.code] !== undefined) return t(p.code, p.params ?? {});
  return p?.reason ?? '';
}

/** An API error as the page shows it (catalogue text of its code, then the server's detail when useful). */
export function errorText(err) {
  const status = err?.status;
  if (status === 401) return t('unauthenticated');
  if (status === 403) return t('forbidden');
  if (status === 429) return t('tooMany');
  if (status >= 500) return t('serverError');
  const code = err?.body?.error?.code;
  const problems = err?.body?.error?.details?.problems;
  if (Array.isArray(problems) && problems.length) return problems.map((p) => `${t(p.field)}: ${problemText(p)}`).join(' · ');
  if (code && dict[`err.${code}`] !== undefined) return t(`err.${code}`);
  return status ? t('err.bad_request') : t('err.network');
}

/** `1975-03-10` → 10/03/1975, `1975-03` → 03/1975 (a month/year entry stays one), other text as typed. */
export function fmtBirth(raw) {
  if (raw === null || raw === undefined) return '';
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T[\d:.]+Z?)?$/.exec(String(raw).trim());
  if (!m) return String(raw);
  return m[3] ? `${m[3]}/${m[2]}/${m[1]}` : m[2] ? `${m[2]}/${m[1]}` : m[1];
}

const GENDER = { nam: 'male', 'nam gioi': 'male', m: 'male', male: 'male', trai: 'male', nu: 'female', 'nu gioi': 'female', f: 'female', female: 'female', gai: 'female' };
/** `male` / `M` / `nam` → Nam (Male in English); other text as typed. */
export function fmtGender(raw) {
  if (!raw) return '';
  const folded = String(raw).normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/gi, 'd').trim().toLowerCase();
  const g = GENDER[folded];
  return g ? t(g) : String(raw);
}

export function setLang(next) { localStorage.setItem('vv-lang', next); const u = new URL(location.href); u.searchParams.delete('lang'); location.href = u.toString(); }

const LOCALE = lang === 'en' ? 'en-GB' : 'vi-VN';
const TZ = 'Asia/Ho_Chi_Minh';
const dateFmt = new Intl.DateTimeFormat(LOCALE, { timeZone: TZ, day: '2-digit', month: '2-digit', year: 'numeric' });
const timeFmt = new Intl.DateTimeFormat(LOCALE, { timeZone: TZ, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const numFmt = new Intl.NumberFormat(LOCALE);
const pctFmt = new Intl.NumberFormat(LOCALE, { style: 'percent', maximumFractionDigits: 1 });

/** dd/mm/yyyy in Vietnam's time zone. */
export const fmtDate = (d) => (d ? dateFmt.format(new Date(d)) : '—');
export const fmtTime = (d) => (d ? timeFmt.format(new Date(d)) : '—');
/** A `YYYY-MM-DD` calendar day as dd/mm/yyyy. */
export const fmtDay = (day) => (day ? `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}` : '—');
export const fmtNum = (n) => numFmt.format(n ?? 0);
export const fmtPct = (part, whole) => (whole > 0 ? pctFmt.format(part / whole) : '—');

/** dd/mm/yyyy hh:mm in Vietnam's time zone (a deadline to the minute). */
export function fmtMinute(d) {
  if (!d) return '—';
  const v = new Date(new Date(d).getTime() + 7 * 3_600_000);
  const p = (n) => String(n).padStart(2, '0');
  return `${p(v.getUTCDate())}/${p(v.getUTCMonth() + 1)}/${v.getUTCFullYear()} ${p(v.getUTCHours())}:${p(v.getUTCMinutes())}`;
}

/** "còn 3 ngày" / "quá hạn 5 giờ" / "quá hạn 2 ngày" from a deadline: lateness under a day in hours, never rounded up to a day. */
export function fmtLeft(deadline, now = Date.now()) {
  if (!deadline) return '—';
  const ms = new Date(deadline).getTime() - now;
  if (ms < 0 && -ms < 3_600_000) return t('lateByMinutes');
  if (ms < 0 && -ms < 86_400_000) return t('lateByHours', Math.floor(-ms / 3_600_000));
  if (ms < 0) return t('lateBy', Math.floor(-ms / 86_400_000));
  if (ms < 86_400_000) return t('hoursLeft', Math.max(1, Math.floor(ms / 3_600_000)));
  return t('daysLeft', Math.floor(ms / 86_400_000));
}

/** Apply `data-i18n` labels in static markup. */
export function translateStatic(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
}
