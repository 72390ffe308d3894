import { t } from './i18n.js';
import { h } from './dom.js';

/** The commune police's sign-off step; wired to the access-control API (issue 10) once merged. */
export function signOffPanel(box, code, me) {
  if (!me || !me.roles?.includes('commune_police')) { box.replaceChildren(); return; }
  box.replaceChildren(h('section', { class: 'panel', id: 'sign-off' }, h('h2', {}, t('signOff')), h('p', { class: 'muted' }, t('nothingToSign'))));
}
