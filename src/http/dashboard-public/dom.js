// A tiny element builder: text always goes in with textContent (no HTML injection from data).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Same-origin JSON fetch; state-changing calls send the CSRF token of /api/me. */
let me;
export async function whoAmI() {
  if (me !== undefined) return me;
  const res = await fetch('/api/me', { credentials: 'same-origin' });
  me = res.ok ? await res.json() : null;
  return me;
}

export class HttpError extends Error {
  constructor(status, body) { super(body?.error?.message ?? `HTTP ${status}`); this.status = status; this.body = body; }
}

export async function api(path, opts = {}) {
  const headers = { accept: 'application/json', ...(opts.headers ?? {}) };
  if (opts.method && opts.method !== 'GET') {
    const m = await whoAmI();
    if (m?.csrfToken) headers['x-csrf-token'] = m.csrfToken;
  }
  const res = await fetch(path, { credentials: 'same-origin', ...opts, headers });
  const body = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
  if (!res.ok) throw new HttpError(res.status, body);
  return body;
}

/**
 * A file input the page labels itself: the browser's own button and 'No file chosen' follow the
 * browser's language, not the page's. The input stays in the page (focusable, labelled), drawn
 * under a button-looking label with the chosen file's name beside it.
 */
export function filePicker(input, pick, none) {
  if (!input.id) throw new Error('filePicker: the input needs an id');
  input.classList.add('visually-hidden');
  const name = h('span', { class: 'muted file-name' }, none);
  input.addEventListener('change', () => { name.textContent = input.files?.[0]?.name ?? none; });
  return h('span', { class: 'file-picker' }, input, h('label', { for: input.id, class: 'button' }, pick), ' ', name);
}
