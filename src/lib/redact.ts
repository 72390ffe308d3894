import { maskId, maskName } from './mask.js';

/**
 * Personal data out of log lines, whatever shape they come in: values under personal-data keys
 * at any depth are masked (IDs keep their first and last digits, names become initials, birth
 * dates are dropped), and every string (messages, error messages and stacks, request paths) has
 * ID-like digit runs and calendar dates masked. Used by the pino logger on every line.
 */
const ID_KEYS = new Set(['idnumber', 'personalid', 'oldidnumber', 'passport', 'passportnumber', 'number', 'corrected_idnumber', 'entered_idnumber', 'suggested_idnumber']);
const NAME_KEYS = new Set(['fullname', 'corrected_fullname', 'entered_fullname', 'suggested_fullname', 'officername', 'signedoffby']);
const DATE_KEYS = new Set(['dateofbirth', 'birthdate', 'corrected_dateofbirth', 'entered_dateofbirth', 'suggested_dateofbirth']);
/** Values of a correction's change: the field says which, so the value is masked whatever it is. */
const VALUE_KEYS = new Set(['oldvalue', 'newvalue', 'values', 'changes', 'candidates', 'corrections']);

/** 9-digit old IDs and 12-digit citizen IDs (not inside longer digit runs such as epoch millis). */
const ID_RUN = /(?<!\d)(\d{12}|\d{9})(?!\d)/g;
/** Calendar dates as people type them; ISO timestamps (with a time part) are left alone. */
const DATE_TEXT = /(?<![\d-])(?:(?:1[89]|20)\d{2}-\d{1,2}-\d{1,2}(?![\dT:])|\d{1,2}[/.]\d{1,2}[/.](?:1[89]|20)\d{2}(?!\d))/g;

export function scrubText(s: string): string {
  return s.replace(ID_RUN, (m) => maskId(m)).replace(DATE_TEXT, '[date]');
}

const MAX_DEPTH = 8;

export function redactValue(value: unknown, key = '', depth = 0): unknown {
  const k = key.toLowerCase();
  if (value === null || value === undefined) return value;
  if (ID_KEYS.has(k) && (typeof value === 'string' || typeof value === 'number')) return maskId(String(value));
  if (NAME_KEYS.has(k) && typeof value === 'string') return maskName(value);
  if (DATE_KEYS.has(k)) return '[masked]';
  if (VALUE_KEYS.has(k) && depth > 0 && typeof value !== 'object') return '[masked]';
  if (typeof value === 'string') return scrubText(value);
  if (typeof value !== 'object' || depth >= MAX_DEPTH) return value;
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, VALUE_KEYS.has(k) ? 'oldValue' : key, depth + 1));
  if (value instanceof Error) {
    return { type: value.name, message: scrubText(value.message), stack: value.stack ? scrubText(value.stack) : undefined, ...(redactValue({ ...value }, '', depth + 1) as object) };
  }
  const out: Record<string, unknown> = {};
  for (const [ck, cv] of Object.entries(value as Record<string, unknown>)) {
    out[ck] = VALUE_KEYS.has(k) && typeof cv !== 'object' && ck !== 'field' ? '[masked]' : redactValue(cv, ck, depth + 1);
  }
  return out;
}
