/**
 * `npm run bench:campaign -- --communes N --people P --workers W [--seed S] [--json]`
 *
 * The campaign end to end, as a user runs it: generate (cached per communes/people/seed),
 * localities import, citizens and doses import, one POST /api/rounds per commune through a
 * real API process, W real worker processes, wait for every round to leave `verifying`.
 * Workers count the store commands they send (driver command monitoring, STORE_STATS_FILE);
 * the same run measures the store's raw bulk-insert and `_id` point-read rates.
 * Each run uses a fresh database and queue prefix, dropped at the end (--keep keeps them).
 *
 * `--registry authority --quota 1500 [--outage-at 20 --outage-seconds 120]`: the workers ask the
 * register's stand-in (started here, over the generated population, latency --latency ms, errors
 * --error-rate) instead of the imported citizens; the outage starts --outage-at seconds after the
 * rounds are posted. The JSON line gains the register's figures (scripts/bench-registry-report.ts).
 * `BENCH_LOG_DIR=dir` keeps the API's and each worker's log there (api.log, worker-N.log).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connectDb } from '../src/db/connect.js';
import { loadAdminUnits } from '../src/imports/admin-units.loader.js';
import type { StoreStats } from '../src/db/command-stats.js';
import { spawnApi, spawnWorker, type Proc } from '../test/helpers/processes.js';
import { authEnv } from '../test/helpers/app-with-auth.js';
import { startOidcProvider } from '../stand-ins/oidc/provider.js';
import { benchStoreRates } from './bench-store-rates.js';
import { DEFAULT_REGISTRY_CLIENT, startRegistryStandIn, type RegistryStandIn } from '../stand-ins/registry/server.js';
import { breakerOpenings, chunkWaits, registryReport } from './bench-registry-report.js';
import { createRedis } from '../queues/connection.js';

const { values: a } = parseArgs({
  options: {
    communes: { type: 'string', default: '10' },
    people: { type: 'string', default: '40000' },
    workers: { type: 'string', default: '2' },
    seed: { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'timeout-min': { type: 'string', default: '60' },
    // Authority mode (issue 26): the register's stand-in, its quota, latency, errors and an outage.
    registry: { type: 'string', default: 'mirror' },
    quota: { type: 'string', default: '1500' },
    'search-quota': { type: 'string', default: '500' },
    latency: { type: 'string', default: '50-400' },
    'error-rate': { type: 'string', default: '0.01' },
    'outage-at': { type: 'string' },
    'outage-seconds': { type: 'string', default: '120' },
  },
});
const N = Number(a.communes);
const PEOPLE = Number(a.people);
const W = Number(a.workers);
const log = (...m: unknown[]) => { if (!a.json) console.log(...m); else console.error(...m); };

const baseUrl = (process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/vaxverify').replace(/\/[^/?]*(\?.*)?$/, '');
const query = /\?.*$/.exec(process.env.MONGO_URL ?? '')?.[0] ?? '';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const runId = randomUUID().slice(0, 8);
const MONGO_URL = `${baseUrl}/bench_${runId}${query}`;
const PREFIX = `bench-${runId}`;
const statsDir = join(tmpdir(), `vaxverify-bench-${runId}`);
mkdirSync(statsDir, { recursive: true });

/** First N communes of district 271 (Ba Vì) in code order, then the next districts of province 01. */
async function pickCommunes(n: number): Promise<string[]> {
  const { units } = await loadAdminUnits();
  const communes = [...units.values()].filter((u) => u.level === 'commune' && u.provinceCode === '01');
  const key = (u: { code: string; districtCode?: string | null }) => `${u.districtCode! >= '271' ? '0' : '1'}${u.districtCode}${u.code}`;
  return communes.sort((x, y) => key(x).localeCompare(key(y))).slice(0, n).map((u) => u.code);
}

/** Run the CLI; resolves with what it printed on stdout. */
function run(args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      env: { ...process.env, MONGO_URL, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`vaxverify ${args.join(' ')} exited ${code}:\n${err.slice(-2000)}`))));
  });
}

/** The importer's own rate (its summary line: rows over the import's duration, process start excluded). */
const importRate = (out: string) => Number(/\((\d+) rows\/s\)/.exec(out)?.[1] ?? NaN);

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const v = await fn();
  return [v, (performance.now() - t) / 1000];
}

const readStats = (f: string): StoreStats | null => (existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) as StoreStats : null);
const sum = (o: Record<string, number>) => Object.values(o).reduce((s, n) => s + n, 0);

async function main() {
  const communes = await pickCommunes(N);
  // A shared machine: the load beside each measurement says how much of it was this run.
  const loadBefore = loadavg().map((l) => +l.toFixed(2));
  const dataDir = join(tmpdir(), 'vaxverify-bench-data', `${N}-${PEOPLE}-${a.seed}`);
  const stages: Record<string, number> = {};
  if (!existsSync(join(dataDir, 'summary.json'))) {
    [, stages.generate] = await timed(() => run(['generate', '--people', String(PEOPLE), '--communes', communes.join(','), '--seed', a.seed!, '--out', dataDir]));
  } else stages.generate = 0;
  [, stages.localities] = await timed(() => run(['localities', 'import']));
  const [citizensOut, citizensSec] = await timed(() => run(['import', 'citizens', join(dataDir, 'population.ndjson'), '--rejects', join(statsDir, 'c.rejects.csv')]));
  const [dosesOut, dosesSec] = await timed(() => run(['import', 'doses', join(dataDir, 'doses.ndjson'), '--rejects', join(statsDir, 'd.rejects.csv')]));
  stages.citizens = citizensSec;
  stages.doses = dosesSec;
  const importerRowsPerSecond = { citizens: importRate(citizensOut), doses: importRate(dosesOut) };
  log(`imported in ${(stages.localities + stages.citizens + stages.doses).toFixed(1)} s (${MONGO_URL})`);

  const authority = a.registry === 'authority';
  const [latMin, latMax] = a.latency!.split('-').map(Number);
  let registry: RegistryStandIn | null = null;
  if (authority) {
    registry = await startRegistryStandIn({
      populationFile: join(dataDir, 'population.ndjson'), quota: Number(a.quota), searchQuota: Number(a['search-quota']),
      latencyMs: [latMin ?? 50, latMax ?? 400], errorRate: Number(a['error-rate']),
    });
    log(`register stand-in at ${registry.url}: ${registry.population} citizens, quota ${a.quota}/s`);
  }
  const registryEnv: Record<string, string> = registry ? {
    REGISTRY_MODE: 'authority', REGISTRY_URL: registry.url, REGISTRY_CLIENT_ID: DEFAULT_REGISTRY_CLIENT.id,
    REGISTRY_CLIENT_SECRET: DEFAULT_REGISTRY_CLIENT.secret, REGISTRY_QUOTA: a.quota!, REGISTRY_SEARCH_QUOTA: a['search-quota']!,
  } : {};
  const env = { MONGO_URL, REDIS_URL, QUEUE_PREFIX: PREFIX, LOG_LEVEL: 'warn', MONGO_POOL_SIZE: '8', ...registryEnv };
  const procs: Proc[] = [];
  // Interrupted (Ctrl-C, timeout): take the API and the workers down with the bench.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => { for (const p of procs) p.child.kill('SIGKILL'); process.exit(130); });
  }
  const db = await connectDb(MONGO_URL, { poolSize: 4, autoIndex: false });
  // Exact counts: an estimated count is the store's statistics (DocumentDB's said 19,000 of 92,451 results).
  const imported = { citizens: await db.models.Citizen.countDocuments(), doses: await db.models.DoseRecord.countDocuments() };
  // The API takes only signed-in callers: the coordinators' script is a client-credentials account
  // of the local provider, as in the tests.
  const oidc = await startOidcProvider({
    services: { 'bench-admin': { secret: 'bench-admin-secret-local-only', roles: ['campaign_admin'], localities: [] } },
  });
  try {
    const api = await spawnApi({ ...env, ...authEnv(oidc), LOG_LEVEL: 'info', STORE_STATS_FILE: join(statsDir, 'api.json') });
    procs.push(api);
    const files = Array.from({ length: W }, (_, i) => join(statsDir, `worker-${i}.json`));
    for (const f of files) procs.push(await spawnWorker({ ...env, LOG_LEVEL: 'info', STORE_STATS_FILE: f }));
    const before = files.map(readStats);

    const authorization = `Bearer ${await oidc.serviceToken('bench-admin')}`;
    const t0 = performance.now();
    if (registry && a['outage-at']) registry.outage(Number(a['outage-seconds']) * 1000, Number(a['outage-at']) * 1000);
    for (const c of communes) {
      const res = await fetch(`${api.url}/api/rounds`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ localities: [c] }),
      });
      if (res.status >= 300) throw new Error(`POST /api/rounds ${c}: ${res.status} ${await res.text()}`);
    }
    const deadline = Date.now() + Number(a['timeout-min']) * 60_000;
    let done: { status: string; totalRecords?: number | null }[] = [];
    for (;;) {
      const rounds = await db.models.Round.find({}, { status: 1, totalRecords: 1, processedRecords: 1 }).lean();
      done = rounds.filter((r) => !['scheduled', 'verifying'].includes(r.status));
      if (done.length === communes.length || Date.now() > deadline) break;
      const processed = rounds.reduce((s, r) => s + (r.processedRecords ?? 0), 0);
      log(`  ${((performance.now() - t0) / 1000).toFixed(0)} s: ${done.length}/${communes.length} rounds done, ${processed} records`);
      await new Promise((r) => setTimeout(r, 2_000));
    }
    const seconds = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 1_500)); // one more stats flush from every worker
    const after = files.map(readStats);
    const records = await db.models.VerificationResult.countDocuments();
    const byCommand: Record<string, number> = {};
    const byCollection: Record<string, number> = {};
    let docsRead = 0;
    after.forEach((s, i) => {
      if (!s) return;
      for (const [k, n] of Object.entries(s.commands)) byCommand[k] = (byCommand[k] ?? 0) + n - (before[i]?.commands[k] ?? 0);
      for (const [k, n] of Object.entries(s.byCollection ?? {})) byCollection[k] = (byCollection[k] ?? 0) + n - (before[i]?.byCollection?.[k] ?? 0);
      docsRead += s.documentsRead - (before[i]?.documentsRead ?? 0);
    });
    const commands = sum(byCommand);
    const statuses = done.reduce<Record<string, number>>((m, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {});
    const apiStats = readStats(join(statsDir, 'api.json'));
    const rates = await benchStoreRates(db.connection);
    const recordsPerSecond = records / seconds;
    const out = {
      communes: communes.length, people: PEOPLE, workers: W, seed: Number(a.seed), store: baseUrl,
      stages: { ...Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, +v.toFixed(1)])), verify: +seconds.toFixed(1) },
      records, seconds: +seconds.toFixed(1), recordsPerSecond: +recordsPerSecond.toFixed(1),
      commands, commandsByName: byCommand, commandsByCollection: Object.fromEntries(Object.entries(byCollection).filter(([, n]) => n > 0).sort((x, y) => y[1] - x[1])), commandsPer1000Records: +((commands / Math.max(1, records)) * 1000).toFixed(2),
      documentsReadPerRecord: +(docsRead / Math.max(1, records)).toFixed(2),
      peakRssMb: { api: mb(apiStats?.peakRssBytes), workers: after.map((s) => mb(s?.peakRssBytes)) },
      storeBulkInsertPerSecond: +rates.insertPerSecond.toFixed(0), storeIdReadsPerSecond: +rates.idReadsPerSecond.toFixed(0),
      verifyVsBulkInsert: +(recordsPerSecond / rates.insertPerSecond).toFixed(3),
      verifyVsIdReads: +(recordsPerSecond / rates.idReadsPerSecond).toFixed(3),
      completedRounds: done.length, rounds: communes.length, statuses,
      imported, importRowsPerSecond: importerRowsPerSecond, loadAverage: { before: loadBefore, after: loadavg().map((l) => +l.toFixed(2)) },
      ...(registry ? await registryReport({ db, stats: registry.stats(), quota: Number(a.quota), dataDir, batchSize: 2500, ...await readRegisterRedis() }) : {}),
    };
    printTable(out);
    if (a.json) console.log(JSON.stringify(out));
  } finally {
    await Promise.all(procs.map((p) => p.kill('SIGTERM')));
    // BENCH_LOG_DIR: every spawned process's log kept for reading afterwards (api.log, worker-N.log).
    if (process.env.BENCH_LOG_DIR) {
      mkdirSync(process.env.BENCH_LOG_DIR, { recursive: true });
      procs.forEach((p, i) => writeFileSync(join(process.env.BENCH_LOG_DIR!, i === 0 ? 'api.log' : `worker-${i - 1}.log`), p.output()));
    }
    await oidc.close();
    await registry?.close();
    if (!a.keep) await db.connection.dropDatabase().catch(() => {});
    await db.close();
    rmSync(statsDir, { recursive: true, force: true });
  }
}

/** The deployment's breaker openings and chunk waits (Redis, under the run's prefix). */
async function readRegisterRedis() {
  const redis = createRedis(REDIS_URL);
  try { return { openings: await breakerOpenings(redis, PREFIX), waits: await chunkWaits(redis, PREFIX) }; } finally { await redis.quit(); }
}

const mb = (b?: number) => (b ? Math.round(b / 1048576) : 0);

function printTable(o: Record<string, unknown> & { stages: Record<string, number>; loadAverage: { before: number[]; after: number[] } }) {
  const rows: [string, unknown][] = [
    ...Object.entries(o.stages).map(([k, v]) => [`stage ${k} (s)`, v] as [string, unknown]),
    ['import rows/s (citizens, doses; the importer\'s own)', JSON.stringify(o.importRowsPerSecond)],
    ['records', o.records], ['records/s', o.recordsPerSecond],
    ['store commands / 1,000 records', o.commandsPer1000Records], ['commands by name', JSON.stringify(o.commandsByName)], ['commands by collection', JSON.stringify(o.commandsByCollection)],
    ['documents read / record', o.documentsReadPerRecord], ['peak RSS MB', JSON.stringify(o.peakRssMb)],
    ['store bulk insert docs/s', o.storeBulkInsertPerSecond], ['store _id point reads/s', o.storeIdReadsPerSecond],
    ['verify rate / bulk insert rate', o.verifyVsBulkInsert], ['verify rate / _id read rate', o.verifyVsIdReads],
    ['rounds done', `${o.completedRounds}/${o.rounds} ${JSON.stringify(o.statuses)}`],
    ...(['utilizationPct', 'utilizationWindow', 'subjectsPer5s', 'calls', 'overQuotaCalls', 'callsDuringOutage', 'callsBeforeBreakerOpened', 'probesWhileDown', 'probesPer5sWhileDown', 'probesSentByDeployment', 'registerStamps', 'chunkWaits', 'resumeSeconds', 'failedChunks', 'failedRounds', 'escalationsCausedByOutage', 'recordsWithoutResult', 'sameAsMirrorPct', 'differencesByKind', 'deadlinesMoved']
      .filter((k) => k in o).map((k) => [k, typeof o[k] === 'object' ? JSON.stringify(o[k]) : o[k]] as [string, unknown])),
    ['load average before → after (1, 5, 15 min)', `${JSON.stringify(o.loadAverage.before)} → ${JSON.stringify(o.loadAverage.after)}`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  const print = a.json ? console.error : console.log;
  print(`\nbench:campaign  ${o.communes} communes, ${o.people} people, ${o.workers} workers, seed ${o.seed}, ${o.store}`);
  for (const [k, v] of rows) print(`${k.padEnd(w)}  ${String(v)}`);
}

main().catch((err) => { console.error(err); process.exit(1); });
