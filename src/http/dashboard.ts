import { Router } from 'express';

/**
 * The operators' campaign dashboard: one static page that reads /api/campaign/overview and
 * /api/escalations?open=true and refreshes itself. No personal data is shown: locality
 * names and round counts only. Values are put in the DOM with textContent (no HTML
 * injection from locality names).
 */
const PAGE = `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vaxverify — campaign</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d2430; }
  h1 { font-size: 1.3rem; margin: 0 0 .25rem; }
  .muted { color: #667; }
  .cards { display: flex; gap: 1rem; margin: 1rem 0; flex-wrap: wrap; }
  .card { border: 1px solid #d5dae1; border-radius: 6px; padding: .6rem 1rem; min-width: 8rem; }
  .card b { display: block; font-size: 1.6rem; }
  .overdue b { color: #b42318; } .at_risk b { color: #b54708; } .on_time b { color: #175cd3; } .completed b { color: #067647; }
  table { border-collapse: collapse; width: 100%; max-width: 60rem; }
  th, td { text-align: right; padding: .3rem .6rem; border-bottom: 1px solid #eef0f3; }
  th:first-child, td:first-child { text-align: left; }
  tr.district td:first-child { padding-left: 1.6rem; color: #445; }
  a { color: #175cd3; }
</style>
</head>
<body>
<h1>Covid-19 dose records — verification campaign</h1>
<div class="muted"><span id="national">national deadline: not set</span> · updated <span id="updated">…</span> · <a href="admin/queues">queues (Bull Board)</a></div>
<div class="cards" id="totals"></div>
<h2>Provinces and districts</h2>
<table><thead><tr><th>locality</th><th>on time</th><th>at risk</th><th>overdue</th><th>completed</th></tr></thead><tbody id="rows"></tbody></table>
<h2>Open escalations</h2>
<table><thead><tr><th>round</th><th>level</th><th>overdue since</th><th>next level due</th><th>acknowledged</th></tr></thead><tbody id="escalations"></tbody></table>
<script>
const STATES = ['on_time', 'at_risk', 'overdue', 'completed'];
const LABELS = { on_time: 'on time', at_risk: 'at risk', overdue: 'overdue', completed: 'completed' };
function cell(tr, text) { const td = document.createElement('td'); td.textContent = text; tr.appendChild(td); }
async function refresh() {
  const res = await fetch('api/campaign/overview');
  if (!res.ok) { document.getElementById('updated').textContent = 'error ' + res.status; return; }
  const o = await res.json();
  document.getElementById('updated').textContent = new Date(o.generatedAt).toLocaleString();
  if (o.national) document.getElementById('national').textContent =
    'national deadline ' + new Date(o.national.deadline).toLocaleDateString() + ' (' + o.national.daysLeft + ' days left)';
  const totals = document.getElementById('totals'); totals.replaceChildren();
  for (const s of STATES) {
    const d = document.createElement('div'); d.className = 'card ' + s;
    const b = document.createElement('b'); b.textContent = o.totals[s]; d.appendChild(b);
    d.appendChild(document.createTextNode(LABELS[s])); totals.appendChild(d);
  }
  const rows = document.getElementById('rows'); rows.replaceChildren();
  for (const p of o.provinces) {
    const tr = document.createElement('tr'); cell(tr, (p.name || p.code)); STATES.forEach((s) => cell(tr, p[s])); rows.appendChild(tr);
    for (const d of p.districts) {
      const dtr = document.createElement('tr'); dtr.className = 'district'; cell(dtr, (d.name || d.code)); STATES.forEach((s) => cell(dtr, d[s])); rows.appendChild(dtr);
    }
  }
  const er = await fetch('api/escalations?open=true');
  const esc = document.getElementById('escalations'); esc.replaceChildren();
  if (er.ok) for (const e of (await er.json()).items) {
    const tr = document.createElement('tr');
    cell(tr, e.roundId); cell(tr, e.level); cell(tr, new Date(e.overdueSince).toLocaleString());
    cell(tr, new Date(e.deadline).toLocaleString()); cell(tr, e.acknowledgedAt ? 'yes' : 'no'); esc.appendChild(tr);
  }
}
refresh(); setInterval(refresh, 30000);
</script>
</body>
</html>`;

export function dashboardRouter(): Router {
  const r = Router();
  r.get('/dashboard', (_req, res) => {
    res.set('Content-Security-Policy', "default-src 'self'; script-src 'unsafe-inline' 'self'; style-src 'unsafe-inline'");
    res.type('html').send(PAGE);
  });
  r.get('/', (_req, res) => res.redirect('/dashboard'));
  return r;
}
