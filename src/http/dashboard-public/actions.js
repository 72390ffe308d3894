import { errorText, fmtMinute, fmtTime, t } from './i18n.js';
import { deadlineControls } from './deadline.js';
import { api, h } from './dom.js';
import { isCoordinator } from './nav.js';

/**
 * Coordinators act from the page: acknowledge an escalation, extend a commune's deadline,
 * require the police's approval of corrections, start a correction round. Each act asks for an
 * inline confirmation, calls the existing API (which writes the audit row with the signed-in
 * identity), and shows its result or error in place.
 */
const LISTS_ESCALATIONS = ['ministry', 'campaign_admin', 'province_coordinator', 'operator'];

/**
 * A button that turns into "Sure? [Yes] [Cancel]" and then runs `act`, showing its outcome in `out`.
 * `check()` (optional) names a problem the page can see before asking: shown in `out`, nothing sent.
 */
function confirmed(label, id, what, act, out, check = () => null) {
  const btn = h('button', { type: 'button', class: 'primary', id });
  btn.textContent = typeof label === 'function' ? label() : label;
  const wrap = h('span', { class: 'confirm-wrap' }, btn);
  btn.addEventListener('click', () => {
    const problem = check();
    if (problem) {
      out.textContent = `${t('error')}: ${problem}`;
      out.className = 'act-result result-bad';
      return;
    }
    if (typeof label === 'function') btn.textContent = label();
    const yes = h('button', { type: 'button', class: 'primary', id: `${id}-yes` }, t('yes'));
    const no = h('button', { type: 'button', class: 'link', id: `${id}-no` }, t('cancel'));
    wrap.replaceChildren(h('span', { class: 'confirm', role: 'alertdialog' }, t('confirmAction', { what: typeof what === 'function' ? what() : what }), ' ', yes, ' ', no));
    no.addEventListener('click', () => wrap.replaceChildren(btn));
    const restore = () => { if (typeof label === 'function') btn.textContent = label(); wrap.replaceChildren(btn); };
    yes.addEventListener('click', async () => {
      yes.disabled = true; no.disabled = true;
      out.className = 'act-result muted';
      out.textContent = t('loading');
      try {
        out.textContent = await act();
        out.className = 'act-result result-ok';
      } catch (err) {
        out.textContent = `${t('error')}: ${errorText(err)}`;
        out.className = 'act-result result-bad';
      }
      restore();
    });
    yes.focus();
  });
  return wrap;
}

const json = (method, body) => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const role = (me) => me.roles.find((r) => r !== 'passport_checker') ?? 'coordinator';

/** A commune's round: extend its deadline, the sign-off requirement (with its audit trail), a correction round. */
function communeActions(u, me) {
  const out = h('p', { class: 'act-result', id: 'act-result', 'aria-live': 'polite' });
  const reason = h('input', { type: 'text', id: 'act-reason', value: '', placeholder: t('reason'), 'aria-label': t('reason'), maxlength: '200' });
  const why = () => reason.value.trim() || `${t('deadline')} — ${me.name ?? me.sub}`;
  // A deadline act reloads the change log below (it lists every act on the commune).
  const deadline = u.roundId ? deadlineControls(u, confirmed, why, out, () => void loadSetting()) : null;

  const setting = h('span', { id: 'signoff-state', class: 'muted' }, t('loading'));
  const trail = h('ul', { class: 'audit', id: 'signoff-audit' });
  let required = null;
  const loadSetting = async () => {
    try {
      const s = await api(`/api/localities/${u._id}/correction-settings`);
      required = s.signOffRequired;
      setting.textContent = required ? t('signOffOn') : t('signOffOff');
      const b = toggle.querySelector('#act-signoff');
      if (b) b.textContent = required ? t('turnSignOffOff') : t('turnSignOffOn');
      trail.replaceChildren(...(s.changes ?? []).slice(0, 10).map((c) => h('li', {}, `${fmtTime(c.at)} · ${c.name || c.sub} · ${auditLabel(c)}`)));
    } catch (err) { setting.textContent = errorText(err); }
  };
  // The button names the act it does (on or off), not the state it is in.
  const toggle = confirmed(() => (required ? t('turnSignOffOff') : t('turnSignOffOn')), 'act-signoff', () => (required ? t('turnSignOffOff') : t('turnSignOffOn')).toLowerCase(), async () => {
    const r = await api(`/api/localities/${u._id}/correction-settings`, json('PUT', { signOffRequired: !required }));
    await loadSetting();
    return r.signOffRequired ? t('signOffOn') : t('signOffOff');
  }, out);
  void loadSetting();

  const round = confirmed(t('enqueueCorrection'), 'act-correction', t('enqueueCorrection'), async () => {
    const r = await api(`/api/localities/${u._id}/correction-rounds`, json('POST', { reason: reason.value.trim() || t('enqueueCorrection') }));
    return t('enqueued', { round: r.roundId });
  }, out);

  return h('section', { class: 'panel actions', id: 'actions' }, h('h2', {}, t('actions')),
    h('div', { class: 'form-row' }, h('label', {}, t('reason'), reason)),
    deadline,
    h('div', { class: 'form-row' }, setting, toggle),
    h('details', {}, h('summary', {}, t('auditTrail')), trail),
    h('div', { class: 'form-row' }, round),
    out);
}

/** An audit row as the change log reads it: the act done, with before → after where it has them. */
function auditLabel(c) {
  switch (c.action) {
    case 'correction-settings.signOffRequired': return t(c.after ? 'audit.signOffOn' : 'audit.signOffOff');
    case 'round.deadline': {
      const from = c.before?.deadline; const to = c.after?.deadline;
      const act = c.after?.act ?? (from && to && new Date(to) < new Date(from) ? 'shorten' : 'set');
      return t(`audit.${act}`, { from: fmtMinute(from), to: fmtMinute(to) });
    }
    case 'correction-round.enqueue': return t('enqueueCorrection');
    case 'escalation.ack': return t('acknowledged');
    default: return t('done');
  }
}

/** Open escalations in the unit's area, each with an acknowledge button (coordinators). */
function escalationsPanel(u, children, me) {
  const body = h('tbody', {}, h('tr', {}, h('td', { colspan: 4, class: 'muted' }, t('loading'))));
  const out = h('p', { class: 'act-result', 'aria-live': 'polite' });
  const canAck = isCoordinator(me);
  const names = new Map(children.map((c) => [c._id, c.name]));
  const q = new URLSearchParams({ open: 'true', limit: '200' });
  if (u.level === 'province') q.set('province', u._id);
  else if (u.level === 'district') q.set('province', u.provinceCode);
  else if (!me.roles.some((r) => r === 'ministry' || r === 'campaign_admin' || r === 'operator')) q.set('province', me.localities?.[0]?.slice(0, 2) ?? '');
  api(`/api/escalations?${q}`).then(({ items }) => {
    // A district page lists its communes' escalations; a province or the nation every one it may see.
    const mine = u.level === 'district' ? items.filter((e) => e.districtCode === u._id) : items;
    body.replaceChildren(...(mine.length ? mine.map((e) => {
      const state = h('td', { class: 'state' }, e.acknowledgedAt ? `${t('acknowledged')} ${fmtTime(e.acknowledgedAt)}` : '');
      return h('tr', { dataset: { id: e._id } },
        h('td', { 'data-label': t('commune') }, names.get(e.localityCode) ?? e.localityCode),
        h('td', { 'data-label': t('escalation') }, t(e.level === 'ministry' ? 'ministry' : e.level)),
        h('td', { 'data-label': t('at') }, fmtTime(e.escalatedAt ?? e.createdAt)),
        h('td', { class: 'actions', 'data-label': t('actions') }, canAck && !e.acknowledgedAt ? confirmed(t('acknowledge'), `ack-${e._id}`, t('acknowledge'), async () => {
          const r = await api(`/api/escalations/${e._id}/ack`, json('POST', { by: t(`role_${role(me)}`) }));
          state.textContent = `${t('acknowledged')} ${fmtTime(r.acknowledgedAt)}`;
          return t('acknowledged');
        }, out) : null),
        state);
    }) : [h('tr', {}, h('td', { colspan: 5, class: 'muted' }, t('noEscalations')))]));
  }).catch((err) => body.replaceChildren(h('tr', {}, h('td', { colspan: 5, class: 'result-bad' }, errorText(err)))));
  return h('section', { class: 'panel', id: 'escalations' }, h('h2', {}, t('openEscalations')),
    h('div', { class: 'table-wrap' }, h('table', { class: 'worklist stack escalations' }, body)), out);
}

/** The panels a unit's page offers its viewer: none for a read-only role. */
export function actionPanels(u, children, me) {
  if (!me) return null;
  const panels = [];
  if (u.level === 'commune' && isCoordinator(me)) panels.push(communeActions(u, me));
  if (u.level !== 'commune' && me.roles.some((r) => LISTS_ESCALATIONS.includes(r)) && (u.escalation.level || u.escalation.byLevel && Object.values(u.escalation.byLevel).some((n) => n > 0))) {
    panels.push(escalationsPanel(u, children, me));
  }
  return panels;
}
