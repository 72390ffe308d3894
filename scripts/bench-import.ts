/**
 * `npm run bench:import [-- --rows N --seed S --without-index NAME]`: rows/s of `import doses`
 * against the Mongo-wire server at MONGO_URL, the ratio to a raw insertMany of the same documents
 * into the same server in the same run, peak RSS of the import, and per pass the store commands
 * sent (by command and collection, with documents read) and the importer's CPU-seconds: counts
 * that a shared machine does not blur. `--without-index` drops one index of doseRecords before
 * the import (to measure what that index costs apart). Uses its own database and drops it afterwards.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseEnv } from '../src/config/index.js';
import { connectDb } from '../src/db/connect.js';
import { parseDoseRow } from '../src/domain/import/index.js';
import { communesOf } from '../src/domain/admin-units/index.js';
import { createSynth, parseNameList } from '../src/domain/synth/index.js';
import { loadAdminUnits } from '../src/imports/admin-units.loader.js';
import { runImport } from '../src/imports/run-import.js';
import { createRecordWriter, readRecords } from '../src/lib/io/index.js';

const { values: args } = parseArgs({
  options: { rows: { type: 'string', default: '100000' }, seed: { type: 'string', default: 'bench' }, province: { type: 'string', default: '01' }, 'without-index': { type: 'string' } },
});
const rows = Number(args.rows);
const mb = (n: number) => Math.round(n / 1024 / 1024);

/** Peak RSS sampled every 200 ms (a GC cycle is shorter than that; good enough for a trend). */
function rssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
  return { stop: () => (clearInterval(timer), Math.max(peak, process.memoryUsage().rss)) };
}

async function writeDoseFile(path: string): Promise<number> {
  const { units } = await loadAdminUnits();
  const names = {
    male: parseNameList(await readFile(new URL('../data/vn-given-names-male.txt', import.meta.url), 'utf8')),
    female: parseNameList(await readFile(new URL('../data/vn-given-names-female.txt', import.meta.url), 'utf8')),
  };
  // ~2.3 entered doses per person: ask for enough people, stop at `rows`.
  const synth = createSynth({ people: Math.ceil(rows / 2) + 10, seed: args.seed, communes: communesOf(units, { province: args.province }), names });
  const out = createRecordWriter(path, 'csv');
  let n = 0;
  for (const batch of synth.batches()) {
    for (const d of batch.doses) {
      if (n === rows) break;
      await out.write(d);
      n++;
    }
    if (n === rows) break;
  }
  await out.close();
  return n;
}

async function main() {
  const config = parseEnv();
  const dir = await mkdtemp(join(tmpdir(), 'vv-bench-import-'));
  const file = join(dir, 'doses.csv');
  const written = await writeDoseFile(file);
  const dbName = `vv_bench_import_${Date.now()}`;
  const url = config.MONGO_URL.replace(/\/[^/?]*(\?|$)/, `/${dbName}$1`);
  const statsFile = join(dir, 'store-stats.json');
  const db = await connectDb(url, { statsFile });
  if (args['without-index']) await db.models.DoseRecord.collection.dropIndex(args['without-index']);
  // The driver's command monitoring (on with statsFile): `<command> <collection>` counts and documents read.
  const counts = { byCollection: {} as Record<string, number>, documentsRead: 0 };
  const client = db.connection.getClient();
  client.on('commandStarted', (e) => {
    const target = (e.command as Record<string, unknown>)[e.commandName];
    const key = typeof target === 'string' ? `${e.commandName} ${target}` : e.commandName;
    counts.byCollection[key] = (counts.byCollection[key] ?? 0) + 1;
  });
  client.on('commandSucceeded', (e) => {
    const cursor = (e.reply as { cursor?: { firstBatch?: unknown[]; nextBatch?: unknown[] } } | undefined)?.cursor;
    if (cursor) counts.documentsRead += (cursor.firstBatch ?? cursor.nextBatch ?? []).length;
  });
  /**
   * CPU ticks of the store's processes on this machine (FerretDB and its PostgreSQL, by process
   * name from /proc; none elsewhere), per pid: a pass counts the processes alive at its start and
   * end (backends of other clients come and go). The whole server's: other clients of a shared
   * store count too, so compare interleaved runs.
   */
  const storeTicks = async () => {
    const out = new Map<string, number>();
    for (const pid of (await readdir('/proc').catch(() => [])).filter((d) => /^\d+$/.test(d))) {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
      const m = /^\d+ \((ferretdb[^)]*|postgres)\) (.*)$/.exec(stat.trim());
      if (m) { const f = m[2]!.split(' '); out.set(pid, Number(f[11]) + Number(f[12])); }
    }
    return out;
  };
  const storeCpuSince = async (before: Map<string, number>) => {
    let ticks = 0;
    for (const [pid, t] of await storeTicks()) if (before.has(pid)) ticks += t - before.get(pid)!;
    return ticks / 100; // USER_HZ
  };
  /** Commands sent, documents read and this process's and the store's CPU-seconds during `f`. */
  const measured = async <T>(f: () => Promise<T>) => {
    const before = structuredClone(counts);
    const cpu = process.cpuUsage();
    const store0 = await storeTicks();
    const value = await f();
    const used = process.cpuUsage(cpu);
    const storeSec = await storeCpuSince(store0);
    const commands = Object.fromEntries(Object.entries(counts.byCollection).map(([k, n]) => [k, n - (before.byCollection[k] ?? 0)] as const).filter(([, n]) => n > 0));
    return { value, commands, documentsRead: counts.documentsRead - before.documentsRead, cpuSec: (used.user + used.system) / 1e6, storeSec };
  };
  const costs: Record<string, unknown> = {};
  try {
    // 1. The importer, as `vaxverify import doses` runs it.
    const trend: string[] = [];
    const rss = rssSampler();
    const t0 = performance.now();
    let nextMark = 0.1;
    const first = await measured(() => runImport({
      kind: 'doses', source: file, store: db.store, rejectsPath: join(dir, 'rejects.csv'),
      onProgress: (p) => {
        if (p.rows >= written * nextMark) {
          trend.push(`${Math.round(nextMark * 100)}%: ${mb(process.memoryUsage().rss)} MB`);
          nextMark += 0.1;
        }
      },
    }));
    const summary = first.value;
    costs['import doses'] = { commands: first.commands, documentsRead: first.documentsRead, 'node CPU-s': +first.cpuSec.toFixed(2), 'store CPU-s': +first.storeSec.toFixed(2) };
    const importSec = (performance.now() - t0) / 1000;
    const importPeak = rss.stop();

    // 1b. The same file again: every row exists and is unchanged (issue 29: the re-import once
    //     filtered on an unindexed recordId and took 56× the first import).
    const t1 = performance.now();
    const second = await measured(() => runImport({ kind: 'doses', source: file, store: db.store, rejectsPath: join(dir, 'rejects-again.csv') }));
    const again = second.value;
    costs['re-import (same file)'] = { commands: second.commands, documentsRead: second.documentsRead, 'node CPU-s': +second.cpuSec.toFixed(2), 'store CPU-s': +second.storeSec.toFixed(2) };
    const againSec = (performance.now() - t1) / 1000;

    // 2. Raw insertMany of the same documents: read and validated in between, only the
    //    insertMany calls are timed, so memory stays bounded at any --rows.
    const raw = db.connection.collection('doseRecordsRaw');
    await raw.createIndex({ recordId: 1 }, { unique: true });
    const now = new Date();
    let rawMs = 0;
    let rawRows = 0;
    let docs: Record<string, unknown>[] = [];
    const insert = async () => {
      const t = performance.now();
      await raw.insertMany(docs, { ordered: false });
      rawMs += performance.now() - t;
      rawRows += docs.length;
      docs = [];
    };
    const rawStore0 = await storeTicks();
    for await (const r of readRecords(file)) {
      const parsed = r.record ? parseDoseRow(r.record) : undefined;
      // The same stored documents as the importer writes, timestamps included.
      if (parsed?.ok) docs.push({ ...parsed.value, createdAt: now, updatedAt: now });
      if (docs.length === 1000) await insert();
    }
    if (docs.length) await insert();
    const rawSec = rawMs / 1000;
    costs['raw insertMany'] = { 'store CPU-s': +(await storeCpuSince(rawStore0)).toFixed(2) };

    const importRate = summary.rows / importSec;
    const rawRate = rawRows / rawSec;
    console.log(`\nbench:import against ${url.replace(/\/\/[^@]*@/, '//***@')} (${written} dose rows, CSV ${mb(summary.totalBytes ?? 0)} MB)\n`);
    console.table({
      'import doses': { rows: summary.rows, seconds: +importSec.toFixed(1), 'rows/s': Math.round(importRate), 'peak RSS MB': mb(importPeak) },
      're-import (same file)': { rows: again.rows, seconds: +againSec.toFixed(1), 'rows/s': Math.round(again.rows / againSec), 'peak RSS MB': '-' },
      'raw insertMany': { rows: rawRows, seconds: +rawSec.toFixed(1), 'rows/s': Math.round(rawRate), 'peak RSS MB': '-' },
    });
    console.log(`import / raw insertMany = ${(importRate / rawRate).toFixed(2)}; inserted ${summary.inserted}, rejected ${summary.rejected}`);
    console.log(`re-import / first import (time) = ${(againSec / importSec).toFixed(2)}; unchanged ${again.unchanged}, updated ${again.updated}, inserted ${again.inserted}, held ${again.held}`);
    console.log(`import RSS trend: ${trend.join(', ')}`);
    console.log(`doseRecords indexes: ${(await db.models.DoseRecord.collection.indexes()).map((i) => i.name).join(', ')}`);
    console.log(`store commands per pass: ${JSON.stringify(costs)}`);
  } finally {
    await db.connection.dropDatabase().catch(() => {});
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
