import { fmtTime, t } from './i18n.js';
import { api, h } from './dom.js';

/**
 * The commune police's sign-off step: corrections stored `awaiting_signoff` are applied only when
 * a commune_police identity approves them (POST /api/corrections/:id/sign-off). The health
 * station sees how many wait; the police approve or refuse each one (buttons, keyboard-reachable)
 * or download the sign-off sheet.
 */
export function signOffPanel(box, code, me) {
  const roles = me?.roles ?? [];
  const police = roles.includes('commune_police');
  if (!police && !roles.includes('commune_health')) { box.replaceChildren(); return; }
  const body = h('tbody', {});
  const note = h('p', { class: 'muted', 'aria-live': 'polite' });
  const load = async () => {
    try {
      const { items } = await api(`/api/localities/${code}/corrections?status=awaiting_signoff`);
      note.textContent = items.length ? t('signOffHint') : t('nothingToSign');
      body.replaceChildren(...items.map((c) => {
        const state = h('td', { class: 'state' });
        const act = (decision) => async (e) => {
          e.target.disabled = true;
          try {
            const r = await api(`/api/corrections/${c.id}/sign-off`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ decision }) });
            state.textContent = r.applied ? t('signedOk') : t(r.correction.status);
            state.className = `state ${r.applied ? 'result-ok' : ''}`;
            for (const b of state.parentElement.querySelectorAll('button')) b.disabled = true;
          } catch (err) {
            state.textContent = `${t('error')}: ${err.message}`;
            state.className = 'state result-bad';
            e.target.disabled = false;
          }
        };
        return h('tr', { dataset: { id: c.id } },
          h('td', {}, c.recordId),
          h('td', {}, (c.changes ?? []).map((x) => `${t(x.field)}: ${x.oldValue || '∅'} → ${x.newValue}`).join(' · ') || c.explanation || '—'),
          h('td', {}, `${c.officer?.name ?? ''}`, h('br'), h('small', { class: 'muted' }, fmtTime(c.createdAt))),
          police ? h('td', {}, h('button', { type: 'button', class: 'primary approve', onclick: act('approve') }, t('signOffBtn')), ' ',
            h('button', { type: 'button', class: 'link refuse', onclick: act('refuse') }, t('refuse'))) : null,
          state);
      }));
    } catch (err) {
      note.textContent = `${t('error')}: ${err.message}`;
    }
  };
  box.replaceChildren(h('section', { class: 'panel', id: 'sign-off' },
    h('h2', {}, t('signOff')), note,
    h('div', { class: 'table-wrap' }, h('table', { class: 'worklist sign-off' },
      h('thead', {}, h('tr', {}, [t('recordId'), t('changes'), t('by'), police ? '' : null, t('status')].filter((x) => x !== null).map((x) => h('th', { scope: 'col' }, x)))),
      body)),
    police ? h('p', {}, h('a', { href: `/api/localities/${code}/corrections/sign-off.csv`, download: `sign-off-${code}.csv` }, t('downloadSignOff'))) : null));
  void load();
}
