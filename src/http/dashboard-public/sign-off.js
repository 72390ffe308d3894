import { errorText, fmtBirth, fmtDay, fmtGender, fmtTime, t } from './i18n.js';
import { api, h } from './dom.js';
import { resultPanel, uploadForm } from './upload-result.js';
import { facilityText } from './history.js';

/** The police's filled sheet, answered row by row like the health station's worksheet. */
const signOffResult = (r) => resultPanel('signoff-result', t('signOffResult'), [[t('rows'), r.rows], [t('signOffApproved'), r.approved, 'result-ok'],
  [t('signOffRefused'), r.refused], [t('signOffUnchanged'), r.unchanged], [t('signOffSkipped'), r.skipped]], r.rejected,
r.correctionRounds.length ? h('li', {}, `${t('correctionRounds')}: ${r.correctionRounds.join(', ')}`) : null);

const shown = (field, v) => (field === 'dateOfBirth' ? fmtBirth(v) : field === 'gender' ? fmtGender(v) : v);
const changeText = (x) => `${t(x.field)}: ${shown(x.field, x.oldValue) || '∅'} → ${shown(x.field, x.newValue)}`;

/** The record as it stands, beside the change: ID masked, birth date, sex, where it was entered, a history link. */
function recordCell(c) {
  const box = h('div', { class: 'record-box' }, h('a', { href: `/dashboard/r/${encodeURIComponent(c.recordId)}`, class: 'history-link' }, c.recordId), h('br'),
    h('small', { class: 'muted' }, t('loading')));
  api(`/api/records/${encodeURIComponent(c.recordId)}/history`).then((hist) => {
    const r = hist.record ?? {};
    box.replaceChildren(h('a', { href: `/dashboard/r/${encodeURIComponent(c.recordId)}`, class: 'history-link' }, `${c.recordId} · ${t('history')}`),
      h('dl', { class: 'kv' },
        h('dt', {}, t('idNumber')), h('dd', { class: 'masked-id' }, r.idNumber || '—'),
        h('dt', {}, t('dateOfBirth')), h('dd', {}, fmtBirth(r.dateOfBirth) || '—'),
        h('dt', {}, t('gender')), h('dd', {}, fmtGender(r.gender) || '—'),
        h('dt', {}, t('source')), h('dd', { class: 'facility' }, [facilityText(r), r.vaccinatedAt ? fmtDay(String(r.vaccinatedAt).slice(0, 10)) : null].filter(Boolean).join(' · ') || '—')));
  }).catch((err) => { box.append(h('small', { class: 'result-bad' }, errorText(err))); });
  return box;
}

/**
 * The commune police's approval step: corrections stored `awaiting_signoff` are applied only when
 * a commune_police identity approves them (POST /api/corrections/:id/sign-off). The health
 * station sees how many wait; the police see each record beside its change and approve or refuse
 * it (buttons, keyboard-reachable), or download the approval sheet. The officer's "confirm
 * correction" and the police's "approve" are different words.
 */
export function signOffPanel(box, code, me) {
  const roles = me?.roles ?? [];
  const police = roles.includes('commune_police');
  if (!police && !roles.includes('commune_health')) { box.replaceChildren(); return; }
  const body = h('tbody', {}, h('tr', {}, h('td', { colspan: 4, class: 'muted' }, t('loading'))));
  const note = h('p', { class: 'muted', 'aria-live': 'polite' });
  const load = async () => {
    try {
      const [{ items: waiting }, { items: approved }] = await Promise.all([api(`/api/localities/${code}/corrections?status=awaiting_signoff`),
        // The police's approvals not verified again yet: still theirs to undo after a reload.
        police ? api(`/api/localities/${code}/corrections?status=applied&undoable=1&limit=1000`) : { items: [] }]);
      note.textContent = waiting.length ? t('signOffHint') : t('nothingToSign');
      const items = [...waiting, ...approved.slice(-50)];
      body.replaceChildren(...items.map((c) => {
        const state = h('td', { class: 'state', 'data-label': t('status') }, t('awaiting_signoff'));
        const cell = h('td', { class: 'actions', 'data-label': t('actions') });
        const send = async (decision) => {
          cell.querySelectorAll('button').forEach((b) => { b.disabled = true; });
          state.textContent = t('loading');
          try {
            const r = await api(`/api/corrections/${c.id}/sign-off`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ decision }) });
            state.textContent = r.applied ? t('approved') : t(r.correction.status);
            state.className = `state ${r.applied ? 'result-ok' : ''}`;
            // A refusal can be taken back while nothing came of it, an approval until the record
            // is verified again (audited by the API; an approval's undo is asked first).
            if (r.correction.status === 'refused') cell.replaceChildren(h('button', { type: 'button', class: 'link undo', onclick: undo }, t('undo')));
            else if (r.applied) showUndo();
            else cell.replaceChildren();
          } catch (err) {
            state.textContent = `${t('error')}: ${errorText(err)}`;
            state.className = 'state result-bad';
            showButtons();
          }
        };
        const undo = async () => {
          cell.querySelectorAll('button').forEach((b) => { b.disabled = true; });
          try {
            const r = await api(`/api/corrections/${c.id}/sign-off/undo`, { method: 'POST' });
            state.textContent = t(r.undone === 'approve' ? 'undoneApproval' : 'undone');
            state.className = 'state';
            showButtons();
          } catch (err) {
            // Nothing undone (the record changed, or was verified again, meanwhile): said why, the
            // decision stands and is no longer offered to undo; another failure may be tried again.
            state.textContent = `${t('error')}: ${errorText(err)}`;
            state.className = 'state result-bad';
            if (err?.status === 409) cell.replaceChildren();
            else cell.querySelectorAll('button').forEach((b) => { b.disabled = false; });
          }
        };
        // Undoing an approval puts the record's old values back: asked first, naming the record.
        const showUndo = () => cell.replaceChildren(h('button', { type: 'button', class: 'link undo undo-approval', title: t('undoApprovalHint'), onclick: askUndo }, t('undo')), ' ', h('small', { class: 'muted' }, t('undoApprovalHint')));
        const askUndo = () => {
          const yes = h('button', { type: 'button', class: 'primary confirm-yes undo-yes', onclick: undo }, t('yes'));
          const no = h('button', { type: 'button', class: 'link confirm-no', onclick: showUndo }, t('cancel'));
          cell.replaceChildren(h('span', { class: 'confirm', role: 'alertdialog' }, t('confirmAction', { what: t('undoApprovalConfirm', { id: c.recordId }) }), ' ', yes, ' ', no));
          yes.focus();
        };
        // One tap asks first: 'Bạn chắc chắn muốn: phê duyệt thay đổi của bản ghi …? [Có] [Huỷ]'.
        const ask = (decision) => () => {
          const yes = h('button', { type: 'button', class: `primary confirm-yes ${decision}-yes`, onclick: () => send(decision) }, t('yes'));
          const no = h('button', { type: 'button', class: 'link confirm-no', onclick: () => showButtons() }, t('cancel'));
          cell.replaceChildren(h('span', { class: 'confirm', role: 'alertdialog' }, t('confirmAction', { what: t(decision === 'approve' ? 'confirmApprove' : 'confirmRefuse', { id: c.recordId }) }), ' ', yes, ' ', no));
          yes.focus();
        };
        const showButtons = () => cell.replaceChildren(h('button', { type: 'button', class: 'primary approve', onclick: ask('approve') }, t('approve')), ' ',
          h('button', { type: 'button', class: 'danger refuse', onclick: ask('refuse') }, t('refuse')));
        if (c.status === 'applied') { state.textContent = t('approved'); state.className = 'state result-ok'; showUndo(); } else showButtons();
        return h('tr', { dataset: { id: c.id } },
          police ? h('td', { 'data-label': t('theRecord') }, recordCell(c)) : h('td', { 'data-label': t('recordId') }, c.recordId),
          h('td', { 'data-label': t('theChange'), class: 'wrap' }, (c.changes ?? []).map((x) => h('div', {}, changeText(x))), c.explanation ? h('div', { class: 'muted' }, c.explanation) : null,
            h('small', { class: 'muted' }, `${t('submittedBy')}: ${c.officer?.name ?? ''} · ${fmtTime(c.createdAt)}`)),
          police ? cell : null,
          state);
      }));
    } catch (err) {
      note.textContent = `${t('error')}: ${errorText(err)}`;
      body.replaceChildren();
    }
  };
  const resultBox = h('div', {});
  const upload = police ? uploadForm({ id: 'signoff-upload', title: t('signOffUpload'), path: `/api/localities/${code}/corrections/sign-off/upload`, box: resultBox, show: signOffResult, after: () => void load() }) : null;
  box.replaceChildren(h('section', { class: 'panel', id: 'sign-off' },
    h('h2', {}, t('signOff')), note,
    h('div', { class: 'table-wrap' }, h('table', { class: 'worklist sign-off stack' },
      h('thead', {}, h('tr', {}, [police ? t('theRecord') : t('recordId'), t('theChange'), police ? t('actions') : null, t('status')].filter((x) => x !== null).map((x) => h('th', { scope: 'col' }, x)))),
      body)),
    police ? h('p', {}, h('a', { href: `/api/localities/${code}/corrections/sign-off.csv`, download: `phe-duyet-${code}.csv`, id: 'download-signoff' }, t('downloadSignOff'))) : null),
  ...(upload ? [upload, resultBox] : []));
  void load();
}
