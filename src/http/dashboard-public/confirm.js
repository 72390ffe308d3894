import { errorText, t } from './i18n.js';
import { h } from './dom.js';

/**
 * A button that turns into "Sure? [Yes] [Cancel]" and then runs `act`, showing its outcome in `out`.
 * `check()` (optional) names a problem the page can see before asking: shown in `out`, nothing sent.
 */
export function confirmed(label, id, what, act, out, check = () => null) {
  const btn = h('button', { type: 'button', class: 'primary', id });
  btn.textContent = typeof label === 'function' ? label() : label;
  const wrap = h('span', { class: 'confirm-wrap' }, btn);
  btn.addEventListener('click', () => {
    const problem = check();
    if (problem) {
      out.textContent = `${t('error')}: ${problem}`;
      out.className = 'act-result result-bad';
      return;
    }
    // A result of an earlier attempt would read as this one's: cleared while the question is asked.
    out.textContent = '';
    out.className = 'act-result';
    if (typeof label === 'function') btn.textContent = label();
    const yes = h('button', { type: 'button', class: 'primary', id: `${id}-yes` }, t('yes'));
    const no = h('button', { type: 'button', class: 'link', id: `${id}-no` }, t('cancel'));
    wrap.replaceChildren(h('span', { class: 'confirm', role: 'alertdialog' }, t('confirmAction', { what: typeof what === 'function' ? what() : what }), ' ', yes, ' ', no));
    no.addEventListener('click', () => wrap.replaceChildren(btn));
    const restore = () => { if (typeof label === 'function') btn.textContent = label(); wrap.replaceChildren(btn); };
    yes.addEventListener('click', async () => {
      yes.disabled = true; no.disabled = true;
      out.className = 'act-result muted';
      out.textContent = t('loading');
      try {
        out.textContent = await act();
        out.className = 'act-result result-ok';
      } catch (err) {
        out.textContent = `${t('error')}: ${errorText(err)}`;
        out.className = 'act-result result-bad';
      }
      restore();
    });
    yes.focus();
  });
  return wrap;
}

