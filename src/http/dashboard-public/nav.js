import { t } from './i18n.js';
import { h } from './dom.js';

/**
 * Where a role may go: breadcrumbs and links only to pages the signed-in user may open (the
 * route table decides on the server; this only avoids offering a link that ends in a 403).
 */
const NATIONAL = ['ministry', 'campaign_admin', 'operator'];
export const isNational = (me) => !!me?.roles?.some((r) => NATIONAL.includes(r));
export const isCoordinator = (me) => !!me?.roles?.some((r) => r === 'campaign_admin' || r === 'province_coordinator' || r === 'district_coordinator');
export const isChecker = (me) => !!me?.roles?.includes('passport_checker') && !me.roles.some((r) => r !== 'passport_checker');
/** Roles the worklist page serves (record readers, and the commune police's sign-off): not the operator. */
export const readsWorklist = (me) => !!me?.roles?.some((r) => ['ministry', 'campaign_admin', 'province_coordinator', 'district_coordinator', 'commune_health', 'commune_police'].includes(r));
/** Roles that read the dashboard's figures (the passport checker has a screen of its own). */
export const seesDashboard = (me) => !!me?.roles?.some((r) => r !== 'passport_checker');

/** A unit's page may be opened when the user is national, or one of their localities is the unit or an ancestor of it. */
export function canOpen(me, chain) {
  if (isNational(me)) return true;
  const mine = new Set(me?.localities ?? []);
  return chain.some((code) => mine.has(code));
}

/** The user's own first page: a commune officer's worklist, a coordinator's area, the checker's look-up. */
export function homeOf(me) {
  if (!me) return '/dashboard';
  if (isChecker(me)) return '/dashboard/check';
  if (isNational(me)) return '/dashboard';
  const code = me.localities?.[0];
  if (!code) return '/dashboard';
  const commune = me.roles.some((r) => r === 'commune_health' || r === 'commune_police');
  return commune && code.length === 5 ? `/dashboard/w/${code}` : `/dashboard/l/${code}`;
}

const unitHref = (code) => (code === 'VN' ? '/dashboard' : `/dashboard/l/${code}`);

/**
 * Breadcrumbs: the ancestors from the nation down, then the unit itself. An ancestor is a link
 * only when the user may open it; otherwise plain text.
 */
export function crumbs(me, path, self) {
  const items = [...(path ?? []), self];
  return h('nav', { class: 'crumbs', 'aria-label': 'breadcrumb' },
    items.map((p, i) => {
      const label = p.code === 'VN' ? t('nation') : p.name;
      const chain = items.slice(0, i + 1).map((x) => x.code);
      const last = i === items.length - 1 && !self.link;
      const node = last ? h('span', { 'aria-current': 'page', id: 'crumb-self' }, label)
        : canOpen(me, chain) ? h('a', { href: self.link && i === items.length - 1 ? self.link : unitHref(p.code), id: i === items.length - 1 ? 'crumb-self' : null }, label)
          : h('span', { class: 'muted' }, label);
      return [i ? ' › ' : '', node];
    }));
}
