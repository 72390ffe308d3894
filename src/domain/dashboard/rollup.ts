import { createHash } from 'node:crypto';
import { OUTCOMES, type Outcome } from '../records.js';
import { evaluateCompletion, type CompletionRule } from '../rounds/completion.js';
import { roundHealth, MINISTRY_CODE } from '../rounds/escalation.js';
import { ESCALATION_LEVELS, type DeadlinePolicy, type EscalationLevel } from '../rounds/policy.js';
import { registerOutageNote, type RegisterOutageNote } from '../rounds/deadlines.js';

/**
 * The dashboard's per-locality progress rollup (pure). One periodic job reads the current
 * verification round of every commune once, and this turns them into one document per
 * administrative unit (commune, district, province and `VN` for the nation), so that a page
 * reads one unit and its children: two indexed queries, whatever the number of rounds.
 */
export const HEALTHS = ['on_time', 'at_risk', 'overdue', 'completed'] as const;
export type Health = (typeof HEALTHS)[number];
export const NATIONAL_CODE = MINISTRY_CODE;
/** Vietnam's calendar day (UTC+7, no daylight saving) for per-day series. */
const VN_OFFSET_MS = 7 * 3_600_000;

export interface UnitInput {
  code: string;
  name: string;
  type?: string | null;
  level: 'province' | 'district' | 'commune';
  parentCode?: string | null;
  provinceCode: string;
  districtCode?: string | null;
}

export interface RoundInput {
  _id: string;
  localityCode: string;
  status: string;
  deadline: Date;
  totalRecords?: number | null;
  processedRecords?: number | null;
  counters?: Partial<Record<Outcome, number | null>> | null;
  explainedRecords?: number | null;
  expectedRecords?: number | null;
  finishedAt?: Date | null;
  updatedAt?: Date | null;
  /** When the round started (its pace is counted from here). */
  startedAt?: Date | null;
  createdAt?: Date | null;
  /** Its deadline's changes and escalation hold: what a register outage did to it (registerOutageNote). */
  deadlineChanges?: Parameters<typeof registerOutageNote>[0]['deadlineChanges'];
  escalationHold?: Parameters<typeof registerOutageNote>[0]['escalationHold'];
}

export interface ContactInput { localityCode: string; level: string; role: string; name: string; title?: string | null; phone?: string | null; email?: string | null }

export interface RollupInputs {
  units: UnitInput[];
  /** The current (highest seq) verification round of each commune. */
  rounds: RoundInput[];
  /** Per commune: corrections applied, and of those signed off by the commune police. */
  corrections: Map<string, { applied: number; signedOff: number }>;
  /** Open escalations: the round and the level reached. */
  escalations: { roundId: string; level: EscalationLevel }[];
  contacts: ContactInput[];
}

export type Records = Record<Outcome | 'total' | 'processed' | 'explained', number>;

export interface RollupDoc {
  _id: string;
  name: string;
  type: string | null;
  level: 'national' | 'province' | 'district' | 'commune';
  parentCode: string | null;
  provinceCode: string | null;
  districtCode: string | null;
  communes: number;
  rounds: Record<string, number>;
  health: Record<Health, number>;
  /** The unit's own health: a commune's round's, else the worst of its communes'. */
  worst: Health | null;
  records: Records;
  corrections: { applied: number; signedOff: number };
  backlog: { expected: number; gap: number };
  /** Earliest deadline among rounds not completed (a commune: its round's deadline). */
  deadline: Date | null;
  roundId: string | null;
  /** A commune's round that waited on a register outage: its deadline moved or its escalations held (REGISTRY_OUTAGE_POLICY). */
  registerOutage: RegisterOutageNote | null;
  /** Highest open escalation level, and how many communes are escalated at each level. */
  escalation: { level: EscalationLevel | null; byLevel: Record<EscalationLevel, number> };
  contacts: { level: string; role: string; name: string; title: string | null; phone: string | null; email: string | null }[];
  /** Ancestors from the nation down (for the breadcrumb), without the unit itself. */
  path: { code: string; name: string }[];
  /**
   * Per Vietnamese calendar day (round finish day), national and provinces only: records
   * verified (the card's meaning: verified as entered or re-verified after a correction) and
   * records the matcher processed (what clears automatically; the projection's rate).
   */
  daily: { day: string; verified: number; processed: number }[] | null;
  hash: string;
}

const zeroRecords = (): Records => ({ total: 0, processed: 0, explained: 0, ...Object.fromEntries(OUTCOMES.map((o) => [o, 0])) } as Records);
const zeroLevels = () => Object.fromEntries(ESCALATION_LEVELS.map((l) => [l, 0])) as Record<EscalationLevel, number>;
const num = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);
const HEALTH_RANK: Record<Health, number> = { completed: 0, on_time: 1, at_risk: 2, overdue: 3 };

export function vnDay(d: Date): string {
  return new Date(d.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);
}

function blank(u: Pick<RollupDoc, '_id' | 'name' | 'type' | 'level' | 'parentCode' | 'provinceCode' | 'districtCode'>): RollupDoc {
  return {
    ...u, communes: 0, rounds: {}, health: { on_time: 0, at_risk: 0, overdue: 0, completed: 0 }, worst: null,
    records: zeroRecords(), corrections: { applied: 0, signedOff: 0 }, backlog: { expected: 0, gap: 0 },
    deadline: null, roundId: null, registerOutage: null, escalation: { level: null, byLevel: zeroLevels() }, contacts: [], path: [], daily: null, hash: '',
  };
}

/** Add one commune's figures into an ancestor's document. */
function addInto(to: RollupDoc, from: RollupDoc, daily: Map<string, Map<string, { verified: number; processed: number }>> | null, finishDay: string | null) {
  to.communes += from.communes;
  for (const [s, n] of Object.entries(from.rounds)) to.rounds[s] = (to.rounds[s] ?? 0) + n;
  for (const h of HEALTHS) to.health[h] += from.health[h];
  if (from.worst && (!to.worst || HEALTH_RANK[from.worst] > HEALTH_RANK[to.worst])) to.worst = from.worst;
  for (const k of Object.keys(to.records) as (keyof Records)[]) to.records[k] += from.records[k];
  to.corrections.applied += from.corrections.applied;
  to.corrections.signedOff += from.corrections.signedOff;
  to.backlog.expected += from.backlog.expected;
  to.backlog.gap += from.backlog.gap;
  if (from.deadline && from.worst !== 'completed' && (!to.deadline || from.deadline < to.deadline)) to.deadline = from.deadline;
  for (const l of ESCALATION_LEVELS) to.escalation.byLevel[l] += from.escalation.byLevel[l];
  if (from.escalation.level && (!to.escalation.level || ESCALATION_LEVELS.indexOf(from.escalation.level) > ESCALATION_LEVELS.indexOf(to.escalation.level))) {
    to.escalation.level = from.escalation.level;
  }
  if (daily && finishDay) {
    const m = daily.get(to._id) ?? new Map<string, { verified: number; processed: number }>();
    const day = m.get(finishDay) ?? { verified: 0, processed: 0 };
    day.verified += from.records.verified;
    day.processed += from.records.processed;
    m.set(finishDay, day);
    daily.set(to._id, m);
  }
}

/** JSON with object keys sorted: the same figures hash the same whatever the order communes came in. */
function canonical(v: unknown): string {
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

export function hashDoc(doc: Omit<RollupDoc, 'hash'> & { hash?: string }): string {
  const { hash: _ignored, ...rest } = doc;
  return createHash('sha1').update(canonical(rest)).digest('base64url');
}

/** Build every unit's rollup document from the inputs, at `now` (health depends on the clock). */
type Policy = Pick<DeadlinePolicy, 'atRisk'> & { completion: CompletionRule };
type Daily = Map<string, Map<string, { verified: number; processed: number }>>;

/** Open escalations: the highest level per round. */
function escalationLevels(input: Pick<RollupInputs, 'escalations'>): Map<string, EscalationLevel> {
  const escalated = new Map<string, EscalationLevel>();
  for (const e of input.escalations) {
    const prev = escalated.get(e.roundId);
    if (!prev || ESCALATION_LEVELS.indexOf(e.level) > ESCALATION_LEVELS.indexOf(prev)) escalated.set(e.roundId, e.level);
  }
  return escalated;
}

const healthOf = (r: RoundInput, policy: Policy, now: Date) => {
  const c = evaluateCompletion(r, policy.completion);
  return roundHealth({ status: r.status, deadline: r.deadline, ratio: c.ratio, resolved: c.resolved, remaining: c.unresolved.total, startedAt: r.startedAt ?? r.createdAt ?? null }, now, policy);
};

/** A commune's own figures from its current round (into a blank document). */
function fillCommune(c: RollupDoc, r: RoundInput, h: ReturnType<typeof healthOf>, level: EscalationLevel | null, corr: { applied: number; signedOff: number } | undefined) {
  c.communes = 1;
  c.roundId = r._id;
  c.rounds = { [r.status]: 1 };
  if (h !== 'cancelled') { c.health[h] = 1; c.worst = h; }
  c.records.total = num(r.totalRecords);
  c.records.processed = num(r.processedRecords);
  c.records.explained = num(r.explainedRecords);
  for (const o of OUTCOMES) c.records[o] = num(r.counters?.[o]);
  c.backlog.expected = num(r.expectedRecords);
  c.backlog.gap = Math.max(0, num(r.expectedRecords) - num(r.totalRecords));
  c.deadline = r.deadline;
  c.registerOutage = registerOutageNote(r);
  c.escalation.level = level;
  if (level) c.escalation.byLevel[level] = 1;
  if (corr) c.corrections = { ...corr };
}

const finishDayOf = (r: RoundInput | undefined) => (r?.finishedAt ? vnDay(r.finishedAt) : null);
const ancestorsOf = (c: Pick<RollupDoc, 'districtCode' | 'provinceCode'>) => [c.districtCode, c.provinceCode, NATIONAL_CODE];

function setDaily(d: RollupDoc, daily: Daily) {
  if (d.level !== 'national' && d.level !== 'province') return;
  const series = daily.get(d._id);
  d.daily = series ? [...series.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, v]) => ({ day, verified: v.verified, processed: v.processed })) : [];
}

/** Build every unit's rollup document from the inputs, at `now` (health depends on the clock). */
export function buildRollup(input: RollupInputs, policy: Policy, now: Date): RollupDoc[] {
  const docs = new Map<string, RollupDoc>();
  docs.set(NATIONAL_CODE, blank({ _id: NATIONAL_CODE, name: 'Việt Nam', type: null, level: 'national', parentCode: null, provinceCode: null, districtCode: null }));
  for (const u of input.units) {
    docs.set(u.code, blank({
      _id: u.code, name: u.name, type: u.type ?? null, level: u.level,
      parentCode: u.level === 'province' ? NATIONAL_CODE : (u.parentCode ?? null),
      provinceCode: u.provinceCode, districtCode: u.districtCode ?? null,
    }));
  }
  const contacts = new Map<string, RollupDoc['contacts']>();
  for (const c of input.contacts) {
    const list = contacts.get(c.localityCode) ?? [];
    list.push({ level: c.level, role: c.role, name: c.name, title: c.title ?? null, phone: c.phone ?? null, email: c.email ?? null });
    contacts.set(c.localityCode, list);
  }
  const escalated = escalationLevels(input);
  const daily: Daily = new Map();

  // Communes with a round: their own figures, then added into district, province and nation.
  for (const r of input.rounds) {
    const c = docs.get(r.localityCode);
    if (!c || c.level !== 'commune') continue;
    fillCommune(c, r, healthOf(r, policy, now), escalated.get(r._id) ?? null, input.corrections.get(r.localityCode));
    const day = finishDayOf(r);
    for (const up of ancestorsOf(c)) {
      const anc = up ? docs.get(up) : undefined;
      if (anc) addInto(anc, c, anc.level === 'national' || anc.level === 'province' ? daily : null, day);
    }
  }
  for (const d of docs.values()) {
    if (d.level !== 'national') {
      d.path = [NATIONAL_CODE, d.provinceCode, d.districtCode].filter((c): c is string => !!c && c !== d._id)
        .map((c) => ({ code: c, name: docs.get(c)?.name ?? c }));
    }
    d.contacts = (contacts.get(d._id) ?? []).sort((a, b) => a.level.localeCompare(b.level) || a.role.localeCompare(b.role));
    setDaily(d, daily);
    d.hash = hashDoc(d);
  }
  return [...docs.values()];
}

const sameFigures = (a: { applied: number; signedOff: number } | undefined, b: { applied: number; signedOff: number }) => (a?.applied ?? 0) === b.applied && (a?.signedOff ?? 0) === b.signedOff;

/**
 * Update the documents of a previous build in place (`docs`, every unit's) from the current
 * inputs, recomputing only what can have changed: the communes whose round is in `changed`,
 * or whose health (the clock moves), escalation level or corrections differ, and their district,
 * province and the nation (re-summed from their communes). Units and contacts are those of the
 * previous build (they change on full builds only). Gives the same documents `buildRollup` would;
 * returns the codes recomputed.
 */
export function updateRollup(docs: Map<string, RollupDoc>, input: RollupInputs, policy: Policy, now: Date, changed: ReadonlySet<string>): Set<string> {
  const escalated = escalationLevels(input);
  const rounds = new Map(input.rounds.map((r) => [r.localityCode, r]));
  const dirty = new Set<string>();
  const ancestors = new Set<string>();
  for (const r of input.rounds) {
    const prev = docs.get(r.localityCode);
    if (!prev || prev.level !== 'commune') continue;
    // A finished round's health no longer moves with the clock.
    const final = r.status === 'completed' || r.status === 'cancelled';
    const h = final && prev.roundId === r._id && !changed.has(r.localityCode) ? (prev.worst ?? 'cancelled') : healthOf(r, policy, now);
    const level = escalated.get(r._id) ?? null;
    const corr = input.corrections.get(r.localityCode);
    const same = !changed.has(r.localityCode) && prev.roundId === r._id && (h === 'cancelled' ? prev.worst === null : prev.worst === h)
      && prev.escalation.level === level && sameFigures(corr, prev.corrections);
    if (same) continue;
    const c = blank(prev);
    fillCommune(c, r, h, level, corr);
    c.path = prev.path;
    c.contacts = prev.contacts;
    c.hash = hashDoc(c);
    docs.set(c._id, c);
    dirty.add(c._id);
    for (const up of ancestorsOf(c)) if (up) ancestors.add(up);
  }
  if (ancestors.size === 0) return dirty;
  // Re-sum the touched districts and provinces from their communes, then the nation from its provinces.
  const fresh = new Map<string, RollupDoc>();
  const restart = (code: string) => {
    const prev = docs.get(code);
    if (!prev) return;
    const a = blank(prev);
    a.path = prev.path;
    a.contacts = prev.contacts;
    fresh.set(code, a);
  };
  for (const code of ancestors) if (code !== NATIONAL_CODE) restart(code);
  const daily: Daily = new Map();
  for (const c of docs.values()) {
    if (c.level !== 'commune' || c.communes === 0 || !(fresh.has(c.districtCode ?? '') || fresh.has(c.provinceCode ?? ''))) continue;
    const day = finishDayOf(rounds.get(c._id));
    for (const up of [c.districtCode, c.provinceCode]) {
      const anc = up ? fresh.get(up) : undefined;
      if (anc) addInto(anc, c, anc.level === 'province' ? daily : null, day);
    }
  }
  for (const a of fresh.values()) {
    setDaily(a, daily);
    a.hash = hashDoc(a);
    docs.set(a._id, a);
    dirty.add(a._id);
  }
  if (ancestors.has(NATIONAL_CODE) && docs.has(NATIONAL_CODE)) {
    const nation = blank(docs.get(NATIONAL_CODE)!);
    const days = new Map<string, { verified: number; processed: number }>();
    for (const p of docs.values()) {
      if (p.level !== 'province') continue;
      addInto(nation, p, null, null);
      for (const d of p.daily ?? []) {
        const x = days.get(d.day) ?? { verified: 0, processed: 0 };
        x.verified += d.verified;
        x.processed += d.processed;
        days.set(d.day, x);
      }
    }
    nation.contacts = docs.get(NATIONAL_CODE)!.contacts;
    setDaily(nation, new Map([[NATIONAL_CODE, days]]));
    nation.hash = hashDoc(nation);
    docs.set(NATIONAL_CODE, nation);
    dirty.add(NATIONAL_CODE);
  }
  return dirty;
}

export interface Projection {
  /** Records the matcher still has to check (entered but not processed, plus the never-entered gap): what can clear automatically. */
  remaining: number;
  /** Records checked but left for people (corrections to confirm, review, not found, incomplete): they do not clear at the matcher's rate. */
  needsPeople: number;
  /** Mean records processed per day over the last `window` days. */
  ratePerDay: number;
  /** Vietnamese calendar day the work finishes at that rate, or null when nothing moves. */
  finishDay: string | null;
  /** The finish day falls after the national deadline. */
  late: boolean | null;
}

/** Projected finish at the current rate (pure): the last 7 days' mean, from today. */
export function projectFinish(
  unit: Pick<RollupDoc, 'records' | 'backlog'> & { daily: { day: string; verified: number; processed?: number }[] | null }, now: Date, nationalDeadline: Date | null, windowDays = 7,
): Projection {
  const r = unit.records;
  // Only what the matcher clears projects at its rate; what waits for officers is counted apart.
  const remaining = Math.max(0, r.total - r.processed) + unit.backlog.gap;
  const needsPeople = Math.max(0, r.corrected + r.review + r.not_found + r.invalid - r.explained);
  const today = vnDay(now);
  const since = vnDay(new Date(now.getTime() - (windowDays - 1) * 86_400_000));
  const recent = (unit.daily ?? []).filter((d) => d.day >= since && d.day <= today);
  const ratePerDay = recent.reduce((s, d) => s + (d.processed ?? d.verified), 0) / windowDays;
  if (remaining === 0) return { remaining, needsPeople, ratePerDay, finishDay: today, late: nationalDeadline ? today > vnDay(nationalDeadline) : null };
  if (ratePerDay <= 0) return { remaining, needsPeople, ratePerDay, finishDay: null, late: nationalDeadline ? true : null };
  const finish = vnDay(new Date(now.getTime() + Math.ceil(remaining / ratePerDay) * 86_400_000));
  return { remaining, needsPeople, ratePerDay, finishDay: finish, late: nationalDeadline ? finish > vnDay(nationalDeadline) : null };
}

/** The dashboard's row filters: only the localities overdue, at risk or escalated. */
export const ONLY_FILTERS = ['overdue', 'at_risk', 'escalated'] as const;
export type OnlyFilter = (typeof ONLY_FILTERS)[number];
