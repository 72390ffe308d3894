import { errorText, fmtMinute, fmtTime, t } from './i18n.js';
import { deadlineControls, levelDeadlinePanel, maySetLevelDeadline } from './deadline.js';
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
  const deadline = u.roundId ? deadlineControls({ current: u.deadline, send: (body) => api(`/api/rounds/${encodeURIComponent(u.roundId)}/deadline`, json('PATCH', body)) }, why, out, () => void loadSetting()) : null;

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
    case 'level.deadline': return t(`audit.${c.after?.act ?? 'set'}`, { from: fmtMinute(c.before?.deadline), to: fmtMinute(c.after?.deadline) });
    case 'correction-round.enqueue': return t('enqueueCorrection');
    case 'escalation.ack': return t('acknowledged');
    case 'correction.signOff': return t(c.after?.decision === 'refuse' ? 'audit.signOffRefuse' : 'audit.signOffApprove', { id: c.after?.recordId ?? '' });
    case 'correction.signOff.undo': return t(c.before?.decision === 'approve' ? 'audit.undoApprove' : 'audit.undoRefuse', { id: c.after?.recordId ?? '' });
    default: return t('done');
  }
}

/**
 * A coordinator starts a verification round of their area (a province, a district, a commune) from
 * its page. The round number is read once when the panel is drawn (the next after the area's
 * highest): a double click, a retry or a second tab sends the same number, and the API's natural
 * round IDs make the repeat a no-op ("đã có"), never a second round.
 */
function startRoundPanel(u) {
  const out = h('p', { class: 'act-result', id: 'start-round-result', 'aria-live': 'polite' });
  const slot = h('div', { class: 'form-row' }, h('span', { class: 'muted' }, t('loading')));
  api(`/api/rounds?locality=${u._id}&kind=verification&limit=1000`).then((list) => {
    const seq = Math.max(0, ...(list.items ?? []).map((r) => r.seq ?? 0)) + 1;
    slot.replaceChildren(h('span', {}, t('nextRound', { n: seq })), ' ', confirmed(t('startRound'), 'act-start-round', t('startRoundConfirm', { n: seq, name: u.name }), async () => {
      const r = await api('/api/rounds', json('POST', { localities: [u._id], kind: 'verification', seq }));
      const made = r.rounds.filter((x) => x.created).length;
      return t('roundsStarted', { n: made, k: r.rounds.length - made });
    }, out));
  }).catch((err) => { slot.replaceChildren(h('span', { class: 'result-bad' }, `${t('error')}: ${errorText(err)}`)); });
  return h('section', { class: 'panel actions', id: 'start-round' }, h('h2', {}, t('startRoundTitle')), slot, out);
}

/** The panels a unit's page offers its viewer: none for a read-only role. */
export function actionPanels(u, children, me) {
  if (!me) return null;
  const panels = [];
  if (u.level === 'commune' && isCoordinator(me)) panels.push(communeActions(u, me));
  if (u.level !== 'commune' && maySetLevelDeadline(me, u.level)) panels.push(levelDeadlinePanel(u, me));
  if (u.level !== 'national' && isCoordinator(me)) panels.push(startRoundPanel(u));
  // Every level's page, the commune's too (its people see what was escalated about it, and to whom).
  if (seesEscalations(me)) panels.push(escalationsPanel(u, me));
  return panels;
}
