import { errorText, fmtDay, t } from './i18n.js';
import { api, h } from './dom.js';

/**
 * The passport checker's screen: an ID or passport number in, a clear yes/no with why out, and
 * only what the answer needs (doses: number, vaccine, day, outcome; never a name or birth date).
 * 12 digits are a citizen ID; a 9-digit old card is refused with how to fix it; anything else
 * is read as a passport number.
 */
export function checkView(root) {
  const input = h('input', { type: 'text', id: 'check-number', inputmode: 'text', autocomplete: 'off', required: true, maxlength: '40', 'aria-describedby': 'check-hint' });
  const btn = h('button', { type: 'submit', class: 'primary', id: 'check-btn' }, t('checkBtn'));
  const out = h('section', { id: 'check-result', 'aria-live': 'polite' });
  const form = h('form', { class: 'panel check-form', onsubmit: async (e) => {
    e.preventDefault();
    const raw = input.value.replace(/[\s.-]/g, '');
    if (!raw) return;
    if (/^\d{9}$/.test(raw)) { out.replaceChildren(h('p', { class: 'notice error', role: 'alert' }, t('v.old_id'))); return; }
    const citizen = /^\d{12}$/.test(raw);
    if (!citizen && !/^[A-Za-z0-9]{6,12}$/.test(raw)) { out.replaceChildren(h('p', { class: 'notice error', role: 'alert' }, t('elig.bad_passport'))); return; }
    btn.disabled = true;
    out.replaceChildren(h('p', { class: 'muted', 'aria-busy': 'true' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), ' ', t('loading')));
    try {
      const a = await api(citizen ? `/api/citizens/${raw}/passport-eligibility` : `/api/passport-eligibility?passport=${encodeURIComponent(raw)}`);
      out.replaceChildren(answer(a));
    } catch (err) {
      const msg = err?.status === 400 ? t(citizen ? 'elig.bad_citizen_id' : 'elig.bad_passport') : errorText(err);
      out.replaceChildren(h('p', { class: 'notice error', role: 'alert' }, msg));
    } finally { btn.disabled = false; }
  } },
  h('label', { for: 'check-number' }, t('checkNumber')),
  h('p', { class: 'muted', id: 'check-hint' }, t('checkHint')),
  h('div', { class: 'form-row' }, input, btn));
  root.replaceChildren(h('div', { class: 'view check-view' }, h('h1', {}, t('checkTitle')), form, out));
  document.title = `${t('checkTitle')} — vaxverify`;
  input.focus();
  return () => {};
}

function answer(a) {
  const why = a.eligible ? t('eligibleWhyYes', { n: a.doses.length }) : t(`elig.${a.reason}`);
  return h('div', { class: `answer ${a.eligible ? 'yes' : 'no'}`, id: 'answer', dataset: { eligible: String(a.eligible) } },
    h('p', { class: 'verdict' }, a.eligible ? `✓ ${t('eligibleYes')}` : `✗ ${t('eligibleNo')}`),
    h('p', { class: 'why' }, why),
    h('p', { class: 'muted' }, t(`kind_${a.kind}`)),
    a.doses.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'worklist stack doses' },
      h('thead', {}, h('tr', {}, [t('doseNumber'), t('vaccine'), t('vaccinatedAt'), t('outcome')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, a.doses.map((d) => h('tr', {},
        h('td', { 'data-label': t('doseNumber') }, d.doseNumber ?? '—'),
        h('td', { 'data-label': t('vaccine') }, d.vaccine ?? '—'),
        h('td', { 'data-label': t('vaccinatedAt') }, d.vaccinatedAt ? fmtDay(String(d.vaccinatedAt).slice(0, 10)) : '—'),
        h('td', { 'data-label': t('outcome') }, t(d.outcome ?? 'pending'), d.correctionPending ? h('small', { class: 'muted' }, ` (${t('correctionPending')})`) : null)))))) : null);
}
