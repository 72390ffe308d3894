/** How an entered birth date agrees with the registry's, as a level the scorer weighs. */
import type { BirthDate } from './dates.js';

export type DateLevel =
  /** Same date, at day precision on both sides (or the 01/01 placeholder on a real 1 January). */
  | 'exact'
  /**
   * The registry has less precision (`1980`, `1980-05`) and the entered date fits it: no
   * correction to make, but weak evidence (every namesake born that year fits too).
   */
  | 'within'
  /** Entered with less precision (year only, `01/01` placeholder, month/year), consistent. */
  | 'coarser'
  /** Day and month swapped. */
  | 'swapped'
  /** One part off: the day, the month, or one digit of the year. */
  | 'close'
  | 'different'
  | 'missing';

function yearsClose(a: number, b: number): boolean {
  // One year off, or the decade key (1994 for 2004, 1975 for 1985).
  if (Math.abs(a - b) === 1 || Math.abs(a - b) === 10) return true;
  const x = String(a);
  const y = String(b);
  let diffs = 0;
  for (let i = 0; i < 4; i++) if (x[i] !== y[i]) diffs++;
  if (diffs === 1) return true;
  // Adjacent digits swapped: 1985 ↔ 1958.
  return diffs === 2 && x[2] === y[3] && x[3] === y[2];
}

export function compareDates(entered: BirthDate | null, registry: BirthDate | null): DateLevel {
  if (!entered) return 'missing';
  if (!registry) return 'missing';
  if (entered.year !== registry.year) {
    if (entered.month === registry.month && entered.day === registry.day && yearsClose(entered.year, registry.year)) {
      return 'close';
    }
    // A year alone on either side has no day and month to agree: only the next or last year
    // is close (a father and son are often one digit apart).
    const yearOnly = entered.precision === 'year' || registry.precision === 'year';
    return yearOnly && Math.abs(entered.year - registry.year) === 1 ? 'close' : 'different';
  }
  if (entered.placeholder && registry.month === 1 && registry.day === 1) return 'exact';
  // Compare at the coarser of the two precisions.
  const enteredMonth = entered.precision === 'year' ? undefined : entered.month;
  const enteredDay = entered.precision === 'day' ? entered.day : undefined;
  if (registry.precision === 'year') return 'within';
  if (enteredMonth === undefined) return 'coarser';
  if (enteredMonth !== registry.month) {
    if (enteredDay !== undefined && enteredDay === registry.month && enteredMonth === registry.day) return 'swapped';
    return enteredDay === registry.day ? 'close' : 'different';
  }
  if (registry.precision === 'month') return 'within';
  if (enteredDay === undefined) return 'coarser';
  return enteredDay === registry.day ? 'exact' : 'close';
}
