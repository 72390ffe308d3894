import { errorText, fmtBirth, fmtGender, fmtTime, lang, reasonText, t } from './i18n.js';
import { api, h } from './dom.js';

const shown = (field, v) => (field === 'dateOfBirth' ? fmtBirth(v) : field === 'gender' ? fmtGender(v) : v);
/** 'Trạm Y tế xã Tản Lĩnh (F09697-1)', or the bare ID of a site the register lacks. */
export const facilityText = (r) => (r.facilityName ? `${r.facilityName} (${r.facilityId})` : r.facilityId ?? '');
/** 'verification-09619-1' → 'xác minh 1', 'correction-09619-2' → 'đối chiếu lại 2': the round as people say it, not its ID. */
const roundName = (id) => { const m = /^(verification|correction)-\w+-(\d+)$/.exec(id ?? ''); return m ? t(`roundOf.${m[1]}`, { n: m[2] }) : id; };
const who = (e) => `${e.officer?.name ?? ''} (${t(e.officer?.role ?? '')})${e.signOff ? ` · ${t('signedOff')}: ${e.signOff.by}` : ''}`;

/** A record's history: every verification result and every correction, oldest first. */
export function historyView(root, recordId) {
  let stopped = false;
  root.replaceChildren(h('p', { class: 'muted', 'aria-busy': 'true' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), ' ', t('loading')));
  api(`/api/records/${encodeURIComponent(recordId)}/history`).then((hist) => {
    if (stopped) return;
    document.title = `${t('history')} — ${recordId}`;
    const r = hist.record ?? {};
    root.replaceChildren(h('div', { class: 'view' },
      h('nav', { class: 'crumbs' }, h('a', { href: `/dashboard/w/${hist.communeCode}` }, `← ${t('worklist')} ${hist.communeCode}`)),
      h('h1', {}, `${t('history')} — ${recordId}`),
      h('p', { class: 'muted' }, `${t('version')} ${hist.version} · ${t('idNumber')} ${r.idNumber || '—'} · ${t('dateOfBirth')} ${fmtBirth(r.dateOfBirth) || '—'} · ${t('gender')} ${fmtGender(r.gender) || '—'}`),
      // Where the dose was given: the site's name from the facility register (answerable for what it entered).
      h('p', { id: 'record-facility' }, `${t('facility')}: `, h('b', {}, facilityText(r) || '—'),
        r.vaccinatedAt ? ` · ${t('vaccinatedAt')} ${fmtBirth(String(r.vaccinatedAt).slice(0, 10))}` : ''),
      h('div', { class: 'table-wrap' }, h('table', { class: 'worklist history stack' },
        h('thead', {}, h('tr', {}, [t('at'), '', t('status'), t('changes'), t('by')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, hist.events.map((e) => e.type === 'result'
          ? h('tr', {}, h('td', { 'data-label': t('at') }, fmtTime(e.at)), h('td', {}, t('result')), h('td', { 'data-label': t('status') }, h('span', { class: 'badge' }, t(e.outcome))),
            h('td', { 'data-label': t('changes'), class: 'wrap' }, Object.entries(e.corrections ?? {}).map(([k, v]) => `${t(k)} → ${shown(k, v)}`).join(' · ') || reasonText(e.reason) || '—',
              e.evidenceText ? h('p', { class: 'evidence muted', 'data-testid': 'evidence' }, `${t('evidence')}: ${e.evidenceText[lang]}`) : null),
            h('td', { 'data-label': t('by') }, t('system', { round: roundName(e.roundId) })))
          : h('tr', {}, h('td', { 'data-label': t('at') }, fmtTime(e.at)), h('td', {}, `${t('correction')}: ${t(e.decision)}`), h('td', { 'data-label': t('status') }, t(e.status)),
            h('td', { 'data-label': t('changes'), class: 'wrap' }, (e.changes ?? []).map((c) => `${t(c.field)}: ${shown(c.field, c.oldValue) || '∅'} → ${shown(c.field, c.newValue)}`).join(' · ') || e.explanation || '—'),
            h('td', { 'data-label': t('by') }, who(e)))))))));
  }).catch((err) => { if (!stopped) root.replaceChildren(h('p', { class: 'notice error', role: 'alert' }, `${t('error')}: ${errorText(err)}`)); });
  return () => { stopped = true; };
}
