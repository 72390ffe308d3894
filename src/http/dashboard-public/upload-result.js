import { errorText, fmtNum, problemText, t } from './i18n.js';
import { api, filePicker, h } from './dom.js';

/**
 * An uploaded sheet's result, the same panel for the health station's worksheet and the police's
 * approval sheet: counts, then one row per refused line naming the cell or line, the record, the
 * column and the reason in Vietnamese. `counts` are [label, n, class?].
 */
export function resultPanel(id, title, counts, rejected, extra = null) {
  const ok = ([label, n, cls]) => h('li', { class: cls }, `${label}: `, h('b', {}, fmtNum(n)));
  return h('section', { class: 'panel', id, 'aria-live': 'polite' },
    h('h2', {}, title),
    h('ul', {}, counts.map(ok), ok([t('rejectedRows'), rejected.length, rejected.length ? 'result-bad' : '']), extra),
    rejected.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'rejected stack' },
      h('thead', {}, h('tr', {}, [t('row'), t('recordId'), t('field'), t('reason')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rejected.map((x) => h('tr', {},
        h('td', { 'data-label': t('row') }, x.params?.cell ?? x.row), h('td', { 'data-label': t('recordId') }, x.recordId ?? '—'),
        h('td', { 'data-label': t('field') }, t(x.field.replace(/^(entered|suggested|corrected)_/, ''))), h('td', { 'data-label': t('reason') }, problemText(x))))))) : null);
}

/** A sheet upload form: picks a CSV/XLSX, posts its bytes to `path`, shows `show(result)` in `box`, then runs `after()`. */
export function uploadForm({ id, title, path, box, show, after }) {
  const fileInput = h('input', { type: 'file', id: `${id}-file`, accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', required: true });
  const submit = h('button', { type: 'submit', class: 'primary', id: `${id}-btn` }, t('uploadBtn'));
  return h('form', { class: 'panel', id, onsubmit: async (e) => {
    e.preventDefault();
    const file = fileInput.files?.[0];
    if (!file) return;
    submit.disabled = true;
    submit.textContent = t('uploading');
    box.replaceChildren(h('p', { class: 'muted', 'aria-busy': 'true' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), ' ', t('uploading')));
    try {
      const r = await api(path, { method: 'POST', body: await file.arrayBuffer(), headers: { 'content-type': 'application/octet-stream' } });
      box.replaceChildren(show(r));
      after?.();
    } catch (err) {
      box.replaceChildren(h('p', { class: 'notice error', role: 'alert' }, `${t('error')}: ${errorText(err)}`));
    } finally { submit.disabled = false; submit.textContent = t('uploadBtn'); }
  } },
  h('h2', {}, title),
  h('div', { class: 'form-row' }, h('span', {}, `${t('file')} `, filePicker(fileInput, t('pickFile'), t('noFilePicked'))), submit));
}
