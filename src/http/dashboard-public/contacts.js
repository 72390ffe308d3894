import { errorText, t } from './i18n.js';
import { api, filePicker, h } from './dom.js';
import { isCoordinator } from './nav.js';

/**
 * Who answers for a locality, on its page: name, title, phone. Its coordinators and the campaign
 * admin add or change a person here (PUT /api/localities/:code/contacts, audited) or import a
 * contacts file (CSV: localityCode,level,role,name,title,phone,email). Escalations and reminders go
 * to these people.
 */
const ROLES = ['chairperson', 'vice-chairperson', 'working-group-head', 'health-station-head', 'facility-head', 'focal-point'];
const json = (method, body) => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
// A facility head's role names their site (`facility-head-<id>`, written by the facility register's import).
const roleName = (r) => (ROLES.includes(r) ? t(`crole.${r}`) : r.startsWith('facility-head-') ? t('crole.facility-head') : r);

function person(c) {
  return h('li', { dataset: { role: c.role } }, h('b', {}, c.name), c.title ? ` — ${c.title}` : ` — ${roleName(c.role)}`,
    c.phone ? [' · ', h('a', { href: `tel:${c.phone.replace(/[^+\d]/g, '')}` }, c.phone)] : null,
    c.email ? [' · ', h('a', { href: `mailto:${c.email}` }, c.email)] : null);
}

export function contactsSection(u, me) {
  const list = h('ul', { id: 'contacts-list' });
  const show = (items) => list.replaceChildren(...(items.length ? items.map(person) : [h('li', { class: 'muted' }, t('noContacts'))]));
  show(u.contacts ?? []);
  const editable = u.level !== 'national' && isCoordinator(me);
  const live = u.level !== 'national' && me?.roles?.some((r) => r !== 'commune_health' && r !== 'commune_police' && r !== 'passport_checker');
  const reload = () => api(`/api/localities/${u._id}/contacts`).then(({ items }) => show(items)).catch(() => {});
  if (live) void reload();
  if (!editable) return h('section', { class: 'contacts', id: 'contacts' }, h('h2', {}, t('contacts')), list);

  const out = h('p', { class: 'act-result', id: 'contact-result', 'aria-live': 'polite' });
  const role = h('select', { id: 'contact-role', 'aria-label': t('contactRole') }, ROLES.map((r) => h('option', { value: r }, roleName(r))));
  const name = h('input', { type: 'text', id: 'contact-name', maxlength: '200', required: true, autocomplete: 'name' });
  const title = h('input', { type: 'text', id: 'contact-title', maxlength: '200' });
  const phone = h('input', { type: 'tel', id: 'contact-phone', maxlength: '20', inputmode: 'tel' });
  const result = (ok, text) => { out.className = `act-result ${ok ? 'result-ok' : 'result-bad'}`; out.textContent = text; };
  const form = h('form', { id: 'contact-form', class: 'form-grid', onsubmit: async (e) => {
    e.preventDefault();
    if (!name.value.trim()) return result(false, `${t('error')}: ${t('contactNameMissing')}`);
    try {
      await api(`/api/localities/${u._id}/contacts`, json('PUT', { contacts: [{ localityCode: u._id, level: u.level, role: role.value, name: name.value.trim(), title: title.value.trim(), phone: phone.value.trim() }] }));
      result(true, t('contactSaved', { name: name.value.trim() }));
      await reload();
    } catch (err) { result(false, `${t('error')}: ${errorText(err)}`); }
  } },
  h('label', {}, t('contactRole'), role), h('label', {}, t('contactName'), name), h('label', {}, t('contactTitle'), title), h('label', {}, t('contactPhone'), phone),
  h('button', { type: 'submit', class: 'primary', id: 'contact-save' }, t('contactSave')));

  const file = h('input', { type: 'file', id: 'contacts-file', accept: '.csv,text/csv' });
  const importBtn = h('button', { type: 'button', id: 'contacts-import', onclick: async () => {
    const f = file.files?.[0];
    if (!f) return result(false, `${t('error')}: ${t('chooseFile')}`);
    try {
      const r = await api(`/api/localities/${u._id}/contacts/import`, json('POST', { csv: await f.text() }));
      result(r.rejects.length === 0 && r.outside === 0, t('contactsImported', { n: r.inserted + r.updated + r.unchanged, bad: r.rejects.length + r.outside }));
      await reload();
    } catch (err) { result(false, `${t('error')}: ${errorText(err)}`); }
  } }, t('contactsImport'));

  return h('section', { class: 'contacts', id: 'contacts' }, h('h2', {}, t('contacts')), list,
    h('details', { class: 'panel' }, h('summary', {}, t('contactEdit')), form,
      h('div', { class: 'form-row' }, h('span', {}, `${t('contactsFile')} `, filePicker(file, t('pickFile'), t('noFilePicked'))), importBtn),
      h('p', { class: 'muted small' }, t('contactsFileHint'))),
    out);
}
