import { fmtTime, t } from './i18n.js';
import { api, h } from './dom.js';

/** A record's history: every verification result and every correction, oldest first. */
export function historyView(root, recordId) {
  let stopped = false;
  root.replaceChildren(h('p', { class: 'muted' }, t('loading')));
  api(`/api/records/${encodeURIComponent(recordId)}/history`).then((hist) => {
    if (stopped) return;
    document.title = `${t('history')} — ${recordId}`;
    root.replaceChildren(h('div', { class: 'view' },
      h('nav', { class: 'crumbs' }, h('a', { href: `/dashboard/w/${hist.communeCode}` }, `← ${t('worklist')} ${hist.communeCode}`)),
      h('h1', {}, `${t('history')} — ${recordId}`),
      h('p', { class: 'muted' }, `${t('version')} ${hist.version}`),
      h('div', { class: 'table-wrap' }, h('table', { class: 'worklist history' },
        h('thead', {}, h('tr', {}, [t('at'), '', t('status'), t('changes'), t('by')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, hist.events.map((e) => e.type === 'result'
          ? h('tr', {}, h('td', {}, fmtTime(e.at)), h('td', {}, t('result')), h('td', {}, h('span', { class: 'badge' }, t(e.outcome))),
            h('td', {}, Object.entries(e.corrections ?? {}).map(([k, v]) => `${t(k)} → ${v}`).join(' · ') || e.reason || '—'), h('td', {}, e.roundId))
          : h('tr', {}, h('td', {}, fmtTime(e.at)), h('td', {}, `${t('correction')}: ${t(e.decision)}`), h('td', {}, t(e.status)),
            h('td', {}, (e.changes ?? []).map((c) => `${t(c.field)}: ${c.oldValue || '∅'} → ${c.newValue}`).join(' · ') || e.explanation || '—'),
            h('td', {}, `${e.officer?.name ?? ''} (${t(e.officer?.role ?? '')})${e.signOff ? ` · ${t('signedOff')}: ${e.signOff.by}` : ''}`))))))));
  }).catch((err) => { if (!stopped) root.replaceChildren(h('p', { class: 'notice error', role: 'alert' }, `${t('error')}: ${err.message}`)); });
  return () => { stopped = true; };
}
