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
import { linkTo } from './decide.js';
import { evidenceOf } from './evidence.js';
import type { PreparedRecord } from './prepare.js';
import type { CandidateSource, RegistryCitizen } from './registry.port.js';
import { hasIdEvidence, NAME_RANK, scoreCandidate, type CandidateScore } from './score.js';

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

/** Citizens linked by ID in one batch, with the commune their record was entered in; and the records left over. */
export class DoseBatch {
  private readonly anchorCitizens: RegistryCitizen[] = [];
  private readonly anchorCommunes: string[] = [];
  private readonly pending: Pending[] = [];

  /**
   * Notes one decided record. `wholeRegistry`: the source holds every citizen (for one chunk's
   * answer, a linked citizen counts only when the record's own name and year were its block, so
   * that its registry namesakes were fetched too).
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
    this.anchorCitizens.push(c);
    this.anchorCommunes.push(p.record.communeCode);
  }

  /** Links what the batch's other records settle; `out` holds the first decisions, by index. */
  resolve(out: MatchResult[], source: CandidateSource): void {
    if (this.pending.length === 0 || this.anchorCitizens.length === 0) return;
    // Built only now, and keyed by commune alone: most batches need it for a few records.
    const byCommune = new Map<string, RegistryCitizen[]>();
    this.anchorCitizens.forEach((c, i) => {
      const commune = this.anchorCommunes[i]!;
      const list = byCommune.get(commune);
      // Repeats (a person's several doses) are dropped when read, from the few that match.
      if (!list) byCommune.set(commune, [c]);
      else list.push(c);
    });
    for (const item of this.pending) {
      const near = nearAnchors(item.p, byCommune.get(item.p.record.communeCode));
      const result = near.length > 0 ? settle(item, near, source) : null;
      if (result) out[item.index] = result;
    }
  }
}

/** Anchors sharing the given name, or all but the given name, with one reading of the record's name. */
function nearAnchors(p: PreparedRecord, anchors: readonly RegistryCitizen[] | undefined): RegistryCitizen[] {
  const found: RegistryCitizen[] = [];
  if (!anchors) return found;
  for (const name of p.blockNames) {
    const cut = name.lastIndexOf(' ');
    if (cut <= 0) continue;
    const given = name.slice(cut);
    const rest = name.slice(0, cut + 1);
    for (const c of anchors) {
      if ((c.nameKey.endsWith(given) || c.nameKey.startsWith(rest)) && !found.includes(c)) found.push(c);
    }
  }
  return found;
}

function settle({ p, scored }: Pending, near: readonly RegistryCitizen[], source: CandidateSource): MatchResult | null {
  const fitting = near.map((c) => scoreCandidate(p, c)).filter(fits);
  if (fitting.length !== 1) return null;
  const best = fitting[0]!;
  const c = best.citizen;
  if (c.birthYear === null || scored.some((s) => rivals(best, s))) return null;
  const namesake = source.byNameYear(c.nameKey, c.birthYear).some((o) => o.personalId !== c.personalId && o.dateOfBirth === c.dateOfBirth);
  return namesake ? null : linkTo(p, best, evidenceOf('doses', best, scored));
}
