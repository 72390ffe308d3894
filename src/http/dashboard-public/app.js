import { lang, setLang, t, translateStatic } from './i18n.js';
import { whoAmI, api, h } from './dom.js';
import { progressView } from './progress.js';
import { worklistView } from './worklist.js';
import { historyView } from './history.js';
import { checkView } from './check.js';
import { homeOf, isChecker, isNational, seesDashboard } from './nav.js';

/**
 * Client-side routes on the path (every view has its own URL; the server answers the same
 * shell for every /dashboard path). Live views re-render in place on a timer.
 */
const app = document.getElementById('app');
let stop = () => {};
let me = null;

/** What a role may not open here: a friendly page with whom to ask and a way out (the API refuses the data anyway). */
function forbiddenView(root) {
  root.replaceChildren(h('div', { class: 'view friendly', id: 'friendly-403' },
    h('h1', {}, t('forbidden')),
    h('p', {}, `${me?.name ?? me?.sub ?? ''} · ${t('yourRoles', { roles: (me?.roles ?? []).map((r) => t(`role_${r}`)).join(', ') })}`),
    h('p', {}, t('askWhom')),
    h('p', {}, h('a', { class: 'button', href: homeOf(me) }, t('goHome')))));
  return () => {};
}

function route() {
  stop();
  const p = location.pathname.replace(/\/+$/, '');
  let m;
  if (p === '/dashboard/check') stop = me?.roles?.some((r) => ['passport_checker', 'ministry', 'campaign_admin'].includes(r)) ? checkView(app) : forbiddenView(app);
  else if (me && !seesDashboard(me)) stop = forbiddenView(app);
  else if ((m = /^\/dashboard\/w\/(\d{5})$/.exec(p))) stop = worklistView(app, m[1]);
  else if ((m = /^\/dashboard\/r\/([^/]+)$/.exec(p))) stop = historyView(app, decodeURIComponent(m[1]));
  else if ((m = /^\/dashboard\/l\/(\d{2}|\d{3}|\d{5})$/.exec(p))) stop = progressView(app, m[1]);
  else stop = progressView(app, 'VN');
}

/** Links inside the app navigate without a reload (history API); the URL stays linkable. */
document.addEventListener('click', (e) => {
  const a = e.target.closest?.('a[href^="/dashboard"]');
  if (!a || a.hasAttribute('download') || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
  if (a.pathname.startsWith('/dashboard/assets')) return;
  e.preventDefault();
  history.pushState(null, '', a.pathname + a.search);
  route();
  app.focus();
});
window.addEventListener('popstate', route);

translateStatic();
const langBtn = document.getElementById('lang');
langBtn.textContent = t('switchLang');
langBtn.addEventListener('click', () => setLang(lang === 'en' ? 'vi' : 'en'));

whoAmI().then((who) => {
  me = who;
  if (!me) return;
  document.getElementById('who').textContent = `${me.name ?? me.sub} · ${me.roles.map((r) => t(`role_${r}`)).join(', ')}`;
  const nav = document.querySelector('.top-nav');
  // Links to the other screens this role may open: the look-up, Bull Board.
  if (me.roles.some((r) => ['passport_checker', 'ministry', 'campaign_admin'].includes(r)) && !isChecker(me)) nav.prepend(h('a', { href: '/dashboard/check', id: 'nav-check' }, t('checkTitle')));
  // Bull Board is the operator's alone (the route table): nobody else is shown a link that refuses them.
  if (me.roles.includes('operator')) nav.prepend(h('a', { href: '/admin/queues', id: 'nav-queues' }, t('queues')));
  const out = document.getElementById('logout');
  out.hidden = false;
  out.textContent = t('logout');
  out.addEventListener('click', async () => { await api('/auth/logout', { method: 'POST' }).catch(() => {}); location.href = '/dashboard'; });
  // Each role lands on its own page: a commune officer on the worklist, a coordinator on their area, the checker on the look-up.
  if (location.pathname.replace(/\/+$/, '') === '/dashboard' && !isNational(me)) history.replaceState(null, '', homeOf(me));
}).finally(route);
