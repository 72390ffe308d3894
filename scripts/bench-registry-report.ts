/**
 * bench:campaign in authority mode: the register's figures of issue 26, from the stand-in's own
 * counters (what the register saw) and the store (what vaxverify decided), and the mirror's
 * decisions for the same records recomputed here over the same population (the engine in memory,
 * batch by batch in each chunk's order, as a mirror worker takes them).
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Redis } from 'ioredis';
import type { Db } from '../src/db/connect.js';
import { InMemoryRegistry, matchRecordsSync } from '../src/domain/matching/index.js';
import type { Citizen, DoseRecordInput } from '../src/domain/records.js';
import type { RegistryStats } from '../stand-ins/registry/server.js';

async function* population(file: string): AsyncGenerator<Citizen> {
  for await (const line of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) if (line.trim()) yield JSON.parse(line) as Citizen;
}

/** When the deployment's shared breaker was open (epoch ms, its Redis clock: the same host's), read from Redis after the run. */
export interface BreakerOpening { from: number; to: number | null }

/** Every opening of the deployment's breaker: ended outages (handled, or pending their job) and one still open. */
export async function breakerOpenings(redis: Redis, prefix: string): Promise<BreakerOpening[]> {
  const k = `${prefix}:register`;
  const handled = (await redis.lrange(`${k}:outages`, 0, -1)).map((j) => JSON.parse(j) as { from: number; to: number });
  const pending = Object.entries(await redis.hgetall(`${k}:outages-pending`)).map(([f, t]) => ({ from: Number(f), to: Number(t) }));
  const breaker = await redis.hgetall(`${k}:breaker`);
  const open = breaker.state === 'open' && breaker.openedAt ? [{ from: Number(breaker.openedAt), to: null }] : [];
  const all = new Map<number, BreakerOpening>([...handled, ...pending, ...open].map((x) => [x.from, x]));
  return [...all.values()].sort((x, y) => x.from - y.from);
}

/** How often chunks stepped aside (src/registry/telemetry.ts totals): for an outage, for the quota or failures. */
export async function chunkWaits(redis: Redis, prefix: string): Promise<{ outage: number; other: number; probesSent: number }> {
  const [outage, other, probesSent] = await redis.hmget(`${prefix}:register:totals`, 'waits:outage', 'waits:other', 'probes');
  return { outage: Number(outage ?? 0), other: Number(other ?? 0), probesSent: Number(probesSent ?? 0) };
}

/**
 * The quota's use while work waited on it: subjects the register answered over the quota's worth of
 * the seconds from the first authentication call to the second in which fewer subjects were left to
 * authenticate than one second of quota (after it, nothing waits on the quota: the last calls' latency
 * and the searches, on a quota of their own). The register's outages are out of it, from a second
 * before each (the calls in flight then are answered 503); the seconds after an outage until the
 * deployment's probe finds the register back are in it (the breaker's cost).
 */
function utilization(stats: RegistryStats, quota: number) {
  const inOutage = (sec: number) => stats.outages.some((x) => sec * 1000 >= x.from - 1000 && sec * 1000 < x.to);
  const secs = Object.keys(stats.subjectsPerSecond).map(Number).sort((x, y) => x - y);
  if (secs.length === 0) return { utilizationPct: 0, upSeconds: 0, window: null, perSecond: [] as number[] };
  const first = secs[0]!;
  let done = 0;
  let last = secs[secs.length - 1]!;
  for (const s of secs) {
    done += stats.subjectsPerSecond[s]!;
    if (stats.subjects - done < quota) { last = s; break; }
  }
  let upSeconds = 0;
  let used = 0;
  const perSecond: number[] = [];
  for (let s = first; s <= last; s++) {
    perSecond.push(stats.subjectsPerSecond[s] ?? 0);
    if (inOutage(s)) continue;
    upSeconds++;
    used += stats.subjectsPerSecond[s] ?? 0;
  }
  return {
    utilizationPct: +((used / Math.max(1, quota * upSeconds)) * 100).toFixed(1), upSeconds, perSecond,
    window: { from: new Date(first * 1000).toISOString(), to: new Date((last + 1) * 1000).toISOString(), subjectsOutside: stats.subjects - used },
  };
}

/**
 * Calls that reached the register while it was down, split by what the deployment knew when it
 * sent them. Probes: the calls its breaker let through while open (the breaker's own count in
 * Redis, decided atomically there), less the one per opening that found the register back (it
 * arrived after the outage); at most one per REGISTRY_PROBE_MS is the design. The rest were sent
 * before the breaker opened (in flight when the outage began, or sent before any answer said so).
 * The register's own stamps are shown beside: it stamps a call when its event loop reads it, so on
 * a loaded machine a wave of calls sent just before the opening is stamped after it.
 */
function probes(stats: RegistryStats, openings: BreakerOpening[], probesSent: number) {
  const closed = openings.filter((b) => b.to !== null).length;
  const inOutage = Math.min(stats.callsDuringOutage, Math.max(0, probesSent - closed));
  // Seconds of the outages the breaker was open for (it opens on the first 503 answer).
  let openSeconds = 0;
  for (const x of stats.outages) {
    for (const b of openings) openSeconds += Math.max(0, Math.min(x.to, b.to ?? x.to) - Math.max(x.from, b.from)) / 1000;
  }
  const stampedAfter = stats.callsDuringOutageAt.filter((t) => openings.some((b) => t >= b.from && (b.to === null || t <= b.to)));
  return {
    probesWhileDown: inOutage,
    probesPer5sWhileDown: openSeconds ? +((inOutage / openSeconds) * 5).toFixed(2) : 0,
    callsBeforeBreakerOpened: stats.callsDuringOutage - inOutage,
    breakerOpenSecondsWhileDown: +openSeconds.toFixed(1), breakerOpenings: openings.length, probesSentByDeployment: probesSent,
    registerStamps: {
      beforeOpening: stats.callsDuringOutage - stampedAfter.length, afterOpening: stampedAfter.length,
      gapsSecondsAfterOpening: stampedAfter.slice(1).map((t, i) => +((t - stampedAfter[i]!) / 1000).toFixed(1)),
    },
  };
}

export async function registryReport(o: { db: Db; stats: RegistryStats; quota: number; dataDir: string; batchSize: number; openings: BreakerOpening[]; waits: { outage: number; other: number; probesSent: number } }) {
  const { db, stats } = o;
  const outage = stats.outages[0];
  const use = utilization(stats, o.quota);
  const outageSeconds = outage ? (outage.to - outage.from) / 1000 : 0;

  const chunks = await db.models.VerificationChunk.find({}, { roundId: 1, recordIds: 1, status: 1 }).lean();
  const rounds = await db.models.Round.find({}, { status: 1, totalRecords: 1, deadlineChanges: 1 }).lean();
  const results = await db.models.VerificationResult.find({}, { recordId: 1, outcome: 1, personalId: 1 }).lean();
  const byRecord = new Map(results.map((r) => [r.recordId, r]));
  const total = rounds.reduce((s, r) => s + (r.totalRecords ?? 0), 0);

  const registry = await InMemoryRegistry.fromAsync(population(join(o.dataDir, 'population.ndjson')));
  const differences: Record<string, number> = {};
  let compared = 0;
  let same = 0;
  for (const chunk of chunks) {
    const records = await db.models.DoseRecord.find({ recordId: { $in: chunk.recordIds } }).lean() as unknown as DoseRecordInput[];
    const order = new Map(chunk.recordIds.map((id, i) => [id, i]));
    records.sort((x, y) => order.get(x.recordId)! - order.get(y.recordId)!);
    for (let i = 0; i < records.length; i += o.batchSize) {
      const batch = records.slice(i, i + o.batchSize);
      for (const m of matchRecordsSync(batch, registry)) {
        const rec = batch.find((r) => r.recordId === m.recordId)!;
        if (!rec.idNumber?.trim()) continue;
        const got = byRecord.get(m.recordId);
        compared++;
        if (got && got.outcome === m.outcome && (got.personalId ?? null) === (m.personalId ?? null)) same++;
        else {
          const kind = `${m.outcome}→${got?.outcome ?? 'none'}${got && got.outcome === m.outcome ? ' (other citizen)' : ''}`;
          differences[kind] = (differences[kind] ?? 0) + 1;
        }
      }
    }
  }
  return {
    registry: 'authority', quota: o.quota,
    utilizationPct: use.utilizationPct, upSeconds: use.upSeconds, utilizationWindow: use.window, outageSeconds,
    // The window's subjects per 5 s (where the quota went unused: 5 s of quota is quota × 5).
    subjectsPer5s: Array.from({ length: Math.ceil(use.perSecond.length / 5) }, (_, i) => use.perSecond.slice(i * 5, i * 5 + 5).reduce((x, y) => x + y, 0)),
    calls: stats.calls, overQuotaCalls: stats.rejected429, errors500: stats.errors500, searchQueries: stats.queries,
    callsDuringOutage: stats.callsDuringOutage, ...probes(stats, o.openings, o.waits.probesSent),
    chunkWaits: { outage: o.waits.outage, other: o.waits.other },
    resumeSeconds: outage?.firstAcceptedAfter ? +((outage.firstAcceptedAfter - outage.to) / 1000).toFixed(1) : null,
    failedChunks: chunks.filter((c) => c.status === 'failed').length,
    failedRounds: rounds.filter((r) => r.status === 'failed').length,
    escalationsCausedByOutage: await db.models.Escalation.countDocuments(),
    recordsWithoutResult: total - results.length,
    deadlinesMoved: rounds.filter((r) => (r.deadlineChanges ?? []).some((c) => /register outage/.test(c.reason ?? ''))).length,
    sameAsMirrorPct: +((same / Math.max(1, compared)) * 100).toFixed(2), comparedWithId: compared, differencesByKind: differences,
  };
}
