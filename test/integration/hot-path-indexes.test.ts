import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/index.js';
import { connectDb, type Db } from '../../src/db/connect.js';
import { createLogger } from '../../src/lib/logger.js';
import { pendingRoundJobs, roundCreationDeps } from '../helpers/rounds.js';
import { ROUNDS_QUEUE } from '../../queues/rounds.queue.js';
import { createRounds } from '../../src/rounds/rounds.service.js';
import { VERIFICATION_QUEUE } from '../../queues/verification.queue.js';
import { processors } from '../../workers/processors.js';
import { createTestContext, waitFor, type TestContext } from '../helpers/context.js';
import { explainableQueries, recordCommands, scansOf, type SentCommand } from '../helpers/explain-plan.js';
import { makeCitizens, makeDoses } from '../helpers/seed.js';
import { openQueues } from '../helpers/queues.js';
import { runImport } from '../../src/imports/run-import.js';
import { transferRecord } from '../../src/db/repositories/dose-records.repository.js';
import { listWorklist } from '../../src/corrections/worklists.service.js';
import { OTHER_PROVINCE_COMMUNE, alterDocuments, insertCitizens, insertDoses, seedLocalities, seedOtherProvince } from '../helpers/fixtures.js';

/**
 * The verification hot path (POST /api/rounds' service with its deadline hook, the planner,
 * the chunks with the registry snapshot, settle, and the rounds queue's effects) as the workers run it,
 * on a connection whose every command is recorded. Each query it really sent is then
 * explained on the real store: none may scan a whole collection. A new query without an index
 * fails here, whatever repository sends it.
 */
const PER_COMMUNE = 80;
const COMMUNES = ['00001', '00004'];
let ctx: TestContext;
let hot: Db;
let open: ReturnType<typeof openQueues>;
let worker: Worker | undefined;
let roundsWorker: Worker | undefined;
const statsFile = join(tmpdir(), `vv-hot-path-${randomUUID()}.json`);
const log = createLogger({ level: 'silent' });
let sent: SentCommand[] = [];

beforeAll(async () => {
  ctx = await createTestContext('hotpath');
  await seedLocalities(ctx.db.store);
  // A province of its own for someone registered elsewhere: the matcher's `_id` read outside the snapshot.
  await seedOtherProvince(ctx.db.store);
  const [elsewhere] = makeCitizens(OTHER_PROVINCE_COMMUNE, 1).map((c) => ({ ...c, fullName: 'Đỗ Văn Hùng', dateOfBirth: '1977-03-14', personalId: `${c.personalId.slice(0, 3)}077${c.personalId.slice(6)}` }));
  for (const code of COMMUNES) {
    const citizens = makeCitizens(code, PER_COMMUNE);
    await insertCitizens(ctx.db.store, citizens);
    // Exact records, one with a typo'd ID (the matcher falls back to the name blocks) and one of
    // the person registered in province 02.
    const doses = makeDoses(citizens, `H${code}`);
    doses[1] = { ...doses[1]!, idNumber: `${doses[1]!.idNumber.slice(0, -1)}9` };
    doses.push(...makeDoses([elsewhere!], `E${code}`).map((d) => ({ ...d, communeCode: code })));
    await insertDoses(ctx.db.store, doses);
  }
  await insertCitizens(ctx.db.store, [elsewhere!]);
  // The hot path's own connection, monitored (statsFile turns the driver's command monitoring on).
  hot = await connectDb(ctx.mongoUrl, { poolSize: 4, autoIndex: false, statsFile });
  open = openQueues(ctx);
}, 60_000);

afterAll(async () => {
  await worker?.close();
  await roundsWorker?.close();
  await open?.close();
  await hot?.close();
  await ctx?.close();
  await rm(statsFile, { force: true });
});

describe('hot-path queries on the real store', () => {
  it('runs a round through the worker\'s verification processor, recording every command', async () => {
    const config = parseEnv({
      MONGO_URL: ctx.mongoUrl, REDIS_URL: ctx.redisUrl, QUEUE_PREFIX: ctx.prefix, LOG_LEVEL: 'silent',
      CHUNK_SIZE: '30', BATCH_SIZE: '10', // several chunks and batches per round
    });
    const recording = recordCommands(hot.connection.getClient());
    const { queues, flows } = open;
    const deps = { config, db: hot, queues, flows, log };
    worker = new Worker(VERIFICATION_QUEUE, await processors[VERIFICATION_QUEUE]!(deps), { connection: ctx.redis, prefix: ctx.prefix, concurrency: 2 });
    // The rounds queue runs what follows a settled round (deadline side): its commands are recorded too.
    roundsWorker = new Worker(ROUNDS_QUEUE, await processors[ROUNDS_QUEUE]!(deps), { connection: ctx.redis, prefix: ctx.prefix });
    await createRounds(roundCreationDeps(hot.store, queues, config), { localities: COMMUNES, kind: 'verification', seq: 1 });
    const ids = COMMUNES.map((c) => `verification-${c}-1`);
    const rounds = await waitFor(async () => {
      const rs = await ctx.db.models.Round.find({ _id: { $in: ids } }, { status: 1, processedRecords: 1 }).lean();
      return rs.length === ids.length && rs.every((r) => ['awaiting_corrections', 'completed', 'failed'].includes(r.status)) ? rs : null;
    }, 60_000, 'both rounds to settle');
    // Each settled round's effects (reconcile-round) have run on the rounds queue.
    await waitFor(async () => (await queues[ROUNDS_QUEUE].getJobCounts('completed')).completed >= ids.length
      && (await pendingRoundJobs(queues)) === 0, 60_000, "the rounds' effects to run");
    await worker.close();
    await roundsWorker.close();
    recording.stop();
    sent = recording.sent;
    for (const r of rounds) {
      expect(['awaiting_corrections', 'completed'], r._id).toContain(r.status);
      expect(r.processedRecords, r._id).toBe(PER_COMMUNE + 1);
    }
  }, 90_000); // two rounds through the verification processor with command monitoring on every store call (two 60 s waits above)

  it('every query it sent is served by an index: explain shows no collection scan', async () => {
    const queries = explainableQueries(sent);
    // The path really ran: the planner's, the chunks', the snapshot's and settle's collections were queried.
    for (const c of ['rounds', 'doseRecords', 'citizens', 'verificationChunks', 'localities']) {
      expect(queries.map((q) => q.collection), c).toContain(c);
    }
    const problems: string[] = [];
    for (const q of queries) {
      const explained = await hot.connection.db!.command({ explain: q.explain, verbosity: 'queryPlanner' });
      const scans = scansOf(explained);
      if (scans.length === 0) problems.push(`${q.shape}: no scan in the plan: ${JSON.stringify(explained).slice(0, 800)}`);
      for (const s of scans.filter((x) => x.collectionScan)) problems.push(`${q.shape}: collection scan (${s.node})\n  sent: ${q.sent}`);
    }
    expect(problems).toEqual([]);
  });

  it("a commune's first worklist page: five commands in three steps (the count beside the page), each served by an index", async () => {
    const q = { limit: 50 };
    // The locality's expansion is cached per store (a minute): read once before the recording.
    const warm = await listWorklist(hot.store, COMMUNES[0]!, q, { withCounts: true });
    const recording = recordCommands(hot.connection.getClient());
    const page = await listWorklist(hot.store, COMMUNES[0]!, q, { withCounts: true });
    recording.stop();
    // The typo'd ID (corrected) and the person registered elsewhere at least: the page really has rows.
    expect(page.items.length).toBeGreaterThan(0);
    expect(page).toEqual(warm);
    expect(page.total).toBe(page.items.length);
    const sent = recording.sent.map((c) => `${c.name} ${c.command[c.name]}`);
    expect([...sent].sort()).toEqual(['aggregate recordStates', 'find doseRecords', 'find recordStates', 'find rounds', 'find verificationResults']);
    // Step 1 the rounds; step 2 the page and its count together; step 3 results and records together.
    expect(sent[0]).toBe('find rounds');
    expect(sent.slice(1, 3).sort()).toEqual(['aggregate recordStates', 'find recordStates']);
    const problems: string[] = [];
    for (const x of explainableQueries(recording.sent)) {
      const scans = scansOf(await hot.connection.db!.command({ explain: x.explain, verbosity: 'queryPlanner' }));
      if (scans.length === 0) problems.push(`${x.shape}: no scan in the plan`);
      for (const y of scans.filter((z) => z.collectionScan)) problems.push(`${x.shape}: collection scan (${y.node})\n  sent: ${x.sent}`);
    }
    expect(problems).toEqual([]);
  });

  it('the plan reader sees a collection scan where no index serves a query, on this store', async () => {
    const { DoseRecord } = hot.models;
    const explain = async (filter: Record<string, unknown>) =>
      scansOf(await hot.connection.db!.command({ explain: { find: DoseRecord.collection.collectionName, filter }, verbosity: 'queryPlanner' }));
    // `vaccine` has no index: every record is visited.
    expect((await explain({ vaccine: 'Comirnaty' })).some((s) => s.collectionScan)).toBe(true);
    expect((await explain({})).some((s) => s.collectionScan)).toBe(true);
    for (const filter of [{ _id: { $in: ['H00001-000001', 'H00001-000002'] } }, { communeCode: '00001' }, { idNumber: '001000000000' }]) {
      const scans = await explain(filter);
      expect(scans.length, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(scans.filter((s) => s.collectionScan), JSON.stringify(filter)).toEqual([]);
    }
  });

  it('a dose record filtered by recordId is read, updated and counted by `_id`', async () => {
    const { DoseRecord } = hot.models;
    const recording = recordCommands(hot.connection.getClient());
    const id = 'H00001-000003';
    const found = await DoseRecord.findOne({ recordId: id }, { communeCode: 1 }).lean();
    const updated = await DoseRecord.updateOne({ recordId: id, version: 0 }, { $set: { version: 0 } });
    const counted = await DoseRecord.countDocuments({ recordId: { $in: [id, 'nobody'] } });
    recording.stop();
    expect([found?._id, updated.matchedCount, counted]).toEqual([id, 1, 1]);
    const queries = explainableQueries(recording.sent);
    expect(queries.map((q) => q.shape)).toEqual([
      'doseRecords find {"_id":"string"}',
      'doseRecords update {"version":"number","_id":"string"}',
      'doseRecords aggregate [{"$match":{"_id":{"$in":"[string]"}}},{"$group":{"_id":"number","n":{"$sum":"number"}}}]',
    ]);
    for (const q of queries) {
      const scans = scansOf(await hot.connection.db!.command({ explain: q.explain, verbosity: 'queryPlanner' }));
      expect(scans.map((x) => [x.index, x.collectionScan]), q.shape).toEqual([['_id_', false]]);
    }
  });

  it('natural keys are `_id` where a document has one', () => {
    for (const name of ['Citizen', 'DoseRecord', 'VerificationResult', 'VerificationChunk'] as const) {
      expect(hot.models[name].schema.path('_id').instance, name).toBe('String');
    }
  });
});

/**
 * The import path (issue 29): the citizens and dose imports, first and again over changed files,
 * on the monitored connection: the re-import's `_id $in` reads, the guarded conditional updates
 * (open correction, corrected since, another commune: held), the registry version, and a
 * transfer's conditional update. Every query they send is explained: no collection scan.
 */
describe('import-path queries on the real store', () => {
  const C = '00006';
  const csv = <T extends object>(rows: T[]) => [Object.keys(rows[0]!).join(','), ...rows.map((r) => Object.values(r).map((v) => v ?? '').join(','))].join('\n') + '\n';
  let dir = '';
  afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

  it('imports citizens and doses twice, holding what the rules hold, and every query it sent uses an index', async () => {
    dir = await mkdtemp(join(tmpdir(), 'vv-import-explain-'));
    const citizens = makeCitizens(C, 40);
    const doses = makeDoses(citizens, `I${C}`).map((d, i) => ({ ...d, facilityId: `TYT-${C}-${i % 3}` }));
    const files = { citizens: join(dir, 'citizens.csv'), doses: join(dir, 'doses.csv'), citizens2: join(dir, 'citizens2.csv'), doses2: join(dir, 'doses2.csv') };
    await writeFile(files.citizens, csv(citizens));
    await writeFile(files.doses, csv(doses));
    // The second files: one changed name each; three dose rows the import must hold, one it must write.
    await writeFile(files.citizens2, csv(citizens.map((c, i) => (i === 0 ? { ...c, fullName: `${c.fullName} Mới` } : c))));
    await writeFile(files.doses2, csv(doses.map((d, i) => (i < 4 ? { ...d, fullName: `${d.fullName} Sửa`, ...(i === 2 ? { communeCode: '00007' } : {}) } : d))));
    const recording = recordCommands(hot.connection.getClient());
    const run = (kind: 'citizens' | 'doses', source: string) => runImport({ kind, source, store: hot.store, rejectsPath: join(dir, `${kind}-rejects-${randomUUID()}.csv`) });
    const first = [await run('citizens', files.citizens), await run('doses', files.doses)];
    // Between the imports (not recorded: the test's own connection): a correction awaiting the police, one applied.
    await alterDocuments(ctx.db.store, 'DoseRecord', { _id: doses[0]!.recordId }, { openCorrection: 'c-open' });
    await alterDocuments(ctx.db.store, 'DoseRecord', { _id: doses[1]!.recordId }, { version: 1 });
    const again = [await run('citizens', files.citizens2), await run('doses', files.doses2)];
    const moved = await transferRecord(hot.store, doses[5]!.recordId, 0, { from: C, to: '00007', sub: 'coord-001', reason: 'explain test', at: new Date() });
    recording.stop();
    expect(first.map((s) => s.inserted)).toEqual([40, 40]);
    expect(again.map((s) => [s.updated, s.held, s.unchanged])).toEqual([[1, 0, 39], [1, 3, 36]]);
    expect(moved).toEqual({ version: 1 });

    const queries = explainableQueries(recording.sent);
    const shapes = queries.map((q) => q.shape);
    // The path really ran: the re-imports' `_id` reads and the guarded update were sent.
    expect(shapes).toContain('citizens find {"_id":{"$in":"[string]"}}');
    expect(shapes).toContain('doseRecords find {"_id":{"$in":"[string]"}}');
    expect(shapes.some((q) => q.startsWith('doseRecords update {"_id":"string","communeCode":"string","openCorrection":"null","version"'))).toBe(true);
    expect(shapes.some((q) => q.startsWith('doseRecords findAndModify {"_id":"string","communeCode":"string"'))).toBe(true);
    const problems: string[] = [];
    for (const q of queries) {
      const scans = scansOf(await hot.connection.db!.command({ explain: q.explain, verbosity: 'queryPlanner' }));
      if (scans.length === 0) problems.push(`${q.shape}: no scan in the plan`);
      for (const x of scans.filter((y) => y.collectionScan)) problems.push(`${q.shape}: collection scan (${x.node})\n  sent: ${q.sent}`);
    }
    expect(problems).toEqual([]);
  }, 60_000);
});
