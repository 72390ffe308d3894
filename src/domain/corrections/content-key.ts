import { createHash } from 'node:crypto';
import { CORRECTABLE_FIELDS, type CorrectionInput } from './types.js';

/**
 * The natural key of a submitted correction: the record, the version it was based on and
 * what it asks for. The same correction submitted twice (a re-uploaded worksheet, a retried
 * request) has the same key and is stored and applied once.
 */
export function correctionKey(input: Pick<CorrectionInput, 'recordId' | 'baseVersion' | 'decision' | 'values' | 'explanation'>): string {
  const values = CORRECTABLE_FIELDS.map((f) => `${f}=${(input.values?.[f] ?? '').trim()}`).join('|');
  const text = [input.recordId, input.baseVersion, input.decision, values, (input.explanation ?? '').trim()].join('\u001f');
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}
