import { ConflictError, ValidationError, NotFoundError } from '../lib/errors/index.js';
import { foundCache } from '../lib/found-cache.js';
import { applyRoundTransition } from '../db/repositories/round-lifecycle.repository.js';
import type { Store } from '../db/store.js';
import { readCampaign } from '../db/repositories/campaign.repository.js';
import { readLevelDeadlines } from '../db/repositories/level-deadlines.repository.js';
import { communesUnder, localitiesRepository } from '../db/repositories/localities.repository.js';
import { readRound, readRoundView, roundsPage } from '../db/repositories/rounds.repository.js';
import type { RoundKind, RoundStatus } from '../domain/rounds/values.js';
import { roundsProgress } from '../db/repositories/round-progress.repository.js';
import { deadlineProblem, resolveRoundDeadline } from '../domain/rounds/deadlines.js';
import { VerificationJob, verificationJobId, type PlanRoundData } from '../../queues/verification.queue.js';
import { createRoundDocs, roundId, type RoundCreationDeps } from './round-creation.service.js';
import { STALLABLE, findStalledRounds, hasLiveJob, replanRound, type ReplanDeps } from './replan.service.js';

/** Creating rounds, and re-driving failed or stalled ones. */
export type RoundsDeps = RoundCreationDeps & ReplanDeps;

/**
 * Expand locality codes (commune, district or province) into commune codes.
 * Unknown codes are a ValidationError naming every one of them; nothing is created.
 */
export async function resolveCommunes(store: Store, codes: string[]): Promise<string[]> {
  return [...(await resolveCommuneProvinces(store, codes)).keys()].sort();
}

/**
 * Expansions of one code, cached a short while per store: people's pages (a worklist, a district's
 * rounds, its corrections) resolve the same locality on every request, and administrative units
 * change only by an import of the units. Only codes that were found are cached, so a unit imported
 * later is seen at once; a commune added under a known district shows after at most EXPANSION_TTL_MS.
 */
const EXPANSION_TTL_MS = 60_000;
const EXPANSION_MAX = 5_000;
const expansions = new WeakMap<Store, ReturnType<typeof foundCache<Map<string, string>>>>();

/** Like resolveCommunes, with each commune's province code (for per-province deadlines). */
export async function resolveCommuneProvinces(store: Store, codes: string[]): Promise<Map<string, string>> {
  if (codes.length !== 1) return expand(store, codes);
  let cached = expansions.get(store);
  if (!cached) expansions.set(store, (cached = foundCache(EXPANSION_TTL_MS, EXPANSION_MAX)));
  // An unknown code throws in expand (never cached); callers get a copy of the cached map.
  return new Map(await cached(codes[0]!, () => expand(store, codes)));
}

async function expand(store: Store, codes: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(codes)];
  const found = await localitiesRepository(store).byCodes(unique);
  const known = new Map(found.map((l) => [l.code, l.level]));
  const unknown = unique.filter((c) => !known.has(c));
  if (unknown.length > 0) {
    throw new ValidationError(`unknown locality code(s): ${unknown.slice(0, 20).join(', ')}${unknown.length > 20 ? ` and ${unknown.length - 20} more` : ''}`, { unknown });
  }
  const communes = new Map(found.filter((l) => l.level === 'commune').map((l) => [l.code, l.provinceCode]));
  const districts = unique.filter((c) => known.get(c) === 'district');
  const provinces = unique.filter((c) => known.get(c) === 'province');
  if (districts.length || provinces.length) {
    const below = await communesUnder(store, { districts, provinces });
    for (const l of below) communes.set(l.code, l.provinceCode);
  }
  return communes;
}

/** Each commune's district deadline, when its district has one (one read of the campaign, one of the communes when any is set). */
async function districtDeadlinesOf(store: Store, communes: readonly string[]): Promise<Map<string, Date>> {
  const { districts } = await readLevelDeadlines(store);
  if (districts.size === 0) return new Map();
  const units = await localitiesRepository(store).byCodes([...communes]);
  return new Map(units.flatMap((u) => (u.districtCode && districts.has(u.districtCode) ? [[u.code, districts.get(u.districtCode)!] as const] : [])));
}

export interface CreateRoundsInput {
  localities: string[];
  kind: RoundKind;
  seq: number;
  deadline?: Date;
}

/**
 * Create one verification round per commune (createRoundDocs: deadline state, round, planner,
 * timers). Idempotent: the round `_id` and the job IDs are natural keys, so the same request
 * twice creates no second round and no second job.
 */
export async function createRounds(deps: RoundsDeps, input: CreateRoundsInput) {
  const now = deps.now?.() ?? new Date();
  const provinceOf = await resolveCommuneProvinces(deps.store, input.localities);
  const communes = [...provinceOf.keys()].sort();
  if (communes.length === 0) throw new ValidationError('the given localities contain no communes');
  // The request's deadline, else the province's, else the campaign's, else the default;
  // never past the national deadline.
  const campaign = await readCampaign(deps.store);
  const problem = input.deadline ? deadlineProblem(input.deadline, now, campaign?.nationalDeadline) : null;
  if (problem) throw new ValidationError(problem);
  const deadlineOf = (code: string) => resolveRoundDeadline({
    enqueuedAt: now,
    policy: { defaultDeadlineMs: deps.defaultDeadlineMs },
    campaign: campaign ? { ...campaign, provinces: (campaign.provinces ?? []).map((p) => ({ ...p, deadline: p.deadline ?? null })) } : null,
    provinceCode: provinceOf.get(code) ?? null,
    override: input.deadline ?? null,
  }).deadline;
  // A district's own deadline bounds its communes' rounds too (a lower level never exceeds a higher one).
  const districtDeadline = await districtDeadlinesOf(deps.store, communes);
  const boundedOf = (code: string) => {
    const at = deadlineOf(code); const d = districtDeadline.get(code);
    return !input.deadline && d && d < at ? d : at;
  };
  const rounds0 = communes.map((code) => ({ _id: roundId(input.kind, code, input.seq), localityCode: code, kind: input.kind, seq: input.seq, deadline: boundedOf(code) }));
  const { stored: rounds, created: createdIds } = await createRoundDocs(deps, rounds0);
  return rounds.map((r) => ({
    id: r._id,
    localityCode: r.localityCode,
    status: r.status,
    deadline: r.deadline,
    created: createdIds.has(r._id),
  }));
}

/**
 * Re-drive a round (POST /api/rounds/:id/retry; the router audits it). A failed round:
 * `failed → scheduled`, then a planner under the next generation of job IDs. A stalled one
 * (`scheduled`/`verifying` without progress for ROUND_STALLED_MS and no job of its run left in
 * Redis): planned again the same way, its status kept (replan.service.ts). Either way the chunk
 * documents are kept, so chunks already done are skipped and stored results never inserted
 * twice. 409 for any other round.
 */
export async function retryRound(deps: Pick<RoundsDeps, 'store' | 'verificationQueue' | 'now'> & ReplanDeps, id: string, by: string | null = null) {
  const round = await readRound(deps.store, id, ['status', 'localityCode', 'transitions', 'generation']);
  if (!round) throw new NotFoundError(`round ${id} not found`);
  if ((STALLABLE as readonly string[]).includes(round.status)) {
    const [stalled] = await findStalledRounds(deps, [id]);
    if (!stalled) throw new ConflictError(`round ${id} is ${round.status} and moved within the last ${Math.round(deps.stalledAfterMs / 60_000)} min; only a failed round, or a stalled one, can be retried`);
    if (await hasLiveJob(deps, stalled)) throw new ConflictError(`round ${id} still has a job waiting in the queue; it is slow, not lost`);
    const generation = await replanRound(deps, stalled, 'retried by an operator', by);
    if (generation === null) throw new ConflictError(`round ${id} changed while retrying it; look again`);
    return { id, status: round.status, generation };
  }
  if (round.status !== 'failed') throw new ConflictError(`round ${id} is ${round.status}; only a failed round, or a stalled one, can be retried`);
  const retries = (round.transitions ?? []).filter((t) => t.from === 'failed' && t.to === 'scheduled').length;
  const generation = (round.generation ?? retries) + 1;
  const moved = await applyRoundTransition(deps.store, id, 'retry', {
    now: deps.now?.(), cause: `retry ${generation}`, ifAllowed: true, where: { status: 'failed' }, set: { error: null, generation },
  });
  if (!moved) throw new ConflictError(`round ${id} changed while retrying it; look again`);
  await deps.verificationQueue.add(VerificationJob.plan, { roundId: id, localityCode: round.localityCode, generation } satisfies PlanRoundData, {
    jobId: verificationJobId.plan(id, generation),
  });
  return { id, status: moved.status, generation };
}

export async function getRound(store: Store, id: string) {
  const round = await readRoundView(store, id);
  if (!round) throw new NotFoundError(`round ${id} not found`);
  return round;
}

export interface ListRoundsQuery {
  locality?: string;
  status?: RoundStatus;
  kind?: RoundKind;
  limit: number;
  /** Keyset pagination: return rounds with _id greater than this. */
  after?: string;
  /** Add each round's live chunk progress (one more read for the page). */
  progress?: boolean;
}

export async function listRounds(store: Store, q: ListRoundsQuery) {
  const items = await roundsPage(store, {
    ...(q.locality ? { localityCodes: await resolveCommunes(store, [q.locality]) } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.kind ? { kind: q.kind } : {}),
    ...(q.after ? { after: q.after } : {}),
    limit: q.limit,
  });
  if (q.progress) {
    const progress = await roundsProgress(store, items.map((r) => r._id));
    return { items: items.map((r) => ({ ...r, progress: progress.get(r._id) })), next: items.length === q.limit ? items[items.length - 1]!._id : null };
  }
  return { items, next: items.length === q.limit ? items[items.length - 1]!._id : null };
}
