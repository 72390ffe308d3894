import type { Principal } from '../auth/principal.js';
import type { Store } from '../db/store.js';
import { localitiesRepository, communesUnder } from '../db/repositories/localities.repository.js';
import { openRoundsLaterThan, readLevelDeadlines, writeLevelDeadline, type LevelDeadlines } from '../db/repositories/level-deadlines.repository.js';
import { lowerProblem, planDeadlineChange, type DeadlineRequest, type HigherDeadline } from '../domain/rounds/deadline-request.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../lib/errors/index.js';
import { nowOf, type DeadlineDeps } from './deps.js';

/**
 * The deadlines of the levels above a commune's round (issue 28): the nation's, a province's, a
 * district's — each set from its page by the roles allowed, each never later than the ones above
 * it, never earlier than the ones below it. A round's deadline obeys its district, province and
 * nation the same way (deadline-change.service.ts).
 */
type Level = 'national' | 'province' | 'district';
interface Unit { code: string; level: Level | 'commune'; name: string; provinceCode: string | null; districtCode: string | null }

/** Who may change which level: the nation's is the campaign admin's, a province's also its coordinator's. */
const MAY_SET: Record<Level, readonly string[]> = {
  national: ['campaign_admin'],
  province: ['campaign_admin', 'province_coordinator'],
  district: ['campaign_admin', 'province_coordinator', 'district_coordinator'],
};
export const maySetLevelDeadline = (p: Pick<Principal, 'roles'>, level: Level) => p.roles.some((r) => MAY_SET[level].includes(r));

async function unitOf(store: Store, code: string): Promise<Unit> {
  if (code === 'VN') return { code, level: 'national', name: '', provinceCode: null, districtCode: null };
  const u = await localitiesRepository(store).byCode(code);
  if (!u) throw new NotFoundError(`locality ${code} not found`);
  return { code, level: u.level as Unit['level'], name: u.name, provinceCode: u.provinceCode ?? null, districtCode: u.districtCode ?? null };
}

const ownOf = (levels: LevelDeadlines, u: Unit): Date | null =>
  u.level === 'national' ? levels.national : u.level === 'province' ? levels.provinces.get(u.code) ?? null : u.level === 'district' ? levels.districts.get(u.code) ?? null : null;

/** The earliest deadline set above a unit (its district's, its province's, the nation's), named. */
async function higherOf(store: Store, levels: LevelDeadlines, u: Unit): Promise<HigherDeadline | null> {
  const above: { at: Date; level: Level; code: string }[] = [];
  if (u.level === 'commune' && u.districtCode && levels.districts.has(u.districtCode)) above.push({ at: levels.districts.get(u.districtCode)!, level: 'district', code: u.districtCode });
  if ((u.level === 'commune' || u.level === 'district') && u.provinceCode && levels.provinces.has(u.provinceCode)) above.push({ at: levels.provinces.get(u.provinceCode)!, level: 'province', code: u.provinceCode });
  if (u.level !== 'national' && levels.national) above.push({ at: levels.national, level: 'national', code: 'VN' });
  const first = above.sort((a, b) => a.at.getTime() - b.at.getTime())[0];
  if (!first) return null;
  const name = first.level === 'national' ? '' : (await localitiesRepository(store).byCode(first.code))?.name ?? first.code;
  return { at: first.at, level: first.level, name };
}

/** The nearest deadline above a commune (for its rounds' deadline changes). */
export async function higherDeadlineOfCommune(store: Store, commune: string): Promise<HigherDeadline | null> {
  // A round of a commune missing from the units (a test's synthetic code) still obeys the nation.
  const u = await localitiesRepository(store).byCode(commune);
  return higherOf(store, await readLevelDeadlines(store), { code: commune, level: 'commune', name: u?.name ?? commune, provinceCode: u?.provinceCode ?? null, districtCode: u?.districtCode ?? null });
}

/** The deadlines below a unit later than `to`: how many, and the latest one named. */
async function lowerLaterThan(store: Store, levels: LevelDeadlines, u: Unit, to: Date) {
  const later: { at: Date; code: string }[] = [];
  const repo = localitiesRepository(store);
  if (u.level === 'national') for (const [code, at] of levels.provinces) if (at > to) later.push({ at, code });
  if (u.level !== 'district') {
    const districts = [...levels.districts].filter(([, at]) => at > to);
    const inside = u.level === 'national' ? districts : (await repo.byCodes(districts.map(([c]) => c))).filter((d) => d.provinceCode === u.code).map((d) => [d.code, levels.districts.get(d.code)!] as const);
    for (const [code, at] of inside) later.push({ at, code });
  }
  const communes = u.level === 'national' ? null : (await communesUnder(store, u.level === 'province' ? { districts: [], provinces: [u.code] } : { districts: [u.code], provinces: [] })).map((c) => c.code);
  const rounds = await openRoundsLaterThan(store, communes, to);
  if (rounds.latest) later.push({ at: rounds.latest.deadline, code: rounds.latest.localityCode });
  const first = later.sort((a, b) => b.at.getTime() - a.at.getTime())[0];
  const count = later.length - (rounds.latest ? 1 : 0) + rounds.count;
  return { count, first: first ? { at: first.at, name: (await repo.byCode(first.code))?.name ?? first.code } : null };
}

/** What a level's page shows: its own deadline and the one above it. */
export async function levelDeadlineView(store: Store, code: string) {
  const [levels, u] = await Promise.all([readLevelDeadlines(store), unitOf(store, code)]);
  if (u.level === 'commune') throw new ValidationError('a commune\'s deadline is its round\'s: PATCH /api/rounds/:id/deadline');
  const higher = await higherOf(store, levels, u);
  return { code, level: u.level, name: u.name, deadline: ownOf(levels, u), higher };
}

/**
 * Extend, set or (explicitly) shorten a level's deadline: planned by the same rule as a round's
 * (planDeadlineChange), never later than the levels above, and — when it moves earlier or is set
 * for the first time — never earlier than a deadline below it. Written conditionally on the
 * campaign document it was planned from (two coordinators at once: one wins, the other gets 409).
 */
export async function changeLevelDeadline(deps: Pick<DeadlineDeps, 'store' | 'now'>, code: string, change: DeadlineRequest, p: Pick<Principal, 'roles'>) {
  const { store } = deps;
  const [levels, u] = await Promise.all([readLevelDeadlines(store), unitOf(store, code)]);
  if (u.level === 'commune') throw new ValidationError('a commune\'s deadline is its round\'s: PATCH /api/rounds/:id/deadline');
  if (!maySetLevelDeadline(p, u.level)) throw new ForbiddenError(`the ${u.level} deadline is set by ${MAY_SET[u.level].join(' or ')}`);
  const current = ownOf(levels, u);
  const plan = planDeadlineChange(change, current, nowOf(deps), await higherOf(store, levels, u));
  if (!plan.ok) throw new ValidationError(plan.problems.map((x) => x.reason).join('; '), { problems: plan.problems });
  if (plan.act === 'shorten' || !current) {
    const lower = lowerProblem(plan.to, await lowerLaterThan(store, levels, u, plan.to));
    if (lower) throw new ValidationError(lower.reason, { problems: [lower] });
  }
  if (!(await writeLevelDeadline(store, u.level, code, plan.to, levels.version))) {
    throw new ConflictError('the campaign\'s deadlines changed while this one was being set; try again');
  }
  return { code, level: u.level, previousDeadline: current, deadline: plan.to, act: plan.act };
}
