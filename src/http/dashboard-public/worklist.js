import { fmtNum, fmtPct, t } from './i18n.js';
import { api, h, HttpError, whoAmI } from './dom.js';
import { signOffPanel } from './sign-off.js';

/** Records per page: a screenful to review; the keyset (`after`) pages through 15,000 quickly. */
const PAGE = 100;
const OUTCOMES = ['corrected', 'review', 'not_found', 'invalid'];

const fields = (v) => [v?.fullName, v?.dateOfBirth, v?.gender, v?.idNumber].map((x) => x ?? '');
const suggestion = (s) => Object.entries(s ?? {}).map(([k, v]) => `${t(k)}: ${v}`).join(' · ');

function uploadResult(r) {
  const ok = (label, n, cls) => h('li', { class: cls }, `${label}: `, h('b', {}, fmtNum(n)));
  return h('section', { class: 'panel', id: 'upload-result', 'aria-live': 'polite' },
    h('h2', {}, t('uploadResult')),
    h('ul', {}, ok(t('rows'), r.rows), ok(t('applied'), r.applied, 'result-ok'), ok(t('explained'), r.explained, 'result-ok'),
      ok(t('awaitingSignOff'), r.awaitingSignOff ?? 0),
      ok(t('rejectedDecisions'), r.rejectedDecisions), ok(t('duplicates'), r.duplicates), ok(t('skipped'), r.skipped),
      ok(t('rejectedRows'), r.rejected.length, r.rejected.length ? 'result-bad' : ''),
      r.correctionRounds.length ? h('li', {}, `${t('correctionRounds')}: ${r.correctionRounds.join(', ')}`) : null),
    r.rejected.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'rejected' },
      h('thead', {}, h('tr', {}, [t('row'), t('recordId'), t('field'), t('reason')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, r.rejected.map((x) => h('tr', {}, h('td', {}, x.row), h('td', {}, x.recordId ?? '—'), h('td', {}, x.field), h('td', {}, x.reason)))))) : null);
}

/** A commune's worklist: filters, keyset pages, worksheet download/upload, sign-off, history links. */
export function worklistView(root, code) {
  let stopped = false;
  const q = new URLSearchParams(location.search);
  const state = { outcome: q.get('outcome') ?? '', after: q.get('after') ?? '', pages: [] };
  const table = h('tbody', {});
  const pager = h('div', { class: 'filters' });
  const summary = h('p', { class: 'muted' });
  const title = h('h1', {}, `${t('worklist')} — ${code}`);
  const resultBox = h('div', {});

  const exportHref = (ext) => `/api/localities/${code}/worklist.${ext}${state.outcome ? `?outcome=${state.outcome}` : ''}`;
  const dl = { csv: h('a', { class: 'button', id: 'download-csv', href: exportHref('csv'), download: `worklist-${code}.csv` }, t('downloadCsv')),
    xlsx: h('a', { class: 'button', id: 'download-xlsx', href: exportHref('xlsx'), download: `worklist-${code}.xlsx` }, t('downloadXlsx')) };

  const outcomeSel = h('select', { id: 'outcome', 'aria-label': t('outcome'), onchange: (e) => { state.outcome = e.target.value; state.after = ''; state.pages = []; sync(); void load(); } },
    h('option', { value: '' }, t('anyOutcome')), OUTCOMES.map((o) => h('option', { value: o, selected: state.outcome === o }, t(o))));

  const sync = () => {
    const p = new URLSearchParams();
    if (state.outcome) p.set('outcome', state.outcome);
    if (state.after) p.set('after', state.after);
    history.replaceState(null, '', `${location.pathname}${p.size ? `?${p}` : ''}`);
    dl.csv.href = exportHref('csv'); dl.xlsx.href = exportHref('xlsx');
  };

  const load = async () => {
    const p = new URLSearchParams({ limit: String(PAGE) });
    if (state.outcome) p.set('outcome', state.outcome);
    if (state.after) p.set('after', state.after);
    try {
      const page = await api(`/api/localities/${code}/worklist?${p}`);
      if (stopped) return;
      table.replaceChildren(...(page.items.length ? page.items.map((it) => h('tr', { tabindex: '-1', dataset: { id: it.recordId } },
        h('td', {}, h('a', { href: `/dashboard/r/${encodeURIComponent(it.recordId)}` }, it.recordId)),
        h('td', {}, h('span', { class: `badge ${it.outcome === 'review' ? 'at_risk' : it.outcome === 'corrected' ? '' : 'overdue'}` }, t(it.outcome)), it.correctionPending ? h('small', { class: 'muted' }, ` ${t('pending')}`) : null),
        fields(it.entered).map((v) => h('td', {}, v)),
        h('td', {}, suggestion(it.suggested) || it.reason || '—')))
        : [h('tr', {}, h('td', { colspan: 7, class: 'muted' }, t('noRows')))]));
      const first = table.querySelector('tr[tabindex]');
      if (first) first.tabIndex = 0;
      pager.replaceChildren(...[
        state.after ? h('button', { type: 'button', class: 'link', onclick: () => { state.after = ''; state.pages = []; sync(); void load(); } }, t('first')) : null,
        page.next ? h('button', { type: 'button', class: 'link', id: 'next-page', onclick: () => next(page.next) }, `${t('next')} →`) : null].filter(Boolean));
      pager.next = page.next;
    } catch (err) {
      table.replaceChildren(h('tr', {}, h('td', { colspan: 7, class: 'notice error' }, err instanceof HttpError && err.status === 403 ? t('forbidden') : `${t('error')}: ${err.message}`)));
    }
  };
  const next = (after) => { if (!after) return; state.pages.push(state.after); state.after = after; sync(); void load(); };

  // Keyboard: j/k or arrows move between rows, Enter opens the history, n next page, / filter.
  const onKey = (e) => {
    if (e.target.matches('input, select, textarea')) return;
    const rows = [...table.querySelectorAll('tr[tabindex]')];
    const i = rows.indexOf(document.activeElement);
    const go = (j) => { const r = rows[Math.max(0, Math.min(rows.length - 1, j))]; if (!r) return; rows.forEach((x) => { x.tabIndex = -1; }); r.tabIndex = 0; r.focus(); e.preventDefault(); };
    if (e.key === 'j' || e.key === 'ArrowDown') go(i + 1);
    else if (e.key === 'k' || e.key === 'ArrowUp') go(i < 0 ? 0 : i - 1);
    else if (e.key === 'Enter' && i >= 0) { rows[i].querySelector('a').click(); e.preventDefault(); }
    else if (e.key === 'n') { next(pager.next); e.preventDefault(); }
    else if (e.key === '/') { outcomeSel.focus(); e.preventDefault(); }
  };
  document.addEventListener('keydown', onKey);

  const fileInput = h('input', { type: 'file', id: 'worksheet-file', accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', required: true });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'upload-btn' }, t('uploadBtn'));
  const form = h('form', { class: 'panel', id: 'upload-form', onsubmit: async (e) => {
    e.preventDefault();
    const file = fileInput.files?.[0];
    if (!file) return;
    submit.disabled = true;
    try {
      // The submitting officer is the signed-in identity (the server ignores the sheet's officer columns).
      const r = await api(`/api/localities/${code}/corrections/upload`, { method: 'POST', body: await file.arrayBuffer(), headers: { 'content-type': 'application/octet-stream' } });
      resultBox.replaceChildren(uploadResult(r));
      signOffPanel(signOff, code, signedIn);
      void load();
    } catch (err) {
      resultBox.replaceChildren(h('p', { class: 'notice error', role: 'alert' }, `${t('error')}: ${err.message}`));
    } finally { submit.disabled = false; }
  } },
  h('h2', {}, t('upload')),
  h('div', { class: 'form-row' }, h('label', {}, t('file'), fileInput), submit));

  const signOff = h('div', {});
  let signedIn = null;
  const render = (me) => {
  signedIn = me;
  // The commune police sign off; they do not read the worklist (the API refuses them).
  const police = !!me?.roles?.includes('commune_police') && !me.roles.includes('commune_health');
  if (police) {
    title.textContent = `${t('signOff')} — ${code}`;
    root.replaceChildren(h('div', { class: 'view worklist-view' },
      h('nav', { class: 'crumbs' }, h('a', { href: `/dashboard/l/${code}`, id: 'commune-link' }, code)), title, summary, signOff));
    signOffPanel(signOff, code, me);
    return;
  }
  root.replaceChildren(h('div', { class: 'view worklist-view' },
    h('nav', { class: 'crumbs' }, h('a', { href: `/dashboard/l/${code}`, id: 'commune-link' }, code)),
    title, summary,
    h('div', { class: 'filters' }, h('label', { for: 'outcome' }, `${t('filter')}: `), outcomeSel, dl.csv, dl.xlsx),
    h('p', { class: 'keys muted' }, t('keys')),
    h('div', { class: 'table-wrap' }, h('table', { class: 'worklist' },
      h('thead', {}, h('tr', {}, [t('recordId'), t('outcome'), t('fullName'), t('dateOfBirth'), t('gender'), t('idNumber'), t('suggestion')].map((x) => h('th', { scope: 'col' }, x)))),
      table)),
    pager, form, resultBox, signOff));
  signOffPanel(signOff, code, me);
  void load();
  };

  // The commune's name and figures from the rollup (one read), then the first page.
  api(`/api/dashboard/progress/${code}`).then((d) => {
    if (stopped || !d.unit) return;
    title.textContent = `${title.textContent.split(' — ')[0]} — ${d.unit.name}`;
    const link = document.getElementById('commune-link');
    if (link) link.textContent = d.unit.name;
    document.title = `${t('worklist')} — ${d.unit.name}`;
    const r = d.unit.records;
    summary.textContent = `${t('total')} ${fmtNum(r.total)} · ${t('verified')} ${fmtPct(r.verified, r.total)} · ${t('corrected')} ${fmtNum(r.corrected)} · ${t('review')} ${fmtNum(r.review)} · ${t('not_found')} ${fmtNum(r.not_found)} · ${t('invalid')} ${fmtNum(r.invalid)}`;
  }).catch(() => {});
  whoAmI().catch(() => null).then((me) => { if (!stopped) render(me); });
  return () => { stopped = true; document.removeEventListener('keydown', onKey); };
}
