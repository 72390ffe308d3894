/**
 * `npm run demo`: vaxverify on one machine with one command (after `npm ci`). Starts what is
 * missing (Redis and the development store through scripts/services.sh, the local OpenID
 * provider, the population register's stand-in: workers run in REGISTRY_MODE=authority against it),
 * imports the administrative units, generates a realistic district (default Ba Vì,
 * district 271, ~100k dose records with every entry-error kind), imports it, starts the API and
 * two workers, enqueues the district's verification rounds, waits until the dashboard is
 * filled and prints its URL with the sign-in names for each role. Ctrl-C stops everything it
 * started (and only that). A second run reuses what exists: the generated files, the imported
 * data (imports are idempotent and skipped when the counts match), a running API, the rounds.
 *   npm run demo [-- --district 271] [--people 43000] [--seed 7] [--port 3000]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import mongoose from 'mongoose';
import { loadAdminUnits } from '../src/imports/admin-units.loader.js';
import { PROJECT_ROOT } from '../src/lib/paths.js';
import { demoContactsCsv, demoFacilitiesCsv } from './demo-contacts.js';
import { DASHBOARD_CLIENT_SECRET, SEEDED_SERVICES, SEEDED_USERS, startOidcProvider, type OidcProvider } from '../stand-ins/oidc/provider.js';
import { DEFAULT_REGISTRY_CLIENT, startRegistryStandIn, type RegistryStandIn } from '../stand-ins/registry/server.js';

const args = process.argv.slice(2);
const opt = (name: string, def: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1]! : def);
const DISTRICT = opt('district', '271');
/** ~2.3 dose records per person at the campaign's rates: 43,000 people give ~100k records for Ba Vì. */
const PEOPLE = Number(opt('people', '43000'));
const SEED = opt('seed', '7');
const PORT = Number(opt('port', process.env.PORT ?? '3000'));
const OIDC_PORT = Number(process.env.OIDC_PORT ?? 4000);
const MONGO_URL = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/vaxverify_demo';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const QUEUE_PREFIX = process.env.QUEUE_PREFIX ?? 'vvdemo';
const DATA_DIR = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'vaxverify', `demo-${DISTRICT}-${PEOPLE}-${SEED}`);
const API = `http://127.0.0.1:${PORT}`;
const ISSUER = `http://127.0.0.1:${OIDC_PORT}`;

const started = Date.now();
const children: ChildProcess[] = [];
let oidc: OidcProvider | null = null;
/** The population register's stand-in: the demo runs in REGISTRY_MODE=authority against it (issue 26). */
let registry: RegistryStandIn | null = null;
const REGISTRY_PORT = Number(process.env.REGISTRY_PORT ?? 4100);
const startedServices = { redis: false, store: false };
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const step = (s: string) => console.log(`\n▶ ${s}  (${elapsed()})`);

async function answers(url: string, ms = 1500): Promise<boolean> {
  try { return (await fetch(url, { signal: AbortSignal.timeout(ms) })).ok; } catch { return false; }
}
const ping = (kind: 'redis' | 'mongo', url: string) => run('node', ['scripts/ping.mjs', kind, url, '1500'], { quiet: true }).then(() => true, () => false);

/** Run a command to completion, output to this terminal (its own progress bars show). */
function run(cmd: string, argv: string[], o: { env?: NodeJS.ProcessEnv; quiet?: boolean } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, argv, { cwd: PROJECT_ROOT, env: { ...process.env, ...o.env }, stdio: o.quiet ? 'ignore' : 'inherit' });
    c.on('error', reject);
    c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${argv.join(' ')} exited with ${code}`))));
  });
}

/** Start a long-running child (API, worker); its log lines go to this terminal prefixed. */
function background(name: string, cmd: string, argv: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const c = spawn(cmd, argv, { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  const out = (b: Buffer) => { for (const line of b.toString().split('\n')) if (/"level":(50|60)|Error/.test(line)) console.error(`[${name}] ${line.slice(0, 300)}`); };
  c.stdout!.on('data', out);
  c.stderr!.on('data', out);
  c.on('exit', (code, sig) => { if (!stoppingSince) console.error(`[${name}] exited (${code ?? sig})`); });
  children.push(c);
  return c;
}

/** When the demo began to stop (0: running). */
let stoppingSince = 0;
// One Ctrl-C reaches the demo more than once: the terminal signals the whole process group, and
// npm and tsx relay it to their child as well. Repeats within this time are that same press.
const SAME_PRESS_MS = 3_000;
async function stopAll(code = 0): Promise<void> {
  if (stoppingSince) {
    if (Date.now() - stoppingSince < SAME_PRESS_MS) return;
    console.log('stopping anyway: what is still running stays running (npm run services -- --stop stops the store)');
    process.exit(1);
  }
  stoppingSince = Date.now();
  console.log('\nstopping what the demo started…');
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => { c.once('exit', r); setTimeout(() => { c.kill('SIGKILL'); r(null); }, 35_000); }))));
  await oidc?.close().catch(() => {});
  await registry?.close().catch(() => {});
  if (startedServices.store) await run('bash', ['scripts/services.sh', '--stop'], { quiet: true }).catch(() => {});
  if (startedServices.redis) await run('redis-cli', ['-u', REDIS_URL, 'shutdown', 'nosave'], { quiet: true }).catch(() => {});
  await mongoose.disconnect().catch(() => {});
  console.log('stopped.');
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

function bar(label: string, total: number) {
  const b = new SingleBar({ format: ` ${label.padEnd(22)} {bar} {percentage}% | {value}/{total} {unit} | {eta_formatted}`, hideCursor: true, etaBuffer: 30, noTTYOutput: true, notTTYSchedule: 10_000 }, Presets.shades_classic);
  b.start(Math.max(1, total), 0, { unit: '' });
  return b;
}

async function token(): Promise<string> {
  const [id, s] = Object.entries(SEEDED_SERVICES).find(([, v]) => v.localities.includes(DISTRICT)) ?? ['bavi-script', SEEDED_SERVICES['bavi-script']!];
  const res = await fetch(`${ISSUER}/token`, {
    method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${id}:${s.secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource: 'urn:vaxverify:api' }),
  });
  if (!res.ok) throw new Error(`token for ${id}: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function main() {
  console.log(`vaxverify demo: district ${DISTRICT}, ${PEOPLE.toLocaleString('en')} people (seed ${SEED}); Ctrl-C stops what it starts.`);

  step('Redis and the Mongo-wire store (scripts/services.sh)');
  const hadRedis = await ping('redis', REDIS_URL);
  const hadMongo = await ping('mongo', MONGO_URL);
  if (!hadRedis || !hadMongo) await run('bash', ['scripts/services.sh'], { env: { REDIS_URL: process.env.REDIS_URL, MONGO_URL: process.env.MONGO_URL } });
  startedServices.redis = !hadRedis && !process.env.REDIS_URL;
  startedServices.store = !hadMongo && !process.env.MONGO_URL;
  console.log(`  Redis ${hadRedis ? 'was running' : 'started'}, store ${hadMongo ? 'was running' : 'started'}`);

  step('local OpenID Connect provider');
  if (await answers(`${ISSUER}/.well-known/openid-configuration`)) console.log(`  reusing the provider at ${ISSUER}`);
  else { oidc = await startOidcProvider({ port: OIDC_PORT, host: '127.0.0.1' }); console.log(`  started at ${oidc.issuer}`); }

  await mongoose.connect(MONGO_URL, { maxPoolSize: 4 });
  const db = mongoose.connection.db!;
  const cli = (argv: string[]) => run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...argv], { env: { MONGO_URL } });

  step('administrative units');
  const { units } = await loadAdminUnits();
  const communes = [...units.values()].filter((u) => u.level === 'commune' && u.districtCode === DISTRICT).map((u) => u.code);
  if (communes.length === 0) throw new Error(`district ${DISTRICT} has no communes in the April 2022 list`);
  if ((await db.collection('localities').estimatedDocumentCount()) >= units.size) console.log(`  ${units.size} units already imported`);
  else await cli(['localities', 'import']);

  step(`synthetic district: ${communes.length} communes of ${units.get(DISTRICT)?.name ?? DISTRICT}`);
  if (existsSync(join(DATA_DIR, 'summary.json'))) console.log(`  reusing ${DATA_DIR}`);
  else await cli(['generate', '--people', String(PEOPLE), '--communes', communes.join(','), '--seed', SEED, '--out', DATA_DIR]);
  const summary = JSON.parse(await readFile(join(DATA_DIR, 'summary.json'), 'utf8')) as { people: number; dosesEntered: number; errorKinds: Record<string, number> };
  console.log(`  ${summary.people} people, ${summary.dosesEntered} dose records, entry-error kinds: ${Object.keys(summary.errorKinds).length}`);

  step('the people who answer for the province, the district and its communes');
  const unitOf = (code: string) => ({ code, name: units.get(code)?.name ?? code, level: units.get(code)?.level ?? '' });
  const contactsFile = join(DATA_DIR, 'contacts.csv');
  await writeFile(contactsFile, demoContactsCsv(unitOf(units.get(DISTRICT)!.provinceCode), unitOf(DISTRICT), communes.map(unitOf)));
  await cli(['contacts', 'import', contactsFile]);
  // The facility register: the sites the dose records name, with their heads (contacts of their commune).
  const facilitiesFile = join(DATA_DIR, 'facilities.csv');
  await writeFile(facilitiesFile, demoFacilitiesCsv(communes.map(unitOf)));
  await cli(['facilities', 'import', facilitiesFile]);

  step('imports (idempotent; skipped when the counts already match)');
  const inDistrict = { communeCode: { $in: communes } };
  if ((await db.collection('citizens').countDocuments(inDistrict)) >= summary.people) console.log('  citizens already imported');
  else await cli(['import', 'citizens', join(DATA_DIR, 'population.ndjson')]);
  if ((await db.collection('doseRecords').countDocuments(inDistrict)) >= summary.dosesEntered) console.log('  dose records already imported');
  else await cli(['import', 'doses', join(DATA_DIR, 'doses.ndjson')]);

  step('population register (local stand-in of its authentication service)');
  registry = await startRegistryStandIn({ port: REGISTRY_PORT, populationFile: join(DATA_DIR, 'population.ndjson'), quota: 1500, latencyMs: [50, 400], errorRate: 0.01 });
  console.log(`  ${registry.population} citizens at ${registry.url}: quota 1,500 subjects/s, 50–400 ms, 1 % errors`);

  step('API and two workers');
  const env = {
    REGISTRY_MODE: 'authority', REGISTRY_URL: registry.url, REGISTRY_CLIENT_ID: DEFAULT_REGISTRY_CLIENT.id, REGISTRY_CLIENT_SECRET: DEFAULT_REGISTRY_CLIENT.secret,
    REGISTRY_QUOTA: '1500',
    MONGO_URL, REDIS_URL, QUEUE_PREFIX, PORT: String(PORT), HOST: '127.0.0.1', OIDC_ISSUER: ISSUER, OIDC_ALLOW_HTTP: 'true',
    OIDC_CLIENT_SECRET: DASHBOARD_CLIENT_SECRET, COOKIE_SECURE: 'false', PUBLIC_URL: API, LOG_LEVEL: 'warn',
    // The demo's dashboard refreshes its figures every 5 s (production: 60 s).
    DASHBOARD_ROLLUP_MS: '5000', WORKER_CONCURRENCY: '2',
  };
  if (await answers(`${API}/healthz`)) console.log(`  reusing the API at ${API} (and the workers started with it)`);
  else {
    background('api', process.execPath, ['--import', 'tsx', 'src/http/main.ts'], env);
    for (let i = 1; i <= 2; i++) background(`worker-${i}`, process.execPath, ['--import', 'tsx', 'workers/main.ts'], env);
    const t0 = Date.now();
    while (!(await answers(`${API}/healthz`))) {
      if (Date.now() - t0 > 60_000) throw new Error(`the API did not answer on ${API} within 60 s`);
      await new Promise((r) => setTimeout(r, 500));
    }
    console.log(`  API on ${API}, 2 workers`);
  }

  step(`verification rounds for district ${DISTRICT}`);
  const auth = { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' };
  const made = await fetch(`${API}/api/rounds`, { method: 'POST', headers: auth, body: JSON.stringify({ localities: [DISTRICT] }) });
  if (!made.ok) throw new Error(`POST /api/rounds: HTTP ${made.status} ${await made.text()}`);
  console.log(`  ${made.status === 201 ? 'enqueued' : 'already enqueued'}: ${communes.length} rounds`);

  const b = bar('verifying records', summary.dosesEntered);
  for (;;) {
    const res = await fetch(`${API}/api/rounds?locality=${DISTRICT}&kind=verification&limit=1000`, { headers: auth });
    const { items } = (await res.json()) as { items: { status: string; processedRecords?: number; totalRecords?: number }[] };
    const processed = items.reduce((n, r) => n + (r.processedRecords ?? 0), 0);
    const total = items.reduce((n, r) => n + (r.totalRecords ?? 0), 0) || summary.dosesEntered;
    b.setTotal(total);
    b.update(processed, { unit: 'records' });
    if (items.length >= communes.length && items.every((r) => !['scheduled', 'verifying'].includes(r.status))) break;
    await new Promise((r) => setTimeout(r, 2_000));
  }
  b.stop();

  const d = bar('dashboard rollup', summary.dosesEntered);
  for (;;) {
    const res = await fetch(`${API}/api/dashboard/progress/${DISTRICT}`, { headers: auth });
    const body = res.ok ? ((await res.json()) as { unit?: { records: { processed: number; total: number } } }) : null;
    const r = body?.unit?.records;
    if (r) { d.setTotal(r.total || 1); d.update(r.processed, { unit: 'records' }); }
    if (r && r.total > 0 && r.processed >= r.total) break;
    await new Promise((res2) => setTimeout(res2, 1_000));
  }
  d.stop();

  const roles: [string, string][] = [
    ['ministry (reads everything)', 'ministry'], ['campaign admin', 'admin'], ['province coordinator (Hà Nội)', 'hanoi'],
    ['district coordinator (Ba Vì)', 'bavi'], ['commune health station (Tây Đằng)', 'health-09619'], ['commune police (Tây Đằng)', 'police-09619'],
    ['operator (Bull Board)', 'operator'], ['passport checker', 'checker'],
  ];
  console.log(`\n✔ dashboard filled in ${elapsed()}: ${API}/dashboard/l/${DISTRICT}
  Sign in (password = login name):
${roles.filter(([, l]) => SEEDED_USERS[l]).map(([who, login]) => `    ${login.padEnd(14)} ${who}`).join('\n')}
  Bull Board: ${API}/admin/queues    Population register (stand-in): ${registry.url}/_stats    Ctrl-C stops the demo.`);
  await new Promise(() => {});
}

main().catch(async (err) => { console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`); await stopAll(1); });
