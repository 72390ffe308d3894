import { errorText, fmtNum, t } from './i18n.js';
import { api, h } from './dom.js';

/**
 * A commune's vaccination sites (the facility register), on its page: each site's name and head,
 * the records it entered that still need the health station, and how many of those are past the
 * round's deadline (GET /api/localities/:code/facilities, counts only). A site the records name but
 * the register lacks shows its ID and says so.
 */
export function facilitiesSection(code) {
  const body = h('tbody', {}, h('tr', {}, h('td', { colspan: 4, class: 'muted' }, t('loading'))));
  const head = (f) => (f.head ? [h('b', {}, f.head.name), f.head.title ? ` — ${f.head.title}` : '',
    f.head.phone ? [' · ', h('a', { href: `tel:${f.head.phone.replace(/[^+\d]/g, '')}` }, f.head.phone)] : null] : '—');
  api(`/api/localities/${code}/facilities`).then(({ items }) => {
    body.replaceChildren(...(items.length ? items.map((f) => h('tr', { dataset: { facility: f.facilityId ?? '' }, class: f.overdue > 0 ? 'overdue' : '' },
      h('td', { 'data-label': t('facility'), class: 'facility-name wrap' }, h('b', {}, f.name ?? f.facilityId ?? '—'), h('br'),
        h('small', { class: 'muted' }, f.registered ? f.facilityId : `${f.facilityId ?? '—'} · ${t('facilityUnregistered')}`)),
      h('td', { 'data-label': t('facilityHead'), class: 'head wrap' }, head(f)),
      h('td', { 'data-label': t('facilityToCorrect'), class: 'to-correct' }, fmtNum(f.toCorrect)),
      h('td', { 'data-label': t('facilityOverdue'), class: 'overdue-count' }, f.overdue > 0 ? h('span', { class: 'badge overdue' }, fmtNum(f.overdue)) : fmtNum(0))))
      : [h('tr', {}, h('td', { colspan: 4, class: 'muted' }, t('noFacilities')))]));
  }).catch((err) => body.replaceChildren(h('tr', {}, h('td', { colspan: 4, class: 'notice error', role: 'alert' }, `${t('error')}: ${errorText(err)}`))));
  return h('section', { class: 'facilities', id: 'facilities' }, h('h2', {}, t('facilities')),
    h('p', { class: 'muted small' }, t('facilitiesHint')),
    h('div', { class: 'table-wrap' }, h('table', { class: 'worklist facilities stack' },
      h('thead', {}, h('tr', {}, [t('facility'), t('facilityHead'), t('facilityToCorrect'), t('facilityOverdue')].map((x) => h('th', { scope: 'col' }, x)))),
      body)));
}
