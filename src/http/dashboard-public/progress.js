import { errorText, fmtDate, fmtDay, fmtLeft, fmtNum, fmtPct, fmtTime, t } from './i18n.js';
import { api, h, HttpError, whoAmI } from './dom.js';
import { drawCharts } from './charts.js';
import { crumbs, readsWorklist } from './nav.js';
import { actionPanels } from './actions.js';
import { contactsSection } from './contacts.js';
import { registerOutageNote, registerPanel } from './register.js';
import { facilitiesSection } from './facilities.js';

/** Poll every 15 s: one request = the rollup of a unit and its children (two indexed reads). */
const REFRESH_MS = 15_000;
const OUTCOMES = ['verified', 'corrected', 'review', 'not_found', 'invalid', 'exempt'];
const CHILD_LEVEL = { national: 'provinces', province: 'districts', district: 'communes' };

const pctVerified = (u) => (u.records.total > 0 ? u.records.verified / u.records.total : -1);
/** Sortable columns: key → value of a child row. */
const COLUMNS = [
  ['name', (u) => u.name, 'name'],
  ['health', (u) => ({ completed: 0, on_time: 1, at_risk: 2, overdue: 3 })[u.worst] ?? -1, 'health'],
  ['total', (u) => u.records.total, 'total'],
  ['pct', pctVerified, 'pctVerified'],
  ...OUTCOMES.map((o) => [o, (u) => u.records[o], o]),
  ['applied', (u) => u.corrections.applied, 'applied'],
  ['signedOff', (u) => u.corrections.signedOff, 'signedOff'],
  ['gap', (u) => u.backlog.gap, 'backlog'],
  ['deadline', (u) => (u.deadline ? new Date(u.deadline).getTime() : Infinity), 'timeLeft'],
  ['escalation', (u) => ['commune', 'district', 'province', 'ministry'].indexOf(u.escalation.level), 'escalation'],
];

const unitHref = (code) => (code === 'VN' ? '/dashboard' : `/dashboard/l/${code}`);
/** A health badge; hovering (or a long press) shows the rule behind it (docs/deadlines.md, "Health"). */
const badge = (health) => (health ? h('span', { class: `badge ${health}`, title: t('healthRule') }, t(health)) : h('span', { class: 'muted' }, '—'));

function card(label, value, sub, cls) {
  return h('div', { class: `card ${cls ?? ''}` }, h('b', {}, value), h('span', {}, label), sub ? h('small', { class: 'muted' }, sub) : null);
}

function summary(u, national) {
  const r = u.records;
  const left = u.level === 'national' ? national : u.deadline;
  return h('section', { class: 'cards', 'aria-label': t('records') },
    card(t('total'), fmtNum(r.total), `${t('processed')} ${fmtPct(r.processed, r.total)}`),
    ...OUTCOMES.map((o) => card(t(o), fmtNum(r[o]), fmtPct(r[o], r.total), `o-${o}`)),
    card(t('corrections'), fmtNum(u.corrections.applied), `${t('signedOff')}: ${fmtNum(u.corrections.signedOff)}`),
    card(t('backlog'), fmtNum(u.backlog.gap), `${t('gap')} / ${fmtNum(u.backlog.expected)}`),
    card(u.level === 'national' ? t('national') : t('deadline'), fmtDate(left), [fmtLeft(left), u.level === 'commune' && u.worst ? [' ', badge(u.worst)] : null], 'deadline'),
    card(t('escalation'), u.escalation.level ? t(u.escalation.level === 'ministry' ? 'ministry' : u.escalation.level) : t('none'),
      u.level === 'commune' ? null : ['commune', 'district', 'province', 'ministry'].map((l) => `${t(l === 'ministry' ? 'ministry' : l)} ${u.escalation.byLevel[l]}`).join(' · '),
      `escalation ${u.escalation.level ? 'escalated' : ''}`),
  );
}

function roundsLine(u) {
  const parts = Object.entries(u.rounds).filter(([, n]) => n > 0).map(([s, n]) => `${t(s)}: ${fmtNum(n)}`);
  const health = ['on_time', 'at_risk', 'overdue', 'completed'].map((s) => h('span', { class: `badge ${s}`, title: t('healthRule') }, `${t(s)} ${fmtNum(u.health[s])}`));
  return h('section', { class: 'rounds' }, h('h2', {}, t('rounds')), h('p', {}, parts.length ? parts.join(' · ') : t('none')), h('p', { class: 'badges' }, health));
}

function childTable(u, children, state, rerender, me) {
  const sorted = [...children];
  const col = COLUMNS.find(([k]) => k === state.sort) ?? COLUMNS[0];
  sorted.sort((a, b) => {
    const x = col[1](a); const y = col[1](b);
    const c = typeof x === 'string' ? x.localeCompare(y, 'vi') : x - y;
    return state.dir === 'desc' ? -c : c;
  });
  const head = h('tr', {}, COLUMNS.map(([k, , label]) => {
    const active = k === col[0];
    return h('th', { scope: 'col', 'aria-sort': active ? (state.dir === 'desc' ? 'descending' : 'ascending') : 'none' },
      h('button', { type: 'button', class: 'sort', onclick: () => rerender({ sort: k, dir: active && state.dir === 'asc' ? 'desc' : 'asc' }) },
        t(label), active ? (state.dir === 'desc' ? ' ▼' : ' ▲') : ''));
  }));
  const rows = sorted.map((c) => h('tr', { class: c.worst ?? '' },
    h('th', { scope: 'row' }, h('a', { href: unitHref(c._id) }, c.name), c.level === 'commune' && readsWorklist(me) ? [' ', h('a', { href: `/dashboard/w/${c._id}`, class: 'small', title: t('worklist') }, '☰')] : null),
    h('td', {}, badge(c.worst)),
    h('td', {}, fmtNum(c.records.total)),
    h('td', {}, h('span', { class: 'bar', style: `--p:${Math.max(0, pctVerified(c)) * 100}%` }), fmtPct(c.records.verified, c.records.total)),
    OUTCOMES.map((o) => h('td', { title: fmtPct(c.records[o], c.records.total) }, fmtNum(c.records[o]))),
    h('td', {}, fmtNum(c.corrections.applied)), h('td', {}, fmtNum(c.corrections.signedOff)),
    h('td', {}, fmtNum(c.backlog.gap)),
    h('td', {}, c.deadline ? [fmtDate(c.deadline), h('br'), h('small', { class: 'muted' }, fmtLeft(c.deadline))] : '—'),
    h('td', {}, c.escalation.level ? h('span', { class: 'badge escalated' }, t(c.escalation.level === 'ministry' ? 'ministry' : c.escalation.level)) : '—')));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'units' }, h('thead', {}, head),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: COLUMNS.length, class: 'muted' }, t('noRows'))))));
}

function filterBar(state, rerender) {
  const sel = h('select', { id: 'only', 'aria-label': t('filter'), onchange: (e) => rerender({ only: e.target.value || null }) },
    [['', 'all'], ['overdue', 'onlyOverdue'], ['at_risk', 'onlyAtRisk'], ['escalated', 'onlyEscalated']]
      .map(([v, k]) => h('option', { value: v, selected: (state.only ?? '') === v }, t(k))));
  return h('div', { class: 'filters' }, h('label', { for: 'only' }, `${t('filter')}: `), sel);
}

/** The drill-down view of one unit (the nation is `VN`); returns a function that stops its refresh. */
export function progressView(root, code) {
  let timer; let stopped = false; let charts = null;
  const readState = () => {
    const q = new URLSearchParams(location.search);
    return { only: q.get('only'), sort: q.get('sort') ?? 'name', dir: q.get('dir') === 'desc' ? 'desc' : 'asc' };
  };
  let data = null;
  let me = null;
  const render = () => {
    const state = readState();
    const { unit: u, children, national, projection } = data;
    document.title = `${u.level === 'national' ? t('nation') : u.name} — vaxverify`;
    const rerender = (change) => {
      const q = new URLSearchParams(location.search);
      for (const [k, v] of Object.entries(change)) { if (v) q.set(k, v); else q.delete(k); }
      history.replaceState(null, '', `${location.pathname}${q.size ? `?${q}` : ''}`);
      if ('only' in change) void load(); else render();
    };
    const view = h('div', { class: 'view' },
      crumbs(me, u.path, { code: u._id, name: u.name }),
      h('h1', {}, u.level === 'national' ? t('nation') : u.name),
      summary(u, national),
      u.level === 'commune' ? registerOutageNote(u.registerOutage) : null,
      u.level === 'commune' && readsWorklist(me) ? h('p', {}, h('a', { class: 'button', href: `/dashboard/w/${u._id}` }, t('openWorklist'))) : null,
      u.level !== 'commune' ? h('section', { class: 'charts' },
        !u.daily ? null : h('figure', { class: 'chart wide' }, h('figcaption', {}, t('chartProgress')), h('div', { class: 'box' }, h('canvas', { id: 'chart-progress', role: 'img', 'aria-label': t('chartProgress') })),
          projection ? h('p', { class: `projection ${projection.late ? 'late' : ''}` },
            `${projection.finishDay ? `${t('projected', fmtDay(projection.finishDay))} · ${t('rate', fmtNum(Math.round(projection.ratePerDay)))}${projection.late ? ` — ${t('late')}` : ''}` : t('projectedNever')}${projection.needsPeople ? ` · ${t('needsPeople', fmtNum(projection.needsPeople))}` : ''}`) : null),
        h('figure', { class: 'chart' }, h('figcaption', {}, t('chartMix')), h('div', { class: 'box' }, h('canvas', { id: 'chart-mix', role: 'img', 'aria-label': t('chartMix') }))),
        h('figure', { class: 'chart' }, h('figcaption', {}, t('chartRank')), h('div', { class: 'box' }, h('canvas', { id: 'chart-rank', role: 'img', 'aria-label': t('chartRank') }))),
      ) : null,
      u.level === 'national' ? registerPanel() : null,
      actionPanels(u, children, me),
      roundsLine(u),
      contactsSection(u, me),
      u.level === 'commune' ? facilitiesSection(u._id) : null,
      u.level !== 'commune' ? [h('h2', {}, t(CHILD_LEVEL[u.level])), filterBar(state, rerender), childTable(u, children, state, rerender, me)] : null,
    );
    charts?.destroy();
    root.replaceChildren(view);
    charts = u.level !== 'commune' ? drawCharts(view, data) : null;
  };
  const load = async () => {
    clearTimeout(timer);
    const { only } = readState();
    try {
      const next = await api(`/api/dashboard/progress/${code}${only ? `?only=${only}` : ''}`);
      if (stopped) return;
      // Re-render only when the figures changed (keeps focus, scroll and charts still).
      const same = data && next.computedAt === data.computedAt && (only ?? '') === (data.only ?? '');
      data = { ...next, only };
      if (!data.unit) root.replaceChildren(h('p', { class: 'notice' }, t('noRollup')));
      else if (!same) render();
      document.getElementById('updated').textContent = `${t('updated')} ${fmtTime(data.generatedAt)}${data.computedAt ? ` · ${t('computed')} ${fmtTime(data.computedAt)}` : ''}`;
    } catch (err) {
      if (stopped) return;
      const msg = err instanceof HttpError && err.status === 403 ? `${t('forbidden')} ${t('askWhom')}` : err instanceof HttpError && err.status === 404 ? t('notFound') : `${t('error')}: ${errorText(err)}`;
      root.replaceChildren(h('p', { class: 'notice error', role: 'alert' }, msg));
    }
    if (!stopped) timer = setTimeout(load, REFRESH_MS);
  };
  root.replaceChildren(h('p', { class: 'muted', 'aria-busy': 'true' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), ' ', t('loading')));
  whoAmI().catch(() => null).then((who) => { me = who; void load(); });
  return () => { stopped = true; clearTimeout(timer); charts?.destroy(); };
}
