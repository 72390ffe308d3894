/**
 * The decision for one record from its scored candidates: link (verified / corrected),
 * review, or not found. Precision first: a dose linked to the wrong person is worse than
 * a dose left for a human to look at.
 */
import type { Corrections, MatchEvidence, MatchResult } from '../records.js';
import { evidenceOf } from './evidence.js';
import { NO_CANDIDATE } from './no-candidate.js';
import type { PreparedRecord } from './prepare.js';
import {
  AUTO_MATCH_WEIGHT,
  DATE_RANK,
  ID_WEIGHT,
  hasIdEvidence,
  isCompatibleDate,
  isStrictName,
  MIN_MARGIN,
  NAME_RANK,
  POTENTIAL_MATCH_WEIGHT,
  weightToScore,
  type CandidateScore,
} from './score.js';
import type { NameLevel } from './name-compare.js';

/** Candidates listed for a reviewer. */
const MAX_REVIEW_CANDIDATES = 3;

function byWeight(a: CandidateScore, b: CandidateScore): number {
  return b.weight - a.weight || (a.citizen.personalId < b.citizen.personalId ? -1 : 1);
}


/** A middle name missing, extra or different, a typo, the given name misspelt. */
function isNearName(l: NameLevel): boolean {
  return l === 'partial' || l === 'middle' || l === 'typo' || l === 'misspelled';
}

/**
 * Two ID digits wrong count for a citizen only where the rest is strong: the name reads the
 * same and the birth date agrees, or a near name with the full date, sex and commune.
 */
function strongNear2(s: CandidateScore): boolean {
  if (s.id !== 'near2' || s.gender === 'disagree') return false;
  if (isStrictName(s.name) || s.name === 'reordered') return s.dob === 'exact' || s.dob === 'coarser' || s.dob === 'within' || s.dob === 'swapped';
  return isNearName(s.name) && s.dob === 'exact' && s.commune;
}

/**
 * Rules on top of the weight. Without ID evidence a person is recognised by a name that reads
 * the same and a full birth date that agrees, in any commune (no namesake fits: see
 * `namesakeRival`); by such a name with a coarser date (year, month/year, 01/01) that agrees,
 * or day and month swapped, in their commune, sex not contradicting; or by a near name (middle
 * name dropped or different, a typo, the given name misspelled) with the full date, in their
 * commune, sex not contradicting. An entered number that is nobody's and far from this
 * citizen's asks for the commune too. A relative's ID (its owner's name differs) says nothing
 * for or against the others: the same rules apply, reordered names aside.
 */
function safeToLink(best: CandidateScore, idBelongsToOther: boolean): boolean {
  if ((hasIdEvidence(best) || strongNear2(best)) && !idBelongsToOther) return true;
  const strictName = isStrictName(best.name) || (!idBelongsToOther && best.name === 'reordered');
  const tie = best.commune || best.id === 'consistent';
  const sexOk = best.gender !== 'disagree';
  const wrongNumber = best.id === 'conflict' && !idBelongsToOther;
  if (strictName && best.dob === 'exact') return !wrongNumber || tie;
  if (strictName && (best.dob === 'coarser' || best.dob === 'within' || best.dob === 'swapped')) return tie && sexOk;
  return isNearName(best.name) && best.dob === 'exact' && tie && sexOk;
}

/**
 * The entered full date is the best one's to the day, the other holds only its year (or
 * month) in the registry: one day in 365 is no namesake, unless the other lives in the
 * record's commune and the best does not.
 */
function exactDayBeatsYearOnly(best: CandidateScore, other: CandidateScore): boolean {
  return best.dob === 'exact' && other.dob === 'within' && (best.commune || !other.commune);
}

/**
 * Someone the registry does not hold looks like this (issue 19): a well-formed citizen ID that
 * nobody has and that is not one or two keystrokes from the best's; a relative's ID on a record
 * linked outside the record's commune; a name and birth date alone, away from home (a name and
 * date unique in the registry are unique among those it holds: 2 of 14,324 unregistered
 * people's records were linked so on `--not-in-registry-rate 0.02`). Such a link needs more:
 * - a number nobody holds: the name reads the same, the full date agrees, in the home commune;
 * - otherwise, without ID evidence: the home commune.
 */
function maybeUnregistered(p: PreparedRecord, best: CandidateScore, idHeld: boolean, idBelongsToOther: boolean): boolean {
  if (idBelongsToOther) return !best.commune;
  if (hasIdEvidence(best) || strongNear2(best)) return false;
  if (p.id.kind === 'citizen' && !idHeld && (best.id === 'consistent' || best.id === 'conflict')) {
    if (!(isStrictName(best.name) && best.dob === 'exact' && best.commune)) return true;
  }
  // Away from home a name and birth date alone also fit whoever the registry lacks.
  return !best.commune;
}

/**
 * Namesakes in one commune (same name and date) are a weight apart by their IDs only: a number
 * one keystroke from the best's and nowhere near the other's tells them apart, when the other
 * fits no better on name or date.
 */
function idTellsApart(best: CandidateScore, rival: CandidateScore): boolean {
  if (!hasIdEvidence(best) || rival.id === 'near' || rival.id === 'near2' || hasIdEvidence(rival)) return false;
  return NAME_RANK[rival.name] <= NAME_RANK[best.name] && DATE_RANK[rival.dob] <= DATE_RANK[best.dob] && best.gender !== 'disagree';
}

/**
 * A well-formed citizen ID that nobody holds is most often the number of someone the registry
 * does not hold: a citizen far from that number, living elsewhere, is not worth a reviewer's
 * time (not-in-registry records went to review one time in five).
 */
function farFromUnknownId(s: CandidateScore): boolean {
  return !hasIdEvidence(s) && s.id !== 'near2' && !s.commune;
}

/**
 * Issue 31: an entry's year (or month, or 01/01) fits a citizen of the record's commune and one
 * elsewhere whose registry birth dates differ: they are no namesakes, and the dose was entered
 * where the first lives. The name reads the same and the sex agrees; the other's name fits no
 * better. Registry namesakes (the same registry date) stay for review.
 */
function homeBeatsAway(best: CandidateScore, other: CandidateScore): boolean {
  return (
    best.commune &&
    !other.commune &&
    isStrictName(best.name) &&
    best.gender === 'agree' &&
    NAME_RANK[other.name] <= NAME_RANK[best.name] &&
    best.citizen.dateOfBirth !== other.citizen.dateOfBirth
  );
}

/** Every candidate within the margin is someone elsewhere that `homeBeatsAway` sets aside. */
function homeBeatsEveryRival(best: CandidateScore, scored: readonly CandidateScore[]): boolean {
  return scored.every((s) => s === best || best.weight - s.weight >= MIN_MARGIN || homeBeatsAway(best, s));
}

/**
 * Never guess between namesakes: without an ID that singles the best out, another citizen
 * whose name fits about as well and whose birth date fits the entry too (same name and date,
 * in whatever commune, of whatever recorded sex) sends the record to review.
 */
function namesakeRival(p: PreparedRecord, best: CandidateScore, scored: readonly CandidateScore[]): boolean {
  if (hasIdEvidence(best)) return false;
  return scored.some(
    (s) =>
      s !== best &&
      s.name !== 'different' &&
      ((NAME_RANK[s.name] >= NAME_RANK[best.name] - 1 &&
        (isCompatibleDate(s.dob) ? isCompatibleDate(best.dob) || best.dob === s.dob : s.dob === best.dob) &&
        !(p.dob?.precision === 'day' && exactDayBeatsYearOnly(best, s)) &&
        !homeBeatsAway(best, s)) ||
        // Away from home, anyone in the record's commune with a near name and the date wins the doubt.
        (!best.commune && s.commune && (s.dob === 'exact' || s.dob === best.dob))),
  );
}


/**
 * Another plausible citizen fits the record better on name or birth date: the ID owner
 * `Nguyễn Đức Hưng` is not chosen for `Nguyễn Đức Hùng` while a twin `Nguyễn Đức Hùng`
 * exists, nor a son for a record with his namesake father's birth date.
 */
function betterFitElsewhere(best: CandidateScore, scored: readonly CandidateScore[]): boolean {
  return scored.some((s) => {
    if (s === best) return false;
    const name = NAME_RANK[s.name] - NAME_RANK[best.name];
    if (name > 0 && (s.dob === 'exact' || DATE_RANK[s.dob] >= DATE_RANK[best.dob])) return true;
    // Only when the best one's birth date is plainly wrong: a coarser or year-only registry
    // date is no contradiction, and namesakes with the entered date exist anywhere.
    return best.dob === 'different' && name >= 0 && DATE_RANK[s.dob] > DATE_RANK[best.dob] && s.weight >= POTENTIAL_MATCH_WEIGHT;
  });
}

/** Bits of the fields to correct: 1 ID number, 2 name, 4 birth date, 8 sex (`CORRECTED_FIELDS`). */
function correctionMask(p: PreparedRecord, best: CandidateScore): number {
  const c = best.citizen;
  let mask = 0;
  if (p.id.kind !== 'citizen' || p.id.value !== c.personalId || p.id.zerosRestored) mask |= 1;
  if (best.name !== 'exact' || best.nameFixed) mask |= 2;
  if (best.dob !== 'exact' && best.dob !== 'within') mask |= 4;
  // A missing sex is no reason to correct a record, but a record corrected anyway gets it.
  if (best.gender === 'disagree' || (best.gender === 'missing' && mask !== 0)) mask |= 8;
  return mask;
}

function correctionsOf(c: CandidateScore['citizen'], mask: number): Corrections {
  const corrections: Corrections = {};
  if (mask & 1) corrections.idNumber = c.personalId;
  if (mask & 2) corrections.fullName = c.fullName;
  if (mask & 4) corrections.dateOfBirth = c.dateOfBirth;
  if (mask & 8) corrections.gender = c.gender;
  return corrections;
}

const CORRECTED_FIELDS = ['idNumber', 'fullName', 'dateOfBirth', 'gender'] as const;

/**
 * `corrected idNumber, fullName` and the like for each set of corrected fields (bit i for
 * `CORRECTED_FIELDS[i]`): one shared string per set, not a new one per linked record kept
 * alive in the results.
 */
const CORRECTED_REASONS = Array.from(
  { length: 16 },
  (_, mask) => `corrected ${CORRECTED_FIELDS.filter((_, i) => mask & (1 << i)).join(', ')}`,
);

/** A link; the corrections object is built only for a record that needs one (most are verified as entered). */
export function linkTo(p: PreparedRecord, best: CandidateScore, evidence: MatchEvidence): MatchResult {
  const mask = correctionMask(p, best);
  const { recordId } = p.record;
  const { personalId } = best.citizen;
  if (mask === 0) return { recordId, outcome: 'verified', personalId, score: best.score, evidence };
  const corrections = correctionsOf(best.citizen, mask);
  return { recordId, outcome: 'corrected', personalId, score: best.score, corrections, reason: CORRECTED_REASONS[mask]!, evidence };
}

function fallback(p: PreparedRecord): MatchResult {
  const result = { recordId: p.record.recordId, score: 0 };
  // No citizen fits: a foreign nationality with an ID number, or a passport with no
  // nationality entered, is a foreigner's record.
  const foreign = p.id.kind !== 'missing' && (p.vietnamese === false || (p.vietnamese === undefined && p.id.kind === 'passport'));
  if (foreign) return { ...result, outcome: 'exempt', reason: 'foreign identity number and no matching citizen', evidence: NO_CANDIDATE.foreign_no_match! };
  return { ...result, outcome: 'not_found', reason: 'no citizen with this ID number or name and birth year', evidence: NO_CANDIDATE.no_candidate! };
}

/**
 * The entered ID is a relative's when its owner differs in both name and birth date. The
 * number is then explained and says nothing against the other candidates: its penalty is
 * taken back (the strict rules of `safeToLink` still apply to them).
 */
function discountExplainedId(scored: CandidateScore[], idOwner: CandidateScore): void {
  for (const s of scored) {
    if (s === idOwner || s.id !== 'conflict') continue;
    s.weight -= ID_WEIGHT.conflict;
    s.score = weightToScore(s.weight);
  }
}

/**
 * A number one keystroke from (or equal to) a citizen's ID does not also fit another citizen
 * two keystrokes from it: one slip is likelier than two (consecutive IDs of twins). A
 * relative's number (the name differs) explains nothing about the others.
 */
function dropFartherNear2(scored: CandidateScore[]): void {
  if (!scored.some((s) => hasIdEvidence(s) && s.name !== 'different')) return;
  for (const s of scored) {
    if (s.id !== 'near2') continue;
    s.id = 'conflict';
    s.weight += ID_WEIGHT.conflict - ID_WEIGHT.near2;
    s.score = weightToScore(s.weight);
  }
}

/**
 * A relative's ID (issue 31): the entered number is a household member's (its owner lives in the
 * record's commune) whose name and birth date both fall short of the entry, while another citizen
 * of that commune has the name (letters equal) and a birth date that agrees, sex not against.
 * That citizen is the record's person: linked, and the correction proposes their own ID. The owner
 * fits no better than on a slip in each field; twins (the owner's date agrees) stay for review.
 */
function ownPersonOfRelativeId(idOwner: CandidateScore, scored: readonly CandidateScore[]): CandidateScore | undefined {
  if (isStrictName(idOwner.name) || isCompatibleDate(idOwner.dob)) return undefined;
  let own: CandidateScore | undefined;
  for (const s of scored) {
    if (s === idOwner || !s.commune || s.citizen.communeCode !== idOwner.citizen.communeCode) continue;
    if (!isStrictName(s.name) || !isCompatibleDate(s.dob) || s.gender === 'disagree') continue;
    // An owner whose name is near the entry (a son named like his father) leaves only the full date to tell them apart.
    if (idOwner.name !== 'different' && s.dob !== 'exact') continue;
    if (own) return undefined; // two of the household fit: not ours to choose
    own = s;
  }
  return own;
}

/**
 * Nobody else could be meant by a record linked on a relative's ID: no other citizen of the
 * record's commune with a name as good (within one level) and a date that fits, and none anywhere
 * with the name and the full date.
 */
function aloneInHousehold(own: CandidateScore, idOwner: CandidateScore, scored: readonly CandidateScore[]): boolean {
  return !scored.some(
    (s) =>
      s !== own &&
      s !== idOwner &&
      s.name !== 'different' &&
      NAME_RANK[s.name] >= NAME_RANK[own.name] - 1 &&
      // A registry namesake elsewhere (the same name and date) is told apart by an ID only.
      (s.commune
        ? isCompatibleDate(s.dob)
        : isStrictName(s.name) && isCompatibleDate(s.dob) && !(own.dob === 'exact' && s.dob !== 'exact')),
  );
}

/** Which rule linked `best` (see `safeToLink`), for the evidence. */
function linkRule(best: CandidateScore): string {
  if (hasIdEvidence(best)) return 'id';
  if (best.id === 'near2') return 'id_near2';
  if (isStrictName(best.name) || best.name === 'reordered') return best.dob === 'exact' ? 'name_dob' : 'name_coarse_date';
  return 'near_name';
}

/**
 * The record's own person when the entered ID is a relative's (see `ownPersonOfRelativeId`), or
 * null. Kept out of `decide`, whose hot path stays small enough for the compiler to inline its rules.
 */
function relativeIdLink(p: PreparedRecord, scored: readonly CandidateScore[], idOwner: CandidateScore, idBelongsToOther: boolean): MatchResult | null {
  if (idBelongsToOther) {
    // The owner's name differs: the usual rules link a strict fit at home; this settles rivals elsewhere.
    const best = scored.find((s) => s.name !== 'different');
    if (!best || best === idOwner || !best.commune || best.citizen.communeCode !== idOwner.citizen.communeCode) return null;
  }
  const own = ownPersonOfRelativeId(idOwner, scored);
  if (!own || !aloneInHousehold(own, idOwner, scored) || betterFitElsewhere(own, scored)) return null;
  if (idBelongsToOther && own !== scored.find((s) => s.name !== 'different')) return null;
  return linkTo(p, own, evidenceOf('relative_id', own, scored, idOwner));
}

/** Review (or not found) with the shortlist, the reason and the evidence. */
function reviewOf(
  p: PreparedRecord, scored: readonly CandidateScore[], best: CandidateScore | undefined, rival: CandidateScore | undefined,
  idOwner: CandidateScore | undefined, idBelongsToOther: boolean,
): MatchResult {
  const unknownId =
    !idOwner && p.id.kind === 'citizen' && p.decoded?.provinceKnown === true && !scored.some((s) => hasIdEvidence(s) || s.id === 'near2');
  const shortlist = scored
    .filter((s) => (s.weight >= POTENTIAL_MATCH_WEIGHT && !(unknownId && farFromUnknownId(s))) || s === idOwner)
    .slice(0, MAX_REVIEW_CANDIDATES);
  if (shortlist.length === 0) return fallback(p);
  let reason = 'not enough evidence to link safely';
  let rule = best && maybeUnregistered(p, best, idOwner !== undefined, idBelongsToOther) ? 'maybe_unregistered' : 'weak';
  let tie = false;
  if (idBelongsToOther) {
    reason = 'ID number belongs to another citizen whose name differs';
    rule = 'id_of_other';
  } else if (best && (namesakeRival(p, best, scored) || (rival && best.weight - rival.weight < MIN_MARGIN))) {
    reason = 'several citizens fit equally well';
    rule = 'namesakes';
    tie = true;
  } else if (best && betterFitElsewhere(best, scored)) {
    reason = 'another citizen fits the name or birth date better';
    rule = 'better_elsewhere';
  }
  const top = best ?? shortlist[0]!;
  const next = shortlist.find((s) => s !== top);
  return {
    recordId: p.record.recordId,
    outcome: 'review',
    score: shortlist[0]!.score,
    candidates: shortlist.map((s) => ({ personalId: s.citizen.personalId, score: s.score })),
    reason,
    evidence: evidenceOf(rule, top, scored, next, tie),
  };
}

export function decide(p: PreparedRecord, scored: CandidateScore[]): MatchResult {
  const idOwner = scored.find((s) => s.id === 'exact' || s.id === 'old');
  const idBelongsToOther = idOwner !== undefined && idOwner.name === 'different';
  if (idOwner && idBelongsToOther && idOwner.dob === 'different') discountExplainedId(scored, idOwner);
  dropFartherNear2(scored);
  scored.sort(byWeight);
  if (idOwner && scored.length > 1) {
    const linked = relativeIdLink(p, scored, idOwner, idBelongsToOther);
    if (linked) return linked;
  }
  // A citizen whose name clearly differs is never linked: that would "correct" the name.
  const best = scored.find((s) => s.name !== 'different');
  const rival = scored.find((s) => s !== best && s.weight >= POTENTIAL_MATCH_WEIGHT);
  const strongEnough = best && (best.weight >= AUTO_MATCH_WEIGHT || !hasIdEvidence(best));
  if (
    best &&
    strongEnough &&
    (!rival || best.weight - rival.weight >= MIN_MARGIN || idTellsApart(best, rival) || homeBeatsEveryRival(best, scored)) &&
    safeToLink(best, idBelongsToOther) &&
    !maybeUnregistered(p, best, idOwner !== undefined, idBelongsToOther) &&
    !namesakeRival(p, best, scored) &&
    !betterFitElsewhere(best, scored)
  ) {
    return linkTo(p, best, evidenceOf(idBelongsToOther ? 'relative_id' : linkRule(best), best, scored, rival ?? (idBelongsToOther ? idOwner : undefined)));
  }
  return reviewOf(p, scored, best, rival, idOwner, idBelongsToOther);
}
