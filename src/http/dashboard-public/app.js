import { lang, setLang, t, translateStatic } from './i18n.js';
import { whoAmI, api } from './dom.js';
import { progressView } from './progress.js';
import { worklistView } from './worklist.js';
import { historyView } from './history.js';

/**
 * Client-side routes on the path (every view has its own URL; the server answers the same
 * shell for every /dashboard path). Live views re-render in place on a timer.
 */
const app = document.getElementById('app');
let stop = () => {};

function route() {
  stop();
  const p = location.pathname.replace(/\/+$/, '');
  let m;
  if ((m = /^\/dashboard\/w\/(\d{5})$/.exec(p))) stop = worklistView(app, m[1]);
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

whoAmI().then((me) => {
  if (!me) return;
  document.getElementById('who').textContent = me.name ?? me.sub;
  const out = document.getElementById('logout');
  out.hidden = false;
  out.textContent = t('logout');
  out.addEventListener('click', async () => { await api('/auth/logout', { method: 'POST' }).catch(() => {}); location.href = '/dashboard'; });
  // A commune officer lands on their commune's worklist; a coordinator on their locality.
  if (location.pathname.replace(/\/+$/, '') === '/dashboard' && !me.roles.some((r) => r === 'ministry' || r === 'campaign_admin' || r === 'operator')) {
    const code = me.localities?.[0];
    if (code) {
      const commune = me.roles.some((r) => r === 'commune_health' || r === 'commune_police');
      history.replaceState(null, '', commune && code.length === 5 ? `/dashboard/w/${code}` : `/dashboard/l/${code}`);
    }
  }
}).finally(route);
