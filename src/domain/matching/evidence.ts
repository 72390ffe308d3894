/**
 * The evidence a decision rests on (issue 31), built from the scored candidates: per field of the
 * best citizen its state (agrees / differs / missing), level and weight; the rule applied; how
 * many citizens share the record's name and full birth date (in its commune, elsewhere); the
 * runner-up, its ID masked, and why it lost. Field entries are shared frozen objects (one per
 * level), and evidence without counts or runner-up (most of it) is one shared frozen object per
 * rule, levels and weight: a result costs no allocation for it.
 */
import type { FieldEvidence, MatchEvidence } from '../records.js';
import { maskId } from '../../lib/mask.js';
import type { DateLevel } from './date-compare.js';
import type { NameLevel } from './name-compare.js';
import {
  COMMUNE_WEIGHT, DATE_RANK, DATE_WEIGHT, GENDER_WEIGHT, hasIdEvidence, isStrictName, ID_WEIGHT, NAME_RANK, NAME_WEIGHT, type AgreeLevel, type CandidateScore, type IdLevel,
} from './score.js';

const AGREE_IDS = new Set<IdLevel>(['exact', 'old']);
const AGREE_DATES = new Set<DateLevel>(['exact', 'within']);

function table<L extends string>(weights: Record<L, number>, agree: (l: L) => boolean, missing: NoInfer<L> | null): Record<L, FieldEvidence> {
  const out = {} as Record<L, FieldEvidence>;
  for (const l of Object.keys(weights) as L[]) {
    out[l] = Object.freeze({ s: l === missing ? 'missing' : agree(l) ? 'agree' : 'differ', l, w: weights[l] });
  }
  return out;
}

const ID_FIELD = table<IdLevel>(ID_WEIGHT, (l) => AGREE_IDS.has(l), 'missing');
const NAME_FIELD = table<NameLevel>(NAME_WEIGHT, isStrictName, null);
const DATE_FIELD = table<DateLevel>(DATE_WEIGHT, (l) => AGREE_DATES.has(l), 'missing');
const SEX_FIELD = table<AgreeLevel>(GENDER_WEIGHT, (l) => l === 'agree', 'missing');
const COMMUNE_FIELD = {
  agree: Object.freeze<FieldEvidence>({ s: 'agree', l: 'same', w: COMMUNE_WEIGHT }),
  differ: Object.freeze<FieldEvidence>({ s: 'differ', l: 'other', w: 0 }),
};

const SEX_RANK: Record<AgreeLevel, number> = { agree: 2, missing: 1, disagree: 0 };

/** Why `other` came second to `best`: the first field, strongest evidence first, where it fits worse. */
function whyLost(best: CandidateScore, other: CandidateScore, tie: boolean): string {
  if (tie) return 'tie';
  if (hasIdEvidence(best) && !hasIdEvidence(other)) return 'id';
  if (NAME_RANK[other.name] < NAME_RANK[best.name]) return 'name';
  if (DATE_RANK[other.dob] < DATE_RANK[best.dob]) return 'dob';
  if (best.commune && !other.commune) return 'commune';
  if (SEX_RANK[other.gender] < SEX_RANK[best.gender]) return 'sex';
  return 'weight';
}

const index = <L extends string>(levels: Record<L, unknown>) => Object.fromEntries(Object.keys(levels).map((l, i) => [l, i])) as Record<L, number>;
const ID_INDEX = index(ID_WEIGHT);
const NAME_INDEX = index(NAME_WEIGHT);
const DATE_INDEX = index(DATE_WEIGHT);
const SEX_INDEX = index(GENDER_WEIGHT);
/** Evidence without counts or runner-up, by rule and then by levels and weight: most results share one of a few hundred. */
const SHARED = new Map<string, Map<number, MatchEvidence>>();

/** The record as entered, its ID the citizen's: three results in four. */
const ALL_AGREE = Object.freeze<MatchEvidence>({
  rule: 'id', w: 30, id: ID_FIELD.exact, name: NAME_FIELD.exact, dob: DATE_FIELD.exact, sex: SEX_FIELD.agree, commune: COMMUNE_FIELD.agree,
});

function shared(rule: string, best: CandidateScore): MatchEvidence {
  if (
    best.weight === 30 && rule === 'id' && best.id === 'exact' && best.name === 'exact' && best.dob === 'exact' && best.gender === 'agree' && best.commune
  ) {
    return ALL_AGREE;
  }
  let byKey = SHARED.get(rule);
  if (!byKey) SHARED.set(rule, (byKey = new Map()));
  // Levels and weight packed in one number (weights stay within ±64).
  const key =
    ((((ID_INDEX[best.id] * 16 + NAME_INDEX[best.name]) * 8 + DATE_INDEX[best.dob]) * 4 + SEX_INDEX[best.gender]) * 2 + (best.commune ? 1 : 0)) * 256 +
    best.weight + 128;
  let e = byKey.get(key);
  if (!e) {
    e = Object.freeze<MatchEvidence>({
      rule, w: best.weight, id: ID_FIELD[best.id], name: NAME_FIELD[best.name], dob: DATE_FIELD[best.dob], sex: SEX_FIELD[best.gender],
      commune: best.commune ? COMMUNE_FIELD.agree : COMMUNE_FIELD.differ,
    });
    byKey.set(key, e);
  }
  return e;
}

/**
 * Citizens other than `best` whose name reads like the record's (letters equal) with the record's
 * full birth date: [in the record's commune, elsewhere]. The name-and-year block fetched every one
 * of them, so the count is the registry's.
 */
function sameNameAndDate(best: CandidateScore, scored: readonly CandidateScore[]): [number, number] {
  let home = 0;
  let away = 0;
  for (const s of scored) {
    if (s === best || !isStrictName(s.name) || s.dob !== 'exact') continue;
    if (s.commune) home++;
    else away++;
  }
  return [home, away];
}

/**
 * The evidence of a decision about `best` (the chosen citizen, or the best candidate of a record
 * left for review); `runnerUp` the next candidate shown to people, `tie` when it fits as well.
 */
export function evidenceOf(
  rule: string,
  best: CandidateScore | undefined,
  scored: readonly CandidateScore[],
  runnerUp?: CandidateScore,
  tie = false,
): MatchEvidence {
  if (!best) return { rule };
  const withSame = best.id !== 'exact' && best.id !== 'old' && isStrictName(best.name) && best.dob === 'exact';
  if (!withSame && !runnerUp) return shared(rule, best);
  const e: MatchEvidence = {
    rule,
    w: best.weight,
    id: ID_FIELD[best.id],
    name: NAME_FIELD[best.name],
    dob: DATE_FIELD[best.dob],
    sex: SEX_FIELD[best.gender],
    commune: best.commune ? COMMUNE_FIELD.agree : COMMUNE_FIELD.differ,
  };
  if (withSame) e.same = sameNameAndDate(best, scored);
  if (runnerUp) e.ru = { id: maskId(runnerUp.citizen.personalId), w: runnerUp.weight, lost: whyLost(best, runnerUp, tie) };
  return e;
}
