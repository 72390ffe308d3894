import { fmtDay, t } from './i18n.js';

/** Charts (Chart.js, served from node_modules): progress over time, outcome mix, ranking. */
const COLORS = { verified: '#12b76a', corrected: '#2e90fa', review: '#f79009', not_found: '#f04438', invalid: '#7a5af8', exempt: '#98a2b3' };
const OUTCOMES = Object.keys(COLORS);
/** At most this many days on the time axis (past plus projection). */
const MAX_DAYS = 180;

const addDays = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const vnToday = () => new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);

function progressChart(canvas, { unit, projection, national }) {
  const daily = unit.daily ?? [];
  const today = vnToday();
  const first = daily[0]?.day ?? today;
  const natDay = national ? new Date(Date.parse(national) + 7 * 3_600_000).toISOString().slice(0, 10) : null;
  let last = [today, projection?.finishDay, natDay].filter(Boolean).sort().at(-1);
  const labels = [];
  for (let d = first; d <= last && labels.length < MAX_DAYS; d = addDays(d, 1)) labels.push(d);
  last = labels.at(-1);
  // Bars: verified per day, the cards' meaning (a corrected record is not verified until re-verified).
  const perDay = new Map(daily.map((d) => [d.day, d.verified]));
  // Lines: what the matcher has checked, and its projection at the same rate as the projected finish.
  const checkedPerDay = new Map(daily.map((d) => [d.day, d.processed ?? d.verified]));
  const r = unit.records;
  const resolvedNow = r.processed;
  const doneByDay = labels.map((d) => checkedPerDay.get(d) ?? 0);
  // Cumulative checked, ending at today's figure.
  const totalPerDay = doneByDay.reduce((a, b) => a + b, 0);
  let cum = resolvedNow - totalPerDay;
  const cumulative = labels.map((d, i) => (d <= today ? (cum += doneByDay[i]) : null));
  const target = r.total + unit.backlog.gap;
  const projLine = labels.map((d) => {
    if (!projection?.finishDay || d < today) return null;
    const days = (Date.parse(d) - Date.parse(today)) / 86_400_000;
    return Math.min(target, resolvedNow + days * projection.ratePerDay);
  });
  return new Chart(canvas, {
    data: {
      labels: labels.map(fmtDay),
      datasets: [
        { type: 'bar', label: t('perDay'), data: labels.map((d) => (d <= today ? perDay.get(d) ?? 0 : null)), backgroundColor: COLORS.verified, yAxisID: 'y1' },
        { type: 'line', label: t('cumulative'), data: cumulative, borderColor: '#175cd3', pointRadius: 0, yAxisID: 'y' },
        { type: 'line', label: t('projection'), data: projLine, borderColor: '#b54708', borderDash: [6, 4], pointRadius: 0, yAxisID: 'y' },
      ],
    },
    options: {
      animation: false, maintainAspectRatio: false, interaction: { mode: 'index', intersect: false },
      scales: {
        y: { beginAtZero: true, suggestedMax: target, position: 'left', title: { display: true, text: t('cumulative') } },
        y1: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: t('perDay') } },
      },
      plugins: { legend: { position: 'bottom' } },
    },
  });
}

function mixChart(canvas, children) {
  const rows = children.filter((c) => c.records.total > 0);
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: rows.map((c) => c.name),
      datasets: OUTCOMES.map((o) => ({ label: t(o), data: rows.map((c) => (100 * c.records[o]) / c.records.total), backgroundColor: COLORS[o] })),
    },
    options: {
      indexAxis: 'y', animation: false, maintainAspectRatio: false,
      scales: { x: { stacked: true, max: 100, ticks: { callback: (v) => `${v}%` } }, y: { stacked: true, ticks: { autoSkip: false, font: { size: 10 } } } },
      plugins: { legend: { position: 'bottom' }, tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${c.parsed.x.toFixed(1)}%` } } },
    },
  });
}

function rankChart(canvas, children) {
  const rows = children.filter((c) => c.records.total > 0)
    .map((c) => ({ name: c.name, pct: (100 * c.records.verified) / c.records.total }))
    .sort((a, b) => b.pct - a.pct);
  return new Chart(canvas, {
    type: 'bar',
    data: { labels: rows.map((r) => r.name), datasets: [{ label: t('pctVerified'), data: rows.map((r) => r.pct), backgroundColor: rows.map((r) => (r.pct >= 80 ? COLORS.verified : r.pct >= 50 ? '#f79009' : '#f04438')) }] },
    options: {
      indexAxis: 'y', animation: false, maintainAspectRatio: false,
      scales: { x: { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } }, y: { ticks: { autoSkip: false, font: { size: 10 } } } },
      plugins: { legend: { display: false } },
    },
  });
}

/** Draw the three charts of a view; the caller destroys them before re-rendering. */
export function drawCharts(view, data) {
  if (typeof Chart === 'undefined') return null;
  const n = data.children.filter((c) => c.records.total > 0).length;
  // Horizontal bars: ~16 px per unit so 63 province names stay legible.
  for (const id of ['chart-mix', 'chart-rank']) view.querySelector(`#${id}`).parentElement.style.setProperty('--h', `${Math.max(220, 60 + n * 16)}px`);
  const made = [
    data.unit.daily ? progressChart(view.querySelector('#chart-progress'), data) : null,
    mixChart(view.querySelector('#chart-mix'), data.children),
    rankChart(view.querySelector('#chart-rank'), data.children),
  ];
  return { destroy: () => made.forEach((c) => c?.destroy()) };
}
