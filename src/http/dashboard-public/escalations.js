import { errorText, fmtTime, t } from './i18n.js';
import { api, h } from './dom.js';
import { confirmed } from './confirm.js';

/**
 * The escalations of a level's area on that level's page: a district's at the district, a
 * province's at the province, the ministry's on the nation's page. Each row names the late
 * locality (a link to it), the level it went to and the people it was sent to; those owed to
 * this page's level come first and may be acknowledged here by the level's coordinator (the API
 * decides who may; the page only offers the button where it would be accepted). An acknowledged
 * one shows who acknowledged it and when, and no button.
 */
const LISTS = ['ministry', 'campaign_admin', 'province_coordinator', 'district_coordinator', 'operator', 'commune_health', 'commune_police'];
export const seesEscalations = (me) => !!me?.roles?.some((r) => LISTS.includes(r));

/** The escalation level owed to a unit's page. */
const OWED = { national: 'ministry', province: 'province', district: 'district', commune: 'commune' };
/** Who acknowledges at a level, besides the ministry and the campaign admin. */
const ACKS = { commune: 'commune_health', district: 'district_coordinator', province: 'province_coordinator', ministry: null };
const levelName = (l) => t(l === 'ministry' ? 'ministry' : l);
const json = (method, body) => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

function ackedText(e, me) {
  const who = e.acknowledgedBy === me.sub ? (me.name ?? me.sub) : e.acknowledgedBy;
  return t('ackedBy', { who, at: fmtTime(e.acknowledgedAt) });
}

function sentTo(e) {
  if (!e.sentTo?.length) return h('span', { class: 'muted' }, t('noContacts'));
  return e.sentTo.map((c, i) => [i ? h('br') : null, h('b', {}, c.name), c.title ? ` — ${c.title}` : '', c.phone ? [' · ', h('a', { href: `tel:${c.phone.replace(/[^+\d]/g, '')}` }, c.phone)] : null]);
}

/** `u`: the unit (`_id`, `level`); on the worklist page a commune is `{ _id: code, level: 'commune' }`. */
export function escalationsPanel(u, me) {
  const owed = OWED[u.level];
  // As the API rules it (escalations.service mayAcknowledge): the level's coordinator, or the ministry or the campaign admin.
  const canAck = me.roles.includes('campaign_admin') || me.roles.includes('ministry') || (ACKS[owed] && me.roles.includes(ACKS[owed]));
  const body = h('tbody', {}, h('tr', {}, h('td', { colspan: 6, class: 'muted' }, t('loading'))));
  const out = h('p', { class: 'act-result', 'aria-live': 'polite' });
  const q = new URLSearchParams({ open: 'true', limit: '200' });
  if (u.level !== 'national') q.set('locality', u._id);
  const row = (e) => {
    const mine = e.level === owed && (owed === 'ministry' || e.targetCode === u._id);
    const state = h('td', { class: 'state', 'data-label': t('state') }, e.acknowledgedAt ? ackedText(e, me) : '');
    const act = h('td', { class: 'actions', 'data-label': t('actions') });
    if (mine && canAck && !e.acknowledgedAt) {
      act.append(confirmed(t('acknowledgeShort'), `ack-${e._id}`, t('acknowledge').toLowerCase(), async () => {
        const r = await api(`/api/escalations/${e._id}/ack`, json('POST', {}));
        state.textContent = ackedText(r, me);
        act.replaceChildren();
        return t('acknowledged');
      }, out));
    }
    return h('tr', { dataset: { id: e._id, level: e.level }, class: mine ? 'owed' : 'in-area' },
      h('td', { 'data-label': t('escLocality') }, h('a', { href: `/dashboard/l/${e.localityCode}` }, e.localityName ?? e.localityCode)),
      h('td', { 'data-label': t('escLevel') }, mine ? h('b', {}, levelName(e.level)) : levelName(e.level)),
      h('td', { 'data-label': t('escSentTo') }, sentTo(e)),
      h('td', { 'data-label': t('at') }, fmtTime(e.escalatedAt)),
      state, act);
  };
  api(`/api/escalations?${q}`).then(({ items }) => {
    // Owed to this level first, then the lower levels' in the area (read here, acted on at their own page).
    const sorted = [...items].sort((a, b) => Number(b.level === owed) - Number(a.level === owed));
    body.replaceChildren(...(sorted.length ? sorted.map(row) : [h('tr', {}, h('td', { colspan: 6, class: 'muted' }, t('noEscalations')))]));
  }).catch((err) => body.replaceChildren(h('tr', {}, h('td', { colspan: 6, class: 'result-bad' }, errorText(err)))));
  const head = h('thead', {}, h('tr', {}, ['escLocality', 'escLevel', 'escSentTo', 'at', 'state', 'actions'].map((k) => h('th', { scope: 'col' }, t(k)))));
  return h('section', { class: 'panel', id: 'escalations' },
    h('h2', {}, t('openEscalations')),
    h('p', { class: 'muted' }, t('escOwedHint', { level: levelName(owed) })),
    h('div', { class: 'table-wrap' }, h('table', { class: 'worklist stack escalations' }, head, body)), out);
}
