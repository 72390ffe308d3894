/**
 * `npm run bench:load -- --communes N --people P --workers W --connections C --duration S [--seed S] [--alone] [--json] [--keep] [--set K=V]…`
 *
 * People's requests while the campaign runs (issue 30): the slice of bench:campaign (10 communes
 * of Ba Vì by default), the API and W workers as real processes, tokens from the local provider,
 * and autocannon driving five people at once, C connections each: a passport checker asking the
 * eligibility of random citizens, the health officer of the first commune paging its worklist,
 * its police opening the corrections to sign off, the district coordinator listing the
 * district's rounds, the ministry opening the district's progress. Runs on one database:
 *   0. a first verification after the import, reported but not compared: the two compared below
 *      each start from the same store, one whose rounds and results were just removed (the
 *      first after an import starts from a store that never held any, and its time moved
 *      between 41.9 and 60.7 s from run to run);
 *   1. verification without load (the baseline time; rounds and results removed, fresh processes);
 *   2. the same verification again (removed again, fresh processes) with the load started as the
 *      rounds are posted, for S seconds;
 *   3. the campaign idle (every round settled), the same load for S seconds.
 * Per endpoint and phase: requests/s, p50, p99 and max of the 2xx answers, non-2xx apart from
 * the shedder's 503s (counted on their own), and the API's store commands per answered request
 * while idle. `--alone` adds a fourth phase: each endpoint driven by itself, idle (its capacity
 * without the other four on the same two cores). `--set K=V` (repeatable) gives the API and the
 * workers a setting (e.g. WORKER_CONCURRENCY_UNDER_PRESSURE=2): settings compared by measuring.
 * Ends with one JSON line (--json).
 * autocannon runs in this process: on a small machine it takes a share of the CPU it measures.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { allQueues, closeQueues, queueList } from '../queues/registry.js';
import { connectDb, type Db } from '../src/db/connect.js';
import { loadAdminUnits } from '../src/imports/admin-units.loader.js';
import { spawnApi, spawnWorker, type Proc } from '../test/helpers/processes.js';
import { authEnv } from '../test/helpers/app-with-auth.js';
import { startOidcProvider, type LocalUser } from '../stand-ins/oidc/provider.js';

const { values: a } = parseArgs({
  options: {
    communes: { type: 'string', default: '10' },
    people: { type: 'string', default: '40000' },
    workers: { type: 'string', default: '2' },
    connections: { type: 'string', default: '50' },
    duration: { type: 'string', default: '30' },
    seed: { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'timeout-min': { type: 'string', default: '30' },
    /** Also drive each endpoint alone while idle (its capacity without the other four). */
    alone: { type: 'boolean', default: false },
    /** A setting for the API and the workers, K=V (repeatable). */
    set: { type: 'string', multiple: true, default: [] },
  },
});
const N = Number(a.communes);
const W = Number(a.workers);
const CONNECTIONS = Number(a.connections);
const DURATION = Number(a.duration);
const SETTINGS: Record<string, string> = Object.fromEntries(a.set!.map((kv) => {
  const i = kv.indexOf('=');
  if (i < 1) throw new Error(`--set ${kv}: expected KEY=VALUE`);
  return [kv.slice(0, i), kv.slice(i + 1)];
}));
const log = (...m: unknown[]) => (a.json ? console.error : console.log)(...m);

const baseUrl = (process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/vaxverify').replace(/\/[^/?]*(\?.*)?$/, '');
const query = /\?.*$/.exec(process.env.MONGO_URL ?? '')?.[0] ?? '';
const runId = randomUUID().slice(0, 8);
const MONGO_URL = `${baseUrl}/benchload_${runId}${query}`;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** First N communes of district 271 (Ba Vì) in code order (the slice bench:campaign uses). */
async function pickCommunes(n: number): Promise<string[]> {
  const { units } = await loadAdminUnits();
  const communes = [...units.values()].filter((u) => u.level === 'commune' && u.provinceCode === '01');
  const key = (u: { code: string; districtCode?: string | null }) => `${u.districtCode! >= '271' ? '0' : '1'}${u.districtCode}${u.code}`;
  return communes.sort((x, y) => key(x).localeCompare(key(y))).slice(0, n).map((u) => u.code);
}

function cli(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: { ...process.env, MONGO_URL, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vaxverify ${args.join(' ')} exited ${code}:\n${err.slice(-2000)}`))));
  });
}

/** The people of the load, each a user of the local provider with the role they hold in the campaign. */
const people = (commune: string): Record<string, LocalUser> => ({
  'bench-checker': { name: 'Cán bộ kiểm tra', roles: ['passport_checker'], localities: [] },
  'bench-health': { name: 'Trạm y tế', roles: ['commune_health'], localities: [commune] },
  'bench-police': { name: 'Công an xã', roles: ['commune_police'], localities: [commune] },
  'bench-district': { name: 'Điều phối huyện', roles: ['district_coordinator'], localities: ['271'] },
  'bench-ministry': { name: 'Bộ Y tế', roles: ['ministry'], localities: [] },
});

interface Endpoint { name: string; login: string; path: () => string }

interface Figures { requests: number; rps: number; p50: number; p99: number; max: number; non2xx: number; shed503: number; errors: number; statuses: Record<string, number> }

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0);

/** One autocannon instance per endpoint, all at once; latencies of 2xx answers kept apart from the rest. */
async function drive(url: string, endpoints: Endpoint[], tokens: Record<string, string>, seconds: number): Promise<Record<string, Figures>> {
  const runs = endpoints.map((e) => {
    const ok: number[] = [];
    let non2xx = 0;
    let shed503 = 0;
    const statuses: Record<string, number> = {};
    return new Promise<[string, Figures]>((resolve, reject) => {
      const inst = autocannon({
        url, connections: CONNECTIONS, duration: seconds,
        headers: { authorization: `Bearer ${tokens[e.login]}` },
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: e.path() }) }],
      }, (err, r) => {
        if (err) { reject(err); return; }
        ok.sort((x, y) => x - y);
        resolve([e.name, {
          requests: ok.length, rps: +(ok.length / seconds).toFixed(1), p50: Math.round(pct(ok, 50)), p99: Math.round(pct(ok, 99)), max: Math.round(ok[ok.length - 1] ?? 0),
          non2xx, shed503, errors: r.errors + r.timeouts, statuses,
        }]);
      });
      inst.on('response', (_client, status, _bytes, ms) => {
        if (status >= 200 && status < 300) ok.push(ms);
        else if (status === 503) shed503++;
        else non2xx++;
        statuses[status] = (statuses[status] ?? 0) + 1;
      });
    });
  });
  return Object.fromEntries(await Promise.all(runs));
}

/** Post one round per commune; resolves with the seconds until none is scheduled or verifying. */
async function verify(db: Db, apiUrl: string, token: string, communes: string[]): Promise<number> {
  const t0 = performance.now();
  let shed = 0;
  for (const c of communes) {
    for (;;) {
      const res = await fetch(`${apiUrl}/api/rounds`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ localities: [c] }) });
      // Shed under the load: the coordinator's script does what Retry-After says.
      if (res.status === 503) { shed++; await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000)); continue; }
      if (res.status >= 300) throw new Error(`POST /api/rounds ${c}: ${res.status} ${await res.text()}`);
      break;
    }
  }
  log(`  ${communes.length} rounds posted in ${((performance.now() - t0) / 1000).toFixed(1)} s (${shed} answered 503 first)`);
  const deadline = Date.now() + Number(a['timeout-min']) * 60_000;
  for (;;) {
    const rounds = await db.models.Round.find({}, { status: 1 }).lean();
    const open = rounds.filter((r) => ['scheduled', 'verifying'].includes(r.status)).length;
    if ((rounds.length >= communes.length && open === 0) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return (performance.now() - t0) / 1000;
}

/**
 * The campaign idle: no job of any queue waiting or running. The rounds' last status is written
 * before their settles, roll-ups and notifications have run; the idle phase waits for those
 * (at most a minute) so that it measures people's requests alone. Resolves with the seconds waited.
 */
async function drained(prefix: string): Promise<number> {
  const t0 = performance.now();
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queues = allQueues(redis, prefix);
  try {
    for (let busy = true; busy && performance.now() - t0 < 60_000;) {
      const counts = await Promise.all(queueList(queues).map((q) => q.getJobCounts('active', 'waiting', 'prioritized', 'waiting-children')));
      busy = counts.some((c) => Object.values(c).some((n) => n > 0));
      if (busy) await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await closeQueues(queues);
    redis.disconnect();
  }
  return (performance.now() - t0) / 1000;
}

/**
 * What a round leaves behind: removed between the two verifications, the imported data kept
 * (and the dashboard rollup: the ministry's progress page shows the last figures meanwhile).
 */
async function forgetRounds(db: Db) {
  const m = db.models;
  for (const model of [m.Round, m.VerificationChunk, m.VerificationResult, m.RecordState, m.RoundDeadline, m.Escalation, m.Notification, m.Correction, m.AccessLog, m.AuditEntry]) {
    await (model as unknown as { deleteMany(f: object): Promise<unknown> }).deleteMany({});
  }
}

async function main() {
  const communes = await pickCommunes(N);
  const loadBefore = loadavg().map((l) => +l.toFixed(2));
  const dataDir = join(tmpdir(), 'vaxverify-bench-data', `${N}-${a.people}-${a.seed}`);
  if (!existsSync(join(dataDir, 'summary.json'))) await cli(['generate', '--people', a.people!, '--communes', communes.join(','), '--seed', a.seed!, '--out', dataDir]);
  await cli(['localities', 'import']);
  await cli(['import', 'citizens', join(dataDir, 'population.ndjson'), '--rejects', join(tmpdir(), `bl-${runId}-c.csv`)]);
  await cli(['import', 'doses', join(dataDir, 'doses.ndjson'), '--rejects', join(tmpdir(), `bl-${runId}-d.csv`)]);
  // The checker asks about people of the slice (every one has a 12-digit ID; most have doses).
  const ids = readFileSync(join(dataDir, 'population.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { personalId: string }).personalId);
  log(`imported ${ids.length} people of ${communes.length} communes (${MONGO_URL})`);

  const commune = communes[0]!;
  const oidc = await startOidcProvider({
    users: people(commune), accessTokenTtl: 3_600,
    services: { 'bench-admin': { secret: 'bench-admin-secret-local-only', roles: ['campaign_admin', 'operator'], localities: [] } },
  });
  const db = await connectDb(MONGO_URL, { poolSize: 4, autoIndex: false });
  const procs: Proc[] = [];
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => { for (const p of procs) p.child.kill('SIGKILL'); process.exit(130); });
  // Rate limits per identity are for real people: five identities stand for thousands here.
  const env = (prefix: string) => ({ MONGO_URL, REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn', MONGO_POOL_SIZE: '8', RATE_LIMIT_PER_MIN: '100000000', ELIGIBILITY_RATE_PER_MIN: '100000000', ...authEnv(oidc), ...SETTINGS });
  // The API's store commands, read between phases: how many each answered request cost.
  const apiStats = join(tmpdir(), `bl-${runId}-api-stats.json`);
  // The API's two connections: the pages' pool and the look-ups' (LOOKUP_POOL_SIZE), each its own file.
  const storeCommands = (): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const file of [apiStats, `${apiStats}.lookups`]) {
      try {
        for (const [k, v] of Object.entries((JSON.parse(readFileSync(file, 'utf8')) as { byCollection: Record<string, number> }).byCollection)) out[k] = (out[k] ?? 0) + v;
      } catch { /* not written (yet) */ }
    }
    return out;
  };
  const settleStats = () => new Promise((r) => setTimeout(r, 1_200)); // the API writes its stats file every second
  const perRequest = (before: Record<string, number>, after: Record<string, number>, figs: Record<string, Figures>) => {
    const answered = Object.values(figs).reduce((n, f) => n + f.requests + f.non2xx, 0);
    const diff = Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)] as const).filter(([, v]) => v > 0);
    const total = diff.reduce((n, [, v]) => n + v, 0);
    return { answered, storeCommands: total, perAnswered: answered ? +(total / answered).toFixed(2) : 0, byCollection: Object.fromEntries(diff.sort((x, y) => y[1] - x[1]).slice(0, 8)) };
  };
  const start = async (prefix: string) => {
    const api = await spawnApi({ ...env(prefix), LOG_LEVEL: 'info', STORE_STATS_FILE: apiStats });
    procs.push(api);
    for (let i = 0; i < W; i++) procs.push(await spawnWorker({ ...env(prefix), LOG_LEVEL: 'info' }));
    return api;
  };
  const stop = async () => { await Promise.all(procs.splice(0).map((p) => p.kill('SIGTERM'))); };
  try {
    const tokens: Record<string, string> = {};
    for (const login of Object.keys(people(commune))) tokens[login] = await oidc.tokenFor(login);
    const admin = await oidc.serviceToken('bench-admin');
    const endpoints: Endpoint[] = [
      { name: 'GET /api/citizens/:id/passport-eligibility', login: 'bench-checker', path: () => `/api/citizens/${ids[Math.floor(Math.random() * ids.length)]}/passport-eligibility` },
      { name: `GET /api/localities/${commune}/worklist?limit=50`, login: 'bench-health', path: () => `/api/localities/${commune}/worklist?limit=50` },
      { name: `GET /api/localities/${commune}/corrections`, login: 'bench-police', path: () => `/api/localities/${commune}/corrections?status=awaiting_signoff&limit=50` },
      { name: 'GET /api/rounds?locality=271', login: 'bench-district', path: () => '/api/rounds?locality=271&limit=50' },
      { name: 'GET /api/dashboard/progress/271', login: 'bench-ministry', path: () => '/api/dashboard/progress/271' },
    ];

    // The API's CPU seconds (prom-client's process metrics): its own cost per answer, which the
    // machine's other load changes far less than latency (it does not count the store's work).
    const apiCpu = async (url: string) => {
      const text = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${admin}` } }).then((r) => (r.ok ? r.text() : ''));
      return Number(/^process_cpu_seconds_total (\S+)/m.exec(text)?.[1] ?? NaN);
    };
    const answeredOf = (figs: Record<string, Figures>) => Object.values(figs).reduce((n, f) => n + f.requests + f.non2xx + f.shed503, 0);
    // 0. The first verification after the import: not compared (see the header).
    let api = await start(`benchload-${runId}-first`);
    const firstSeconds = await verify(db, api.url, admin, communes);
    log(`first verification after the import: ${firstSeconds.toFixed(1)} s`);
    await stop();
    await forgetRounds(db);
    // 1. The baseline: verification with nobody asking.
    api = await start(`benchload-${runId}-calm`);
    const calmSeconds = await verify(db, api.url, admin, communes);
    log(`verification without load: ${calmSeconds.toFixed(1)} s`);
    await stop();
    await forgetRounds(db);

    // 2. The same verification with the load started as the rounds are posted.
    api = await start(`benchload-${runId}-load`);
    const [busy, loadedSeconds] = await Promise.all([drive(api.url, endpoints, tokens, DURATION), verify(db, api.url, admin, communes)]);
    log(`verification with ${DURATION} s of load: ${loadedSeconds.toFixed(1)} s`);
    // 3. Idle: every round settled, every job the rounds left done.
    log(`idle: the queues drained ${(await drained(`benchload-${runId}-load`)).toFixed(1)} s after the rounds' last status`);
    await settleStats();
    const beforeIdle = storeCommands();
    const cpuBefore = await apiCpu(api.url);
    const idle = await drive(api.url, endpoints, tokens, DURATION);
    const apiCpuMsPerAnswerIdle = +(((await apiCpu(api.url)) - cpuBefore) * 1000 / Math.max(1, answeredOf(idle))).toFixed(2);
    await settleStats();
    const idleStore = perRequest(beforeIdle, storeCommands(), idle);
    // 4. (--alone) Idle, each endpoint by itself: its capacity when the other four are quiet.
    const alone: Record<string, Figures> = {};
    if (a.alone) for (const e of endpoints) Object.assign(alone, await drive(api.url, [e], tokens, DURATION));
    const metrics = await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${admin}` } }).then((r) => (r.ok ? r.text() : ''));
    // Per class of request (lookup, page) and reason.
    const shedTotal = [...metrics.matchAll(/^vaxverify_http_shed_total\{class="(\w+)",reason="(\w+)"\} (\d+)/gm)].reduce<Record<string, number>>((m, x) => ({ ...m, [`${x[1]}/${x[2]}`]: Number(x[3]) }), {});

    const out = {
      communes: communes.length, people: Number(a.people), workers: W, connections: CONNECTIONS, durationSeconds: DURATION, store: baseUrl, settings: SETTINGS,
      verification: { firstAfterImportSeconds: +firstSeconds.toFixed(1), withoutLoadSeconds: +calmSeconds.toFixed(1), withLoadSeconds: +loadedSeconds.toFixed(1), ratio: +(loadedSeconds / calmSeconds).toFixed(2) },
      whileVerifying: busy, idle, ...(a.alone ? { alone } : {}), shedTotal,
      apiStoreCommandsIdle: idleStore, apiCpuMsPerAnswerIdle,
      loadAverage: { before: loadBefore, after: loadavg().map((l) => +l.toFixed(2)) },
    };
    printTable(out);
    if (a.json) console.log(JSON.stringify(out));
  } finally {
    await stop();
    rmSync(apiStats, { force: true });
    rmSync(`${apiStats}.lookups`, { force: true });
    await oidc.close();
    if (!a.keep) await db.connection.dropDatabase().catch(() => {});
    await db.close();
  }
}

function printTable(o: { apiCpuMsPerAnswerIdle: number; whileVerifying: Record<string, Figures>; idle: Record<string, Figures>; alone?: Record<string, Figures>; apiStoreCommandsIdle: { perAnswered: number; byCollection: Record<string, number> }; verification: Record<string, number>; communes: number; workers: number; connections: number; durationSeconds: number; loadAverage: { before: number[]; after: number[] } }) {
  const print = a.json ? console.error : console.log;
  print(`\nbench:load  ${o.communes} communes, ${o.workers} workers, ${o.connections} connections per endpoint, ${o.durationSeconds} s per phase`);
  print('| endpoint | phase | 2xx req/s | p50 ms | p99 ms | max ms | non-2xx (not 503) | 503 shed | errors |');
  print('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [phase, figs] of [['verifying', o.whileVerifying], ['idle', o.idle], ['idle, alone', o.alone ?? {}]] as const) {
    for (const [name, f] of Object.entries(figs)) print(`| \`${name}\` | ${phase} | ${f.rps} | ${f.p50} | ${f.p99} | ${f.max} | ${f.non2xx} | ${f.shed503} | ${f.errors} |`);
  }
  print(`API store commands per answered request, idle: ${o.apiStoreCommandsIdle.perAnswered} (${Object.entries(o.apiStoreCommandsIdle.byCollection).map(([k, v]) => `${k} ${v}`).join(', ')})`);
  print(`API CPU per answer (2xx, 503 and other), idle: ${o.apiCpuMsPerAnswerIdle} ms`);
  print(`verification: ${o.verification.withoutLoadSeconds} s without load, ${o.verification.withLoadSeconds} s with load (× ${o.verification.ratio}); the first after the import ${o.verification.firstAfterImportSeconds} s`);
  print(`load average before → after: ${JSON.stringify(o.loadAverage.before)} → ${JSON.stringify(o.loadAverage.after)}`);
}

main().catch((err) => { console.error(err); process.exit(1); });
