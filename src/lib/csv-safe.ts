/**
 * CSV/formula injection: a spreadsheet opening a CSV runs a cell starting with = + - @ as a
 * formula, and Excel and LibreOffice skip leading blanks first (`" =2+2"`, a tab, CR, LF, a
 * no-break or full-width space), and read the full-width ＝ ＋ － ＠ as the ASCII ones. Such cells
 * get a leading apostrophe, which spreadsheets show as text and our worksheet reader strips again.
 * Invisible format characters (Unicode category Cf: U+00AD soft hyphen, U+2060 word joiner,
 * U+200B–U+200F, U+FEFF…) count as blanks too: a cell starting with one before `=` is a formula.
 */
const FORMULA_START = /^[\s\p{Cf}\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r\n]/u;
const NEUTRALISED = new RegExp(`^'(?:${FORMULA_START.source.replace(/\^/g, '')})`, 'u');

export function neutraliseCell(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  return FORMULA_START.test(v) ? `'${v}` : v;
}

export function neutraliseRow<T extends Record<string, unknown>>(row: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = neutraliseCell(v);
  return out as T;
}

/** The worksheet reader's inverse: a cell we neutralised reads back as typed. */
export function unneutraliseCell(v: unknown): unknown {
  return typeof v === 'string' && NEUTRALISED.test(v) ? v.slice(1) : v;
}
