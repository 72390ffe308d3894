import type { z } from 'zod';

/** Why a row was rejected: the field (column) and a reason that never repeats the value. */
export interface RowIssue {
  field?: string;
  reason: string;
}

export type RowResult<T> = { ok: true; value: T } | { ok: false; issue: RowIssue };

/** The first zod issue as `{ field, reason }` (one reason per row keeps the reject file readable). */
export function firstIssue(error: z.ZodError): RowIssue {
  const issue = error.issues[0]!;
  const field = issue.path.length ? issue.path.join('.') : undefined;
  const reason = issue.code === 'invalid_type' && issue.input === undefined ? 'required' : issue.message;
  return field ? { field, reason } : { reason };
}

/** Columns the header must have; a file missing one is refused before reading any row. */
export function missingColumns(header: readonly string[], required: readonly string[]): string[] {
  const have = new Set(header);
  return required.filter((c) => !have.has(c));
}
