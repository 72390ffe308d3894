/**
 * The dashboard with a whole campaign in the database: 10,599 communes' rounds (real units of
 * April 2022, synthetic settled figures). Measures the rollup job (first run, steady-state run,
 * an incremental run after 10 rounds changed), each API view and /api/campaign/overview (now
 * read from the rollup), a commune's worklist page and its 10,000-row worksheet (CSV, XLSX), and, in Chromium
 * (/usr/bin/chromium), time to first paint and to each drill-down click.
 *   npm run bench:dashboard [-- --no-browser] [--runs 5] [--worklist 10000 (0: skip the officer's pages)]
 * Uses its own database and removes it afterwards. Prints tables; figures depend on the load
 * other processes put on the machine, so compare the ratios measured in the same run.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { parseEnv } from '../src/config/index.js';
import { connectDb } from '../src/db/connect.js';
import { createApp } from '../src/http/app.js';
import { createLogger } from '../src/lib/logger.js';
import { DEFAULT_POLICY } from '../src/domain/rounds/policy.js';
import { newRollupState, runRollup } from '../src/dashboard/dashboard.service.js';
import { makeCitizens, makeDoses } from '../test/helpers/seed.js';
import { createRedis } from '../queues/connection.js';
import { allQueues, closeQueues } from '../queues/registry.js';
import { seedCampaignRounds, seedContacts, seedRealLocalities } from '../test/helpers/dashboard-seed.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/helpers/browser.js';
import { startOidcProvider } from '../stand-ins/oidc/provider.js';
import { authEnv } from '../test/helpers/app-with-auth.js';
import { signIn } from '../test/helpers/browser-sign-in.js';
import type { HashCache } from '../src/db/repositories/dashboard.repository.js';
import { recordResults } from '../src/db/repositories/record-state.repository.js';
import ExcelJS from 'exceljs';
import { insertDoses } from '../test/helpers/fixtures.js';

const args = process.argv.slice(2);
const browser = !args.includes('--no-browser');
const runs = Number(args[args.indexOf('--runs') + 1]) || 5;
// The local OIDC provider: API calls carry a ministry user's token, the browser signs in on its page.
const oidc = await startOidcProvider();
const config = parseEnv({ ...process.env, ...authEnv(oidc), LOG_LEVEL: 'silent' });
const url = new URL(config.MONGO_URL);
url.pathname = `/vv_bench_dash_${randomUUID().slice(0, 8)}`;
const db = await connectDb(url.toString(), { poolSize: 4 });
const redis = createRedis(config.REDIS_URL);
const prefix = `bench-${randomUUID().slice(0, 8)}`;
const queues = allQueues(redis, prefix);
const app = createApp({ config: { ...config, QUEUE_PREFIX: prefix }, db, queues, redis, log: createLogger({ level: 'silent' }) });
const server = app.listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const token = await oidc.tokenFor('ministry');

const ms = (t0: number) => Math.round(performance.now() - t0);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function timeGet(path: string): Promise<{ ms: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const res = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } });
    bytes = (await res.arrayBuffer()).byteLength;
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    times.push(performance.now() - t0);
  }
  return { ms: Math.round(median(times)), bytes };
}

try {
  const now = new Date();
  let t0 = performance.now();
  const { provinces } = await seedRealLocalities(db.store);
  const seeded = await seedCampaignRounds(db.store, { now });
  await seedContacts(db.store, provinces);
  console.log(`seeded ${seeded.rounds} rounds and ${seeded.escalations} open escalations in ${ms(t0)} ms\n`);

  t0 = performance.now();
  const first = await runRollup(db.store, DEFAULT_POLICY, now);
  const firstMs = ms(t0);
  t0 = performance.now();
  const steady = await runRollup(db.store, DEFAULT_POLICY, now);
  const steadyMs = ms(t0);
  // As the worker runs it: the process keeps the hashes it wrote (no read-back of 11k documents).
  const cache: HashCache = { computedAt: null, hashes: new Map() };
  await runRollup(db.store, DEFAULT_POLICY, now, cache);
  t0 = performance.now();
  const cached = await runRollup(db.store, DEFAULT_POLICY, now, cache);
  const cachedMs = ms(t0);
  // As the worker runs it now: the process keeps the rounds and reads only those changed since its cursor.
  const state = newRollupState();
  // Steady state: the seeded rounds last changed over the past three hours, a second apart (an incremental
  // run re-reads the rounds within its cursor overlap, a few seconds).
  const ids = (await db.models.Round.find({}, { _id: 1 }).sort({ _id: 1 }).lean()).map((r) => r._id);
  for (let i = 0; i < ids.length; i += 1_000) {
    await db.models.Round.collection.bulkWrite(ids.slice(i, i + 1_000).map((id, j) => ({
      updateOne: { filter: { _id: id }, update: { $set: { updatedAt: new Date(Date.now() - 3 * 3_600_000 + (i + j) * 1_000) } } },
    })) as never[], { ordered: false });
  }
  t0 = performance.now();
  const full = await runRollup(db.store, DEFAULT_POLICY, new Date(), undefined, state);
  const fullMs = ms(t0);
  // Ten communes' rounds move on (through the model: updatedAt stamped as every writer does).
  const ten = await db.models.Round.find({ kind: 'verification', status: { $ne: 'completed' } }, { _id: 1, totalRecords: 1 }).sort({ _id: 1 }).limit(10).lean();
  for (const r of ten) await db.models.Round.updateOne({ _id: r._id }, { $set: { status: 'completed', processedRecords: r.totalRecords, 'counters.verified': r.totalRecords, finishedAt: new Date() } });
  t0 = performance.now();
  const inc = await runRollup(db.store, DEFAULT_POLICY, new Date(), undefined, state);
  const incMs = ms(t0);
  t0 = performance.now();
  const quiet = await runRollup(db.store, DEFAULT_POLICY, new Date(), undefined, state);
  const quietMs = ms(t0);
  console.log('| rollup run | mode | rounds held | rounds read | rounds changed | documents | written | read ms | build ms | write ms | total ms |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [label, r, total] of [
    ['first', first, firstMs], ['steady, hashes read back', steady, steadyMs], ['steady, worker\'s hash cache', cached, cachedMs],
    ['worker state: first (full read)', full, fullMs], ['worker state: after 10 rounds changed', inc, incMs], ['worker state: nothing changed', quiet, quietMs],
  ] as const) {
    const x = r as typeof r & { mode?: string; roundsRead?: number; roundsChanged?: number };
    console.log(`| ${label} | ${x.mode ?? 'full'} | ${r.rounds} | ${x.roundsRead ?? r.rounds} | ${x.roundsChanged ?? r.rounds} | ${r.units} | ${r.written} | ${r.readMs} | ${r.buildMs} | ${r.writeMs} | ${total} |`);
  }
  console.log('');

  // A commune with 10,000 records needing action (09619's seeded round gets them): the officer's pages.
  const COMMUNE = '09619';
  const WORK = args.includes('--worklist') ? Number(args[args.indexOf('--worklist') + 1]) : 10_000;
  if (WORK > 0) {
    const round = `verification-${COMMUNE}-1`;
    const doses = makeDoses(makeCitizens(COMMUNE, WORK), `B${COMMUNE}`);
    t0 = performance.now();
    await insertDoses(db.store, doses);
    const at = new Date();
    const OUT = ['review', 'not_found', 'corrected', 'invalid'] as const;
    const REASON = { review: 'not enough evidence to link safely', not_found: 'no citizen with this ID number or name and birth year', corrected: 'corrected dateOfBirth', invalid: 'no name' };
    for (let i = 0; i < doses.length; i += 1_000) {
      const results = doses.slice(i, i + 1_000).map((d, j) => {
        const outcome = OUT[(i + j) % OUT.length]!;
        return { recordId: d.recordId, outcome, score: 0.5, reason: REASON[outcome], ...(outcome === 'corrected' ? { corrections: { dateOfBirth: d.dateOfBirth } } : {}) };
      });
      await db.models.VerificationResult.collection.insertMany(results.map((r) => ({ _id: `${round}/${r.recordId}`, roundId: round, ...r, createdAt: at, updatedAt: at })) as never[], { ordered: false });
      // The records' current state, through its one writer, as the verification worker writes it.
      await recordResults(db.store, { roundId: round, communeCode: COMMUNE, plannedAt: at }, results, at, []);
    }
    console.log(`seeded ${WORK} worklist records for ${COMMUNE} in ${ms(t0)} ms\n`);
    const health = await oidc.tokenFor('health-09619');
    const timed = async (path: string, n: number) => {
      const times: number[] = []; let bytes = 0; let rows = 0;
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        const res = await fetch(base + path, { headers: { authorization: `Bearer ${health}` } });
        const buf = Buffer.from(await res.arrayBuffer());
        if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
        times.push(performance.now() - t); bytes = buf.length;
        // CSV: header and instructions rows are not records.
        rows = path.includes('.csv') ? buf.toString('utf8').split('\r\n').filter(Boolean).length - 2
          : path.includes('.xlsx') ? await xlsxRecordRows(buf) : (JSON.parse(buf.toString('utf8')).items?.length ?? 0);
      }
      return { ms: Math.round(median(times)), bytes, rows };
    };
    // The worksheet's data rows: the first sheet's rows with a record ID below its header row.
    const xlsxRecordRows = async (buf: Buffer) => {
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(buf as never);
      let n = 0;
      book.worksheets[0]!.eachRow((row) => { if ((row.values as unknown[]).some((v) => typeof v === 'string' && v.startsWith(`B${COMMUNE}-`))) n++; });
      return n;
    };
    const firstPage = await timed(`/api/localities/${COMMUNE}/worklist?limit=100`, runs);
    const midPage = await timed(`/api/localities/${COMMUNE}/worklist?limit=100&after=${doses[Math.floor(WORK / 2)]!.recordId}`, runs);
    const csvSheet = await timed(`/api/localities/${COMMUNE}/worklist.csv`, 1);
    const xlsxSheet = await timed(`/api/localities/${COMMUNE}/worklist.xlsx`, 1);
    console.log(`| officer's page (commune with ${WORK} to do) | rows | ms | KB |\n| --- | --- | --- | --- |`);
    for (const [label, r] of [[`worklist first page (median of ${runs})`, firstPage], [`worklist middle page (median of ${runs})`, midPage], ['worksheet CSV, whole commune', csvSheet], ['worksheet XLSX, whole commune', xlsxSheet]] as const) {
      console.log(`| ${label} | ${r.rows} | ${r.ms} | ${(r.bytes / 1024).toFixed(0)} |`);
    }
    console.log('');
  }

  const views = [
    ['nation (63 provinces)', '/api/dashboard/progress/VN'],
    ['province 01 (30 districts)', '/api/dashboard/progress/01'],
    ['district 271 (31 communes)', '/api/dashboard/progress/271'],
    ['commune 09619', '/api/dashboard/progress/09619'],
    ['nation, only overdue', '/api/dashboard/progress/VN?only=overdue'],
  ] as const;
  const old = await timeGet('/api/campaign/overview');
  console.log(`| API view (median of ${runs}) | ms | KB | overview ms ÷ this |\n| --- | --- | --- | --- |`);
  for (const [label, path] of views) {
    const r = await timeGet(path);
    console.log(`| ${label} | ${r.ms} | ${(r.bytes / 1024).toFixed(1)} | ${(old.ms / Math.max(1, r.ms)).toFixed(1)} |`);
  }
  console.log(`| /api/campaign/overview (now read from the rollup) | ${old.ms} | ${(old.bytes / 1024).toFixed(1)} | 1.0 |\n`);

  if (browser) {
    const b = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    try {
      console.log(`| browser (Chromium, median of ${runs}) | ms |\n| --- | --- |`);
      const rows = new Map<string, number[]>();
      const add = (k: string, v: number) => rows.set(k, [...(rows.get(k) ?? []), v]);
      for (let i = 0; i < runs; i++) {
        const page = await b.newPage({ viewport: { width: 1366, height: 900 } });
        await signIn(page, base, 'ministry', '/healthz');
        t0 = performance.now();
        await page.goto(`${base}/dashboard`);
        await page.locator('table.units tbody tr').first().waitFor();
        add('nation: navigation → table and charts drawn', ms(t0));
        const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1);
        add('nation: first contentful paint (browser clock)', Math.round(fcp));
        for (const [label, name, rowSel] of [
          ['drill-down → province 01', 'Thành phố Hà Nội', 'table.units tbody tr'],
          ['drill-down → district 271', 'Huyện Ba Vì', 'table.units tbody tr'],
          ['drill-down → commune 09619', 'Thị trấn Tây Đằng', '.cards'],
        ] as const) {
          t0 = performance.now();
          await page.getByRole('link', { name, exact: true }).first().click();
          await page.locator('h1', { hasText: name.replace(/^(Thành phố|Huyện|Thị trấn) /, '') }).waitFor();
          await page.locator(rowSel).first().waitFor();
          add(label, ms(t0));
        }
        await page.close();
      }
      for (const [k, v] of rows) console.log(`| ${k} | ${median(v)} |`);
    } finally {
      await b.close();
    }
  }
} finally {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await oidc.close();
  await closeQueues(queues);
  await db.connection.dropDatabase().catch(() => {});
  await db.close();
  redis.disconnect();
}
