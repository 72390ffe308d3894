import { errorText, fmtMinute, fmtTime, t } from './i18n.js';
import { deadlineControls } from './deadline.js';
import { confirmed } from './confirm.js';
import { escalationsPanel, seesEscalations } from './escalations.js';
import { api, h } from './dom.js';
import { isCoordinator } from './nav.js';

/**
 * Coordinators act from the page: acknowledge an escalation, extend a commune's deadline,
 * require the police's approval of corrections, start a correction round. Each act asks for an
 * inline confirmation, calls the existing API (which writes the audit row with the signed-in
 * identity), and shows its result or error in place.
 */

const json = (method, body) => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** A commune's round: extend its deadline, the sign-off requirement (with its audit trail), a correction round. */
function communeActions(u, me) {
  const out = h('p', { class: 'act-result', id: 'act-result', 'aria-live': 'polite' });
  const reason = h('input', { type: 'text', id: 'act-reason', value: '', placeholder: t('reason'), 'aria-label': t('reason'), maxlength: '200' });
  const why = () => reason.value.trim() || `${t('deadline')} — ${me.name ?? me.sub}`;
  // A deadline act reloads the change log below (it lists every act on the commune).
  const deadline = u.roundId ? deadlineControls(u, why, out, () => void loadSetting()) : null;

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

/** The panels a unit's page offers its viewer: none for a read-only role. */
export function actionPanels(u, children, me) {
  if (!me) return null;
  const panels = [];
  if (u.level === 'commune' && isCoordinator(me)) panels.push(communeActions(u, me));
  if (u.level !== 'commune' && seesEscalations(me)) panels.push(escalationsPanel(u, me));
  return panels;
}
