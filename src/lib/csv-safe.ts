/**
 * CSV/formula injection: a spreadsheet opening a CSV runs a cell starting with = + - @ (or a tab
 * or carriage return before one) as a formula. Such cells get a leading apostrophe, which
 * spreadsheets show as text and our worksheet reader strips again.
 */
export function neutraliseCell(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

export function neutraliseRow<T extends Record<string, unknown>>(row: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = neutraliseCell(v);
  return out as T;
}

/** The worksheet reader's inverse: a cell we neutralised reads back as typed. */
export function unneutraliseCell(v: unknown): unknown {
  return typeof v === 'string' && /^'[=+\-@\t\r]/.test(v) ? v.slice(1) : v;
}
