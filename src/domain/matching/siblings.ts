/**
 * The dose sequence (issue 19): a person's other doses in the same batch usually carry the
 * ID number. A record left for review or not found — no ID and one more error (a placeholder
 * or wrong birth year, a misspelt name, the other sex) — is linked to a citizen when records
 * of the same batch and commune were linked to that citizen by their ID, the record fits that
 * citizen, and nobody else could be meant:
 *
 * - exactly one such citizen fits (name near or better, birth date not different, never a
 *   weak name with a weak date, the other sex only with a strong name and date);
 * - no registry namesake of theirs (same name and registry birth date, anywhere): namesakes
 *   are never told apart by who else was vaccinated;
 * - no other candidate of the record fits as well in the record's commune, or better anywhere;
 * - the record's own ID does not single out someone else.
 */
import type { MatchResult } from '../records.js';
import { hasIdEvidence, linkTo } from './decide.js';
import type { PreparedRecord } from './prepare.js';
import type { CandidateSource, RegistryCitizen } from './registry.port.js';
import { NAME_RANK, scoreCandidate, type CandidateScore } from './score.js';

const FIT_NAMES = new Set(['exact', 'folded', 'reordered', 'partial', 'middle', 'typo', 'misspelled', 'given_typo']);
const STRONG_NAMES = new Set(['exact', 'folded']);
const FIT_DATES = new Set(['exact', 'within', 'coarser', 'swapped', 'close']);
const WEAK_DATES = new Set(['swapped', 'close']);
const STRONG_DATES = new Set(['exact', 'within', 'coarser']);
/** How much a birth date says: a year agreeing is a year agreeing, on whichever side the day is missing. */
const DATE_RANK: Record<string, number> = { exact: 6, swapped: 4, within: 3, coarser: 3, close: 2, missing: 1, different: 0 };

/** The record fits the sibling-linked citizen well enough to be theirs. */
function fits(s: CandidateScore): boolean {
  if (!FIT_NAMES.has(s.name) || !FIT_DATES.has(s.dob)) return false;
  // Two real given names one key apart (`Bảo`/`Ba`): only with the full date and sex not against.
  if (s.name === 'given_typo') return s.dob === 'exact' && s.gender !== 'disagree';
  const strongName = STRONG_NAMES.has(s.name);
  if (!strongName && WEAK_DATES.has(s.dob)) return false;
  return s.gender !== 'disagree' || (strongName && STRONG_DATES.has(s.dob));
}

/** Another candidate that could be meant as well as the sibling-linked one. */
function rivals(best: CandidateScore, other: CandidateScore): boolean {
  if (other.citizen.personalId === best.citizen.personalId || other.name === 'different') return false;
  if (hasIdEvidence(other)) return true;
  if (other.dob === 'different') return false;
  const name = NAME_RANK[other.name] - NAME_RANK[best.name];
  const date = DATE_RANK[other.dob]! - DATE_RANK[best.dob]!;
  if (other.commune && name >= -1 && date >= -1) return true;
  return (name > 0 && date >= 0) || (name >= 0 && date > 0);
}

interface Pending {
  index: number;
  p: PreparedRecord;
  scored: readonly CandidateScore[];
}

/** Citizens linked by ID in one batch, by commune and name part; and the records left over. */
export class DoseBatch {
  private readonly anchors = new Map<string, RegistryCitizen[]>();
  private readonly pending: Pending[] = [];

  private anchor(key: string, c: RegistryCitizen): void {
    const list = this.anchors.get(key);
    if (!list) this.anchors.set(key, [c]);
    else if (!list.includes(c)) list.push(c);
  }

  /**
   * Notes one decided record. `namesakesKnown`: the source holds every registry citizen with
   * the linked one's name and birth year (always for a whole registry; for one chunk's answer,
   * when the record's own name and year were its block).
   */
  note(index: number, p: PreparedRecord, result: MatchResult, scored: readonly CandidateScore[], wholeRegistry: boolean): void {
    if (result.outcome === 'review' || result.outcome === 'not_found') {
      if (p.dob && p.record.communeCode) this.pending.push({ index, p, scored });
      return;
    }
    if (result.outcome !== 'verified' && result.outcome !== 'corrected') return;
    const linked = scored.find((s) => s.citizen.personalId === result.personalId);
    if (!linked || !hasIdEvidence(linked) || linked.name === 'different' || !p.record.communeCode) return;
    const c = linked.citizen;
    if (!wholeRegistry && !(p.name.folded === c.nameKey && c.birthYear !== null && p.blockYears.includes(c.birthYear))) return;
    const cut = c.nameKey.lastIndexOf(' ');
    if (cut <= 0) return;
    const commune = p.record.communeCode;
    this.anchor(`${commune}|${c.nameKey.slice(cut + 1)}`, c);
    this.anchor(`${commune}|${c.nameKey.slice(0, cut)} *`, c);
  }

  /** Links what the batch's other records settle; `out` holds the first decisions, by index. */
  resolve(out: MatchResult[], source: CandidateSource): void {
    if (this.pending.length === 0 || this.anchors.size === 0) return;
    for (const item of this.pending) {
      const result = this.settle(item, source);
      if (result) out[item.index] = result;
    }
  }

  private near(p: PreparedRecord): RegistryCitizen[] {
    const found: RegistryCitizen[] = [];
    const commune = p.record.communeCode;
    for (const name of p.blockNames) {
      const cut = name.lastIndexOf(' ');
      if (cut <= 0) continue;
      for (const key of [`${commune}|${name.slice(cut + 1)}`, `${commune}|${name.slice(0, cut)} *`]) {
        for (const c of this.anchors.get(key) ?? []) if (!found.includes(c)) found.push(c);
      }
    }
    return found;
  }

  private settle({ p, scored }: Pending, source: CandidateSource): MatchResult | null {
    const fitting = this.near(p)
      .map((c) => scoreCandidate(p, c))
      .filter(fits);
    if (fitting.length !== 1) return null;
    const best = fitting[0]!;
    const c = best.citizen;
    if (scored.some((s) => rivals(best, s))) return null;
    if (c.birthYear === null) return null;
    const namesake = source.byNameYear(c.nameKey, c.birthYear).some((o) => o.personalId !== c.personalId && o.dateOfBirth === c.dateOfBirth);
    if (namesake) return null;
    return linkTo(p, best);
  }
}
