/**
 * bench:campaign in authority mode: the register's figures of issue 26, from the stand-in's own
 * counters (what the register saw) and the store (what vaxverify decided), and the mirror's
 * decisions for the same records recomputed here over the same population (the engine in memory,
 * batch by batch in each chunk's order, as a mirror worker takes them).
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Db } from '../src/db/connect.js';
import { InMemoryRegistry, matchRecordsSync } from '../src/domain/matching/index.js';
import type { Citizen, DoseRecordInput } from '../src/domain/records.js';
import type { RegistryStats } from '../stand-ins/registry/server.js';

async function* population(file: string): AsyncGenerator<Citizen> {
  for await (const line of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) if (line.trim()) yield JSON.parse(line) as Citizen;
}

export async function registryReport(o: { db: Db; stats: RegistryStats; quota: number; verifyStartedAt: number; dataDir: string; batchSize: number }) {
  const { db, stats } = o;
  const outage = stats.outages[0];
  const inOutage = (sec: number) => stats.outages.some((x) => sec * 1000 >= x.from - 1000 && sec * 1000 < x.to);
  // Seconds the register was up while work waited: first call to last answer, outage seconds out.
  const first = Math.floor((stats.firstCallAt ?? o.verifyStartedAt) / 1000);
  const last = Math.floor((stats.lastAcceptedAt ?? Date.now()) / 1000);
  let upSeconds = 0;
  for (let s = first; s < last; s++) if (!inOutage(s)) upSeconds++;
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
    utilizationPct: +((stats.subjects / Math.max(1, o.quota * upSeconds)) * 100).toFixed(1),
    upSeconds, outageSeconds,
    calls: stats.calls, overQuotaCalls: stats.rejected429, errors500: stats.errors500, searchQueries: stats.queries,
    probesWhileDown: stats.callsDuringOutage,
    probesPer5sWhileDown: outageSeconds ? +((stats.callsDuringOutage / outageSeconds) * 5).toFixed(2) : 0,
    resumeSeconds: outage?.firstAcceptedAfter ? +((outage.firstAcceptedAfter - outage.to) / 1000).toFixed(1) : null,
    failedChunks: chunks.filter((c) => c.status === 'failed').length,
    failedRounds: rounds.filter((r) => r.status === 'failed').length,
    escalationsCausedByOutage: await db.models.Escalation.countDocuments(),
    recordsWithoutResult: total - results.length,
    deadlinesMoved: rounds.filter((r) => (r.deadlineChanges ?? []).some((c) => /register outage/.test(c.reason ?? ''))).length,
    sameAsMirrorPct: +((same / Math.max(1, compared)) * 100).toFixed(2), comparedWithId: compared, differencesByKind: differences,
  };
}
