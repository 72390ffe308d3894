/*
 * What the repositories' queries share: a projection from a list of fields, and the duplicate-key
 * outcome of a unique index (MongoDB error 11000), which is how a natural-key write learns that
 * the document exists already.
 */

/** `{ field: 1, … }` for `fields`, over `base` (e.g. `{ _id: 0, code: 1 }`). */
export const projectionOf = (fields: readonly string[], base: Record<string, 0 | 1> = {}): Record<string, 0 | 1> =>
  ({ ...base, ...Object.fromEntries(fields.map((f) => [f, 1 as const])) });

interface WriteError { code?: number; index: number; err?: { code?: number } }

const DUPLICATE_KEY = 11000;

/** A single write refused by a unique index. */
export const isDuplicateKey = (err: unknown): boolean => (err as { code?: number }).code === DUPLICATE_KEY;

/** The per-document errors of a bulk write or insertMany (none for an error of the whole command). */
export function writeErrorsOf(err: unknown): WriteError[] {
  const list = (err as { writeErrors?: unknown }).writeErrors;
  return (Array.isArray(list) ? list : list ? [list] : []) as WriteError[];
}

const isDuplicateKeyWrite = (w: WriteError) => (w.code ?? w.err?.code) === DUPLICATE_KEY;

/** Every document a bulk write refused was refused as a duplicate key (or the single write was). */
export function onlyDuplicateKeys(err: unknown): boolean {
  const errors = writeErrorsOf(err);
  return errors.length === 0 ? isDuplicateKey(err) : errors.every(isDuplicateKeyWrite);
}

/** The indexes of the documents refused as duplicate keys; null when anything else failed. */
export function duplicateKeyIndexes(err: unknown): number[] | null {
  const errors = writeErrorsOf(err);
  return errors.length > 0 && errors.every(isDuplicateKeyWrite) ? errors.map((w) => w.index) : null;
}
