import { errorText, fmtBirth, fmtGender, fmtNum, fmtPct, reasonText, t } from './i18n.js';
import { resultPanel, uploadForm } from './upload-result.js';
import { api, h, whoAmI } from './dom.js';
import { signOffPanel } from './sign-off.js';
import { escalationsPanel } from './escalations.js';
import { crumbs } from './nav.js';

/** Records per page: a screenful to review; the keyset (`after`) pages through 15,000 quickly. */
const PAGE = 100;
const OUTCOMES = ['corrected', 'review', 'not_found', 'invalid'];
const FIELDS = ['fullName', 'dateOfBirth', 'gender', 'idNumber'];

/** A value as the officer reads it: dates dd/mm/yyyy (month/year as mm/yyyy), sex Nam/Nữ. */
const shown = (field, v) => (field === 'dateOfBirth' ? fmtBirth(v) : field === 'gender' ? fmtGender(v) : v ?? '');
const suggestion = (s) => Object.entries(s ?? {}).map(([k, v]) => `${t(k)}: ${shown(k, v)}`).join(' · ');

function uploadResult(r) {
  return resultPanel('upload-result', t('uploadResult'), [[t('rows'), r.rows], [t('applied'), r.applied, 'result-ok'], [t('explained'), r.explained, 'result-ok'],
    [t('awaitingSignOff'), r.awaitingSignOff ?? 0], [t('rejectedDecisions'), r.rejectedDecisions], [t('duplicates'), r.duplicates], [t('skipped'), r.skipped]],
  r.rejected, r.correctionRounds.length ? h('li', {}, `${t('correctionRounds')}: ${r.correctionRounds.join(', ')}`) : null);
}

/**
 * A worksheet download streamed into the page: the bytes (and, for CSV, the rows) are counted as
 * they arrive, so a long export shows progress instead of a silent link; the file is saved when
 * complete. `expected` (from the rollup) turns the row count into a bar.
 */
async function streamDownload(href, name, status, expected) {
  const bar = h('progress', { max: String(Math.max(1, expected)), value: '0' });
  const label = h('span', {}, t('downloading', { n: 0 }));
  status.replaceChildren(bar, ' ', label);
  status.setAttribute('aria-busy', 'true');
  try {
    const res = await fetch(href, { credentials: 'same-origin' });
    if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { status: res.status });
    const reader = res.body.getReader();
    const parts = [];
    let lines = 0;
    const csv = name.endsWith('.csv');
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      if (csv) for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
      // CSV: header and instructions rows are not records.
      const rows = csv ? Math.max(0, lines - 2) : Math.round(parts.reduce((n, p) => n + p.length, 0) / 1024);
      bar.value = Math.min(rows, expected);
      label.textContent = csv ? t('downloading', { n: fmtNum(rows) }) : `${t('downloading', { n: '…' })} ${fmtNum(rows)} KB`;
    }
    const blob = new Blob(parts, { type: res.headers.get('content-type') ?? 'application/octet-stream' });
    const a = h('a', { href: URL.createObjectURL(blob), download: name, hidden: true });
    document.body.append(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 10_000);
    bar.value = bar.max;
    // An XLSX is not counted by lines: the worklist's own count is what it holds.
    label.textContent = t('downloaded', { n: fmtNum(csv ? Math.max(0, lines - 2) : expected) });
  } catch (err) {
    status.replaceChildren(h('span', { class: 'result-bad', role: 'alert' }, `${t('error')}: ${errorText(err)}`));
  } finally {
    status.removeAttribute('aria-busy');
  }
}

/** A commune's worklist: filters, keyset pages, worksheet download/upload, sign-off, history links. */
export function worklistView(root, code) {
  let stopped = false;
  const q = new URLSearchParams(location.search);
  const state = { outcome: q.get('outcome') ?? '', after: q.get('after') ?? '', pages: [] };
  const table = h('tbody', {});
  const pager = h('div', { class: 'filters' });
  const summary = h('p', { class: 'muted', id: 'worklist-summary' });
  const left = h('p', { class: 'left-to-do', id: 'left-to-do' });
  const title = h('h1', {}, `${t('worklist')} — ${code}`);
  const resultBox = h('div', {});
  const dlStatus = h('p', { class: 'dl-status', id: 'download-status', 'aria-live': 'polite' });
  let expected = 0;
  // The sub-line: the commune's records from the rollup (an explanation changes neither), then what
  // the list holds per outcome, from the list's own counts once they have answered.
  let records = null;
  let listCounts = null;
  const drawSummary = () => {
    const parts = records ? [`${t('total')} ${fmtNum(records.total)}`, `${t('verified')} ${fmtPct(records.verified, records.total)}`] : [];
    const counts = listCounts ?? records;
    if (counts) parts.push(...OUTCOMES.map((o) => `${t(o)} ${fmtNum(counts[o] ?? 0)}`));
    summary.textContent = parts.join(' · ');
  };
  const showCounts = (counts) => {
    listCounts = counts;
    expected = OUTCOMES.reduce((n, o) => n + (counts[o] ?? 0), 0);
    left.textContent = t('leftToDo', { n: fmtNum(expected) });
    drawSummary();
  };

  const exportHref = (ext) => `/api/localities/${code}/worklist.${ext}${state.outcome ? `?outcome=${state.outcome}` : ''}`;
  const dlButton = (ext, label) => h('button', { type: 'button', class: 'button', id: `download-${ext}`,
    onclick: async (e) => { e.target.disabled = true; await streamDownload(exportHref(ext), `worklist-${code}.${ext}`, dlStatus, expected); e.target.disabled = false; } }, label);
  const dl = { csv: dlButton('csv', t('downloadCsv')), xlsx: dlButton('xlsx', t('downloadXlsx')) };

  const outcomeSel = h('select', { id: 'outcome', 'aria-label': t('outcome'), onchange: (e) => { state.outcome = e.target.value; state.after = ''; state.pages = []; sync(); void load(); } },
    h('option', { value: '' }, t('anyOutcome')), OUTCOMES.map((o) => h('option', { value: o, selected: state.outcome === o }, t(o))));

  const sync = () => {
    const p = new URLSearchParams();
    if (state.outcome) p.set('outcome', state.outcome);
    if (state.after) p.set('after', state.after);
    history.replaceState(null, '', `${location.pathname}${p.size ? `?${p}` : ''}`);
  };

  const tableEl = h('table', { class: 'worklist stack', 'aria-busy': 'true' },
    h('thead', {}, h('tr', {}, [t('recordId'), t('outcome'), ...FIELDS.map((f) => t(f)), t('suggestion')].map((x) => h('th', { scope: 'col' }, x)))),
    table);
  const loadingRow = () => h('tr', { class: 'loading' }, h('td', { colspan: 7, class: 'muted' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), ' ', t('loading')));

  const load = async () => {
    const p = new URLSearchParams({ limit: String(PAGE) });
    if (state.outcome) p.set('outcome', state.outcome);
    if (state.after) p.set('after', state.after);
    // A loading state: the page can take a while on a large commune.
    tableEl.setAttribute('aria-busy', 'true');
    table.replaceChildren(loadingRow());
    try {
      const page = await api(`/api/localities/${code}/worklist?${p}`);
      if (stopped) return;
      // The headline and the line under it count what the list holds (the rollup's figures lag an explanation by a minute).
      if (page.counts) showCounts(page.counts);
      table.replaceChildren(...(page.items.length ? page.items.map((it) => h('tr', { tabindex: '-1', dataset: { id: it.recordId } },
        h('td', { 'data-label': t('recordId') }, h('a', { href: `/dashboard/r/${encodeURIComponent(it.recordId)}` }, it.recordId)),
        h('td', { 'data-label': t('outcome') }, h('span', { class: `badge ${it.outcome === 'review' ? 'at_risk' : it.outcome === 'corrected' ? '' : 'overdue'}` }, t(it.outcome)),
          it.correctionPending ? h('small', { class: 'muted' }, ` ${t('pending')}`) : null,
          it.awaitingSignOff ? [' ', h('span', { class: 'badge awaiting-police' }, t('awaitingPolice'))] : null),
        FIELDS.map((f) => h('td', { 'data-label': t(f) }, shown(f, it.entered?.[f]))),
        h('td', { 'data-label': t('suggestion'), class: 'wrap' }, suggestion(it.suggested) || reasonText(it.reason) || '—',
          corrects && !it.awaitingSignOff && !it.correctionPending ? [h('br'), h('button', { type: 'button', class: 'link fix-one', onclick: (e) => openFix(e.target.closest('tr'), it) }, t('fixOne'))] : null)))
        : [h('tr', {}, h('td', { colspan: 7, class: 'muted' }, t('noRecords')))]));
      const first = table.querySelector('tr[tabindex]');
      if (first) first.tabIndex = 0;
      pager.replaceChildren(...[
        state.after ? h('button', { type: 'button', class: 'link', onclick: () => { state.after = ''; state.pages = []; sync(); void load(); } }, t('first')) : null,
        page.next ? h('button', { type: 'button', class: 'link', id: 'next-page', onclick: () => next(page.next) }, `${t('next')} →`) : null].filter(Boolean));
      pager.next = page.next;
    } catch (err) {
      table.replaceChildren(h('tr', {}, h('td', { colspan: 7, class: 'notice error', role: 'alert' }, errorText(err))));
    } finally {
      tableEl.setAttribute('aria-busy', 'false');
    }
  };
  // One record corrected or explained from its row: the matcher's suggestion filled in, the same
  // rules as the sheet (POST /api/corrections validates), the answer in place.
  let corrects = false;
  const openFix = (tr, it) => {
    tr.parentNode.querySelectorAll('tr.fix-row').forEach((x) => x.remove());
    const out = h('p', { class: 'act-result', 'aria-live': 'polite' });
    const inputs = Object.fromEntries(FIELDS.map((f) => [f, h('input', { type: 'text', name: f, id: `fix-${f}`, value: shown(f, it.suggested?.[f] ?? it.entered?.[f] ?? ''), 'aria-label': t(f) })]));
    const decision = h('select', { id: 'fix-decision', 'aria-label': t('sheet.decision') }, ['confirm', 'explain', 'reject'].map((d) => h('option', { value: d }, t(d))));
    const why = h('textarea', { id: 'fix-explanation', rows: '2', maxlength: '2000', 'aria-label': t('sheet.explanation') });
    const send = h('button', { type: 'submit', class: 'primary', id: 'fix-send' }, t('fixSend'));
    const form = h('form', { class: 'fix-form', onsubmit: async (e) => {
      e.preventDefault();
      send.disabled = true;
      out.className = 'act-result muted'; out.textContent = t('loading');
      const body = { recordId: it.recordId, baseVersion: it.version, decision: decision.value };
      if (decision.value === 'confirm') {
        body.values = {};
        for (const f of FIELDS) { const v = inputs[f].value.trim(); if (v !== shown(f, it.entered?.[f] ?? '')) body.values[f] = v; }
      }
      if (why.value.trim()) body.explanation = why.value.trim();
      try {
        const r = await api('/api/corrections', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        out.className = 'act-result result-ok';
        out.textContent = t(r.correction.status === 'awaiting_signoff' ? 'fixAwaiting' : r.correction.status === 'applied' ? 'fixApplied' : 'fixExplained');
        signOffPanel(signOff, code, signedIn);
        void recount();
      } catch (err) {
        out.className = 'act-result result-bad'; out.textContent = `${t('error')}: ${errorText(err)}`;
        send.disabled = false;
      }
    } },
    h('div', { class: 'form-row' }, h('label', {}, t('sheet.decision'), decision)),
    h('div', { class: 'form-row' }, FIELDS.map((f) => h('label', {}, t(f), inputs[f]))),
    h('div', { class: 'form-row' }, h('label', {}, t('sheet.explanation'), why)),
    h('div', { class: 'form-row' }, send, h('button', { type: 'button', class: 'link', onclick: () => fixRow.remove() }, t('cancel'))), out);
    const fixRow = h('tr', { class: 'fix-row' }, h('td', { colspan: 7 }, h('p', { class: 'muted small' }, t('fixHint', { id: it.recordId })), form));
    tr.after(fixRow);
    decision.focus();
  };
  const recount = () => api(`/api/localities/${code}/worklist?limit=1`).then((r) => { if (r.counts) showCounts(r.counts); }).catch(() => {});
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

  // The health station's ids (worksheet-file, upload-btn) are the tests' and the keyboard's.
  const form = uploadForm({ id: 'upload-form', title: t('upload'), path: `/api/localities/${code}/corrections/upload`, box: resultBox, show: uploadResult,
    after: () => { signOffPanel(signOff, code, signedIn); void load(); } });
  form.querySelector('#upload-form-file').id = 'worksheet-file';
  form.querySelector('label[for="upload-form-file"]').htmlFor = 'worksheet-file';
  form.querySelector('#upload-form-btn').id = 'upload-btn';

  const signOff = h('div', {});
  let signedIn = null;
  const render = (me) => {
    signedIn = me;
    corrects = !!me?.roles?.includes('commune_health');
    // The commune police approve; they do not read the worklist (the API refuses them).
    const police = !!me?.roles?.includes('commune_police') && !me.roles.includes('commune_health');
    if (police) {
      title.textContent = `${t('signOff')} — ${code}`;
      root.replaceChildren(h('div', { class: 'view worklist-view' }, crumbs(me, [], { code, name: code, link: `/dashboard/l/${code}` }), title, summary, signOff, escalationsPanel({ _id: code, level: 'commune' }, me)));
      signOffPanel(signOff, code, me);
      return;
    }
    // Only the health station uploads (the API refuses anyone else); on a phone its form and
    // result come first, not below a hundred cards.
    const uploads = !!me?.roles?.includes('commune_health');
    const top = uploads && matchMedia('(max-width: 700px)').matches;
    root.replaceChildren(h('div', { class: 'view worklist-view' },
      crumbs(me, [], { code, name: code, link: `/dashboard/l/${code}` }),
      title, left, summary,
      top ? [form, resultBox] : null,
      h('div', { class: 'filters' }, h('label', { for: 'outcome' }, `${t('filter')}: `), outcomeSel, dl.csv, dl.xlsx),
      dlStatus,
      h('p', { class: 'keys muted' }, t('keys')),
      h('div', { class: 'table-wrap' }, tableEl),
      pager, uploads && !top ? [form, resultBox] : null, signOff,
      me?.roles?.includes('commune_health') ? escalationsPanel({ _id: code, level: 'commune' }, me) : null));
    signOffPanel(signOff, code, me);
    void load();
  };

  // The commune's name and figures from the rollup (one read), then the first page.
  api(`/api/dashboard/progress/${code}`).then((d) => {
    if (stopped || !d.unit) return;
    title.textContent = `${title.textContent.split(' — ')[0]} — ${d.unit.name}`;
    const link = document.getElementById('crumb-self');
    if (link) link.textContent = d.unit.name;
    document.title = `${t('worklist')} — ${d.unit.name}`;
    records = d.unit.records;
    // The list's own counts win once they have answered (the rollup lags an explanation).
    if (!listCounts) {
      expected = OUTCOMES.reduce((n, o) => n + (records[o] ?? 0), 0);
      left.textContent = t('leftToDo', { n: fmtNum(expected) });
    }
    drawSummary();
  }).catch(() => {});
  whoAmI().catch(() => null).then((me) => { if (!stopped) render(me); });
  return () => { stopped = true; document.removeEventListener('keydown', onKey); };
}
