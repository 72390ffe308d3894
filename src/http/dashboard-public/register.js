import { fmtMinute, fmtNum, fmtTime, t } from './i18n.js';
import { api, h } from './dom.js';

/** Refresh of the register panel: its state changes within seconds (issue 26). */
const REFRESH_MS = 5_000;

/** The population register's panel (GET /api/register): state, quota, calls, waiting records, last outage. */
export function registerPanel() {
  const box = h('section', { class: 'register-panel', 'aria-live': 'polite' });
  let timer;
  const draw = (s) => {
    const badge = s.mode === 'mirror' ? t('register.mirror')
      : s.state === 'down' ? t('register.down', { since: fmtTime(s.downSince) }) : t(`register.${s.state}`);
    box.className = `register-panel state-${s.mode === 'mirror' ? 'up' : s.state}`;
    box.replaceChildren(
      h('h2', {}, t('register.title')),
      h('p', { class: 'register-state' }, badge),
      s.mode === 'mirror' ? null : [
        h('p', {}, t('register.quota', { used: fmtNum(s.usedPerSecond), allowed: fmtNum(s.allowedPerSecond), granted: fmtNum(s.quotaPerSecond) })),
        h('p', {}, t('register.calls', { calls: s.callsPerSecond, rejected: fmtNum(s.rejected429), p95: s.latencyP95Ms ?? '—' })),
        h('p', {}, t('register.waiting', { records: fmtNum(s.recordsWaiting), chunks: fmtNum(s.chunksWaiting) })),
        s.lastOutage ? h('p', { class: 'muted' }, t('register.lastOutage', { from: fmtTime(s.lastOutage.from), to: fmtTime(s.lastOutage.to), rounds: s.lastOutage.rounds })) : null,
      ],
    );
  };
  const load = async () => {
    if (!box.isConnected && timer !== undefined) return;
    try { draw(await api('/api/register')); } catch { box.replaceChildren(); }
    timer = setTimeout(load, REFRESH_MS);
  };
  void load();
  return box;
}

/**
 * What a register outage did to a commune's round (the rollup's `registerOutage`): its deadline
 * moved by the time it waited (REGISTRY_OUTAGE_POLICY=extend), or its escalations held while the
 * register was down and for as long after (`hold`). Deadlines to the minute, dd/mm/yyyy hh:mm.
 */
export function registerOutageNote(note) {
  if (!note) return null;
  const lines = [];
  const moved = note.deadlineMoved;
  if (moved) {
    const minutes = Math.max(1, Math.round((new Date(moved.to).getTime() - new Date(moved.from).getTime()) / 60_000));
    lines.push(h('p', { 'data-testid': 'outage-deadline' }, t('registerOutage.moved', { minutes, from: fmtMinute(moved.from), to: fmtMinute(moved.to), at: fmtMinute(moved.at) })));
  }
  const held = note.escalationsHeld;
  if (held) {
    lines.push(h('p', { 'data-testid': 'outage-hold' }, held.until
      ? t('registerOutage.held', { since: fmtMinute(held.since), until: fmtMinute(held.until) })
      : t('registerOutage.holding', { since: fmtMinute(held.since) })));
  }
  return h('section', { class: 'notice register-outage', id: 'register-outage', role: 'note' }, lines);
}
