import { errorText, fmtMinute, t } from './i18n.js';
import { api, h } from './dom.js';
import { confirmed } from './confirm.js';

/**
 * A round's deadline, changed by one of two acts that say what they do: "Gia hạn thêm N ngày"
 * (whole days, 1–30) or "Đặt hạn chót (ngày, giờ)". A date earlier than the current deadline is
 * a shortening: its confirmation says so in capitals and the request names it (`shorten: true`).
 * The page checks what it can before asking (whole days, a date given, not in the past); the API
 * checks again (src/domain/rounds/deadline-request.ts) and answers in Vietnamese.
 */
const json = (method, body) => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const DAY = 86_400_000;

/**
 * `dd/mm/yyyy` and `hh:mm` (24 h) typed in Vietnam's time → a Date (UTC+7, no daylight saving), or
 * null. Text fields, not the browser's date and time pickers: those follow the browser's locale
 * (mm/dd/yyyy, AM/PM on an English-language browser).
 */
function vnMoment(day, time) {
  const d = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(day.trim());
  const t2 = /^(\d{1,2}):(\d{2})$/.exec(time.trim());
  if (!d || !t2 || Number(t2[1]) > 23 || Number(t2[2]) > 59) return null;
  const p = (n) => String(n).padStart(2, '0');
  const at = new Date(`${d[3]}-${p(d[2])}-${p(d[1])}T${p(t2[1])}:${t2[2]}:00+07:00`);
  // 31/02 is not a day: the date must read back the same.
  return Number.isNaN(at.getTime()) || vnInputs(at).day !== `${p(d[1])}/${p(d[2])}/${d[3]}` ? null : at;
}
/** The date and time fields' values for a Date, in Vietnam's time. */
function vnInputs(d) {
  const iso = new Date(d.getTime() + 7 * 3_600_000).toISOString();
  return { day: `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`, time: iso.slice(11, 16) };
}

/**
 * One deadline's controls, a commune round's or a level's (the nation, a province, a district):
 * `current` the deadline now (null: none set yet, only "Đặt hạn chót" works), `send(body)` the
 * request (answers `{ deadline }`), `why()` the reason typed on the panel, `out` where results
 * show, `changed()` runs after a change, `above` the line naming the deadline above (optional).
 */
export function deadlineControls({ current: start0, send, above }, why, out, changed) {
  let current = start0 ? new Date(start0) : null;
  const now = () => Date.now();
  const shown = h('p', { id: 'current-deadline' }, t('currentDeadline', { d: fmtMinute(current) }));
  const rule = h('p', { class: 'muted small', id: 'deadline-rule' }, above ? [h('span', { id: 'deadline-above' }, above), h('br')] : null, t('deadlineRule'));
  const done = async (body) => {
    const r = await send(body);
    current = new Date(r.deadline);
    shown.textContent = t('currentDeadline', { d: fmtMinute(current) });
    changed();
    return t('deadlineChanged', { d: fmtMinute(current) });
  };

  const days = h('input', { type: 'number', id: 'extend-days', min: '1', max: '30', step: '1', value: '3', inputmode: 'numeric', 'aria-label': t('extendDays') });
  const daysValid = () => /^\d+$/.test(days.value.trim()) && Number(days.value) >= 1 && Number(days.value) <= 30;
  const extendLabel = () => t('extendByDays', { n: daysValid() ? Number(days.value) : 'N' });
  const extend = confirmed(extendLabel(), 'act-extend',
    () => t('extendConfirm', { n: Number(days.value), from: fmtMinute(current), d: fmtMinute(new Date(current.getTime() + Number(days.value) * DAY)) }),
    () => done({ extendByDays: Number(days.value), reason: why() }),
    out, () => (!current ? t('err.deadline.noCurrent') : daysValid() ? null : t('pageDaysProblem')));
  days.addEventListener('input', () => { extend.querySelector('button').textContent = extendLabel(); });

  const start = vnInputs(current ?? new Date(now() + 3 * DAY));
  const day = h('input', { type: 'text', id: 'deadline-date', value: start.day, inputmode: 'numeric', placeholder: 'dd/mm/yyyy', pattern: '\\d{1,2}/\\d{1,2}/\\d{4}', size: '10', 'aria-label': t('deadlineDate') });
  const time = h('input', { type: 'text', id: 'deadline-time', value: start.time, inputmode: 'numeric', placeholder: 'hh:mm', pattern: '\\d{1,2}:\\d{2}', size: '5', 'aria-label': t('deadlineTime') });
  const target = () => vnMoment(day.value, time.value);
  const shortening = () => !!(target() && current && target().getTime() < current.getTime());
  const set = confirmed(t('setDeadlineBtn'), 'act-set',
    () => t(shortening() ? 'shortenConfirm' : 'setConfirm', { from: fmtMinute(current), d: fmtMinute(target()) }),
    () => done({ deadline: target().toISOString(), reason: why(), ...(shortening() ? { shorten: true } : {}) }),
    out, () => {
      const at = target();
      if (!at) return t('pageDateProblem');
      if (at.getTime() <= now()) return t('pagePastProblem');
      return null;
    });

  return h('fieldset', { class: 'deadline-controls', id: 'deadline-controls' }, h('legend', {}, t('deadline')), shown,
    h('div', { class: 'form-row' }, h('label', {}, t('extendDays'), days), extend),
    h('div', { class: 'form-row' }, h('span', {}, t('setDeadline')), h('label', {}, t('deadlineDate'), day), h('label', {}, t('deadlineTime'), time), set),
    rule);
}

/** Who sets which level's own deadline (the API's rule, level-deadline.service.ts): shown only to them. */
const MAY_SET = { national: ['campaign_admin'], province: ['campaign_admin', 'province_coordinator'], district: ['campaign_admin', 'province_coordinator', 'district_coordinator'] };
export const maySetLevelDeadline = (me, level) => !!me?.roles?.some((r) => (MAY_SET[level] ?? []).includes(r));

/** The nation's, a province's or a district's own deadline, on its page, with the deadline above it named. */
export function levelDeadlinePanel(u, me) {
  const code = u.level === 'national' ? 'VN' : u._id;
  const out = h('p', { class: 'act-result', id: 'act-result', 'aria-live': 'polite' });
  const reason = h('input', { type: 'text', id: 'act-reason', value: '', placeholder: t('reason'), 'aria-label': t('reason'), maxlength: '200' });
  const why = () => reason.value.trim() || `${t('deadline')} — ${me.name ?? me.sub}`;
  const slot = h('div', {}, h('p', { class: 'muted' }, t('loading')));
  api(`/api/deadlines/${code}`).then((d) => {
    const above = d.higher ? t(d.higher.level === 'national' ? 'aboveNational' : 'aboveLevel', { name: d.higher.name, d: fmtMinute(d.higher.at) }) : null;
    slot.replaceChildren(deadlineControls({ current: d.deadline, above,
      send: (body) => api(`/api/deadlines/${code}`, json('PUT', body)) }, why, out, () => {}));
  }).catch((err) => { slot.replaceChildren(h('p', { class: 'result-bad' }, `${t('error')}: ${errorText(err)}`)); });
  return h('section', { class: 'panel actions', id: 'level-deadline' }, h('h2', {}, t(`levelDeadline_${u.level}`)),
    h('div', { class: 'form-row' }, h('label', {}, t('reason'), reason)), slot, out);
}
