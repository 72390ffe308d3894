import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdminUnits } from '../../src/imports/admin-units.loader.js';
import { SEEDED_SERVICES } from '../../stand-ins/oidc/provider.js';

/**
 * `npm run test:containers`: the production-like stack (docker-compose.yml + compose.local.yaml,
 * images from scripts/images.sh) with its workers scaled in containers. Up with 3 workers; district
 * Ba Vì generated and imported with the image's CLI; its verification rounds posted through the API
 * three times (seq 1, 2, 3: the same records each time):
 *   seq 1  3 workers, untouched (the 3-container figure);
 *   seq 2  scaled to 6 mid-round, one worker SIGKILLed (docker kill), one SIGTERMed (docker stop,
 *          must drain and exit 0 within the grace period);
 *   seq 3  6 workers again, untouched (the 6-container figure).
 * Every round completes with exactly one result per dose record; /readyz and the containers' health
 * checks tell the truth (the store paused: 503 and unhealthy; back: ready and healthy); `down -v`
 * leaves no container, network or volume of the project. Prints a table of the figures.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PROJECT = 'vaxverify-ci';
const DISTRICT = '271';
// ~23,000 dose records: enough chunks (500 each) that seq 2's kill lands mid-round on a quiet machine.
const PEOPLE = Number(process.env.CONTAINERS_PEOPLE ?? 10_000);
// Ports away from the machine's own Redis (6379), store (27017/54329), API (3000) and provider (4000).
const DEFAULT_PORTS = { REDIS_PORT: '6390', STORE_PORT: '27030', STORE_PG_PORT: '54330', API_PORT: '3300', API_INTERNAL_PORT: '9300', OIDC_PORT: '4090' };
const PORTS = Object.fromEntries(Object.entries(DEFAULT_PORTS).map(([k, v]) => [k, process.env[k] ?? v])) as typeof DEFAULT_PORTS;
const API = `http://127.0.0.1:${PORTS.API_PORT}`;
const ISSUER = `http://127.0.0.1:${PORTS.OIDC_PORT}`;
const ENV: Record<string, string> = {
  ...process.env as Record<string, string>,
  ...PORTS,
  // docker-compose.yml requires its secrets; the local Redis takes the password, the rest are unused here.
  REDIS_PASSWORD: 'containers-test-only', MONGO_ROOT_PASSWORD: 'unused', MONGO_APP_PASSWORD: 'unused', KEYCLOAK_ADMIN_PASSWORD: 'unused',
  // One chunk at a time per container, so the figures compare containers, not in-process concurrency;
  // small chunks so a round spans many jobs and a kill lands mid-round.
  WORKER_CONCURRENCY: '1', CHUNK_SIZE: '500', BATCH_SIZE: '250',
  // A SIGKILLed worker's chunk is taken over after its lock expires: 10 s instead of 30 s keeps the run short.
  WORKER_LOCK_MS: '10000', LOG_LEVEL: 'warn',
};
const COMPOSE = ['compose', '-p', PROJECT, '-f', 'docker-compose.yml', '-f', 'compose.local.yaml'];

function run(cmd: string, args: string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd: ROOT, env: ENV, timeout: timeoutMs, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stderr.slice(-2000)}`));
      else resolve(stdout);
    });
  });
}
const docker = (args: string[], timeoutMs?: number) => run('docker', args, timeoutMs);
const compose = (args: string[], timeoutMs?: number) => docker([...COMPOSE, ...args], timeoutMs);

/** Container IDs of a service, running or not. */
async function containers(service: string, all = false): Promise<string[]> {
  const out = await docker(['ps', ...(all ? ['-a'] : []), '-q', '--filter', `label=com.docker.compose.project=${PROJECT}`, '--filter', `label=com.docker.compose.service=${service}`]);
  return out.split('\n').filter(Boolean);
}
interface State { Status: string; ExitCode: number; OOMKilled: boolean; Health?: { Status: string } }
async function state(id: string): Promise<State> {
  return JSON.parse(await docker(['inspect', '--format', '{{json .State}}', id])) as State;
}
async function waitFor<T>(what: string, ms: number, fn: () => Promise<T | undefined | false>): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
const healthOf = async (id: string) => (await state(id)).Health?.Status;

async function token(): Promise<string> {
  const secret = SEEDED_SERVICES['bavi-script']!.secret;
  const res = await fetch(`${ISSUER}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`bavi-script:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource: 'urn:vaxverify:api' }),
  });
  if (!res.ok) throw new Error(`token: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

interface RoundItem { _id: string; status: string; processedRecords?: number; totalRecords?: number }
async function rounds(auth: Record<string, string>, seq: number): Promise<RoundItem[]> {
  const res = await fetch(`${API}/api/rounds?locality=${DISTRICT}&kind=verification&limit=1000`, { headers: auth });
  if (!res.ok) throw new Error(`GET /api/rounds: HTTP ${res.status}`);
  const body = (await res.json()) as { items: RoundItem[] };
  return body.items.filter((r) => r._id.endsWith(`-${seq}`));
}
const settled = (items: RoundItem[], n: number) => items.length === n && items.every((r) => !['scheduled', 'verifying'].includes(r.status));

let dataDir: string;
let communes: string[];
let auth: Record<string, string>;
let store: mongoose.Connection;
const figures: [string, string][] = [];

async function postRounds(seq: number): Promise<number> {
  const res = await fetch(`${API}/api/rounds`, { method: 'POST', headers: auth, body: JSON.stringify({ localities: [DISTRICT], kind: 'verification', seq }) });
  expect(res.status).toBe(201);
  return Date.now();
}
async function untilSettled(seq: number): Promise<RoundItem[]> {
  // A round's records at ~1,000/s on this 2-core machine, and a killed worker's lock (10 s): minutes at most.
  return waitFor(`rounds seq ${seq} to settle`, 600_000, async () => { const r = await rounds(auth, seq); return settled(r, communes.length) && r; });
}
/** Every round of `seq` completed, one result per dose record of its commune, none twice. */
async function expectOneResultPerRecord(seq: number, items: RoundItem[]) {
  expect(items.map((r) => r.status).filter((s) => s !== 'awaiting_corrections' && s !== 'completed')).toEqual([]);
  const ids = items.map((r) => r._id);
  const [results] = await store.collection('verificationResults').aggregate<{ n: number; distinct: number }>([
    { $match: { roundId: { $in: ids } } },
    { $group: { _id: { r: '$roundId', d: '$recordId' }, c: { $sum: 1 } } },
    { $group: { _id: null, n: { $sum: '$c' }, distinct: { $sum: 1 } } },
  ]).toArray();
  const records = await store.collection('doseRecords').countDocuments({ communeCode: { $in: communes } });
  expect({ seq, results: results?.n, distinct: results?.distinct }).toEqual({ seq, results: records, distinct: records });
  expect(items.reduce((n, r) => n + (r.processedRecords ?? 0), 0)).toBe(records);
  return records;
}
/** Posts round `seq`, waits until it settles, checks its results, records the time. */
async function verifyUntouched(seq: number, workers: number) {
  const t0 = await postRounds(seq);
  const items = await untilSettled(seq);
  const s = (Date.now() - t0) / 1000;
  const records = await expectOneResultPerRecord(seq, items);
  figures.push([`verification, ${workers} worker containers (seq ${seq})`, `${s.toFixed(1)} s, ${Math.round(records / s)} records/s`]);
}
// --no-deps: scaling the workers neither waits on nor touches Redis, the store or the API.
const scale = (n: number) => compose(['up', '-d', '--no-deps', '--no-recreate', '--scale', `worker=${n}`, 'worker'], 180_000);
async function untilHealthyWorkers(n: number) {
  // New containers pass their first health check after node starts and connects: seconds on a quiet
  // machine, minutes on this 2-core one under other load (load average 30 to 60 seen).
  await waitFor(`${n} healthy workers`, 300_000, async () => {
    const ids = await containers('worker');
    return ids.length === n && (await Promise.all(ids.map(healthOf))).every((h) => h === 'healthy');
  });
}

const portTaken = (port: string) => new Promise<boolean>((resolve) => {
  const sock = connect({ host: '127.0.0.1', port: Number(port) });
  sock.once('connect', () => { sock.destroy(); resolve(true); });
  sock.once('error', () => resolve(false));
});

beforeAll(async () => {
  // Nothing of an earlier, interrupted run.
  await compose(['down', '-v', '--remove-orphans', '--timeout', '5'], 120_000);
  // Host networking: a port some other process holds would make a service fail its health check.
  const taken = [];
  for (const [name, port] of Object.entries(PORTS)) if (await portTaken(port)) taken.push(`${name}=${port}`);
  if (taken.length) throw new Error(`ports in use on 127.0.0.1: ${taken.join(', ')} (set other ones in the environment)`);
  const t0 = Date.now();
  // 3 workers, every health check passed (`--wait`): Redis, the store, the provider, init done, the API.
  await compose(['up', '-d', '--wait', '--scale', 'worker=3'], 300_000);
  figures.push(['`up` to a healthy API (3 workers)', `${((Date.now() - t0) / 1000).toFixed(1)} s`]);
  store = await mongoose.createConnection(`mongodb://127.0.0.1:${PORTS.STORE_PORT}/vaxverify`, { maxPoolSize: 2 }).asPromise();

  const { units } = await loadAdminUnits();
  communes = [...units.values()].filter((u) => u.level === 'commune' && u.districtCode === DISTRICT).map((u) => u.code);
  // The image's CLI generates and imports the district (written as the image's user, uid 1000).
  dataDir = mkdtempSync(join(tmpdir(), 'vaxverify-containers-'));
  chmodSync(dataDir, 0o777);
  const cli = (args: string[]) => compose(['run', '--rm', '--no-deps', '-v', `${dataDir}:/import`, 'init', 'node', 'bin/vaxverify.js', ...args], 300_000);
  const t1 = Date.now();
  await cli(['generate', '--people', String(PEOPLE), '--communes', communes.join(','), '--seed', '7', '--out', '/import/d']);
  await cli(['import', 'citizens', '/import/d/population.ndjson']);
  await cli(['import', 'doses', '/import/d/doses.ndjson']);
  const summary = JSON.parse(readFileSync(join(dataDir, 'd', 'summary.json'), 'utf8')) as { people: number; dosesEntered: number };
  figures.push([`district ${DISTRICT}: generate + import (image's CLI)`, `${((Date.now() - t1) / 1000).toFixed(1)} s, ${summary.people} people, ${summary.dosesEntered} dose records, ${communes.length} communes`]);
  auth = { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' };
}, 900_000); // a cold store's first start and the district's import

afterAll(async () => {
  await store?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  await compose(['down', '-v', '--remove-orphans', '--timeout', '30'], 180_000);
  console.log(`\n| containers (${PROJECT}) | figure |\n| --- | --- |\n${figures.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n`);
}, 240_000); // compose down -v of the whole project (API, workers, store, Redis) with its volumes

describe('workers scaling in containers', () => {
  it('the API is ready and says so: /readyz 200 and the container healthy; 3 healthy workers', async () => {
    const res = await fetch(`http://127.0.0.1:${PORTS.API_INTERNAL_PORT}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready', checks: { redis: 'ok', mongo: 'ok' } });
    const [api] = await containers('api');
    expect(await healthOf(api!)).toBe('healthy');
    await untilHealthyWorkers(3);
  }, 400_000); // images built and the stack started from nothing, then 3 workers to report healthy

  it('verifies the district with 3 worker containers', () => verifyUntouched(1, 3), 700_000);

  it('scales to 6 mid-round, survives a SIGKILLed worker, drains a SIGTERMed one', async () => {
    // The three workers that take seq 2's first chunks (one at a time each) are the ones hit.
    const [killed, stopped] = await containers('worker');
    const t0 = await postRounds(2);
    await scale(6);
    const before = await rounds(auth, 2);
    const processed = before.reduce((n, r) => n + (r.processedRecords ?? 0), 0);
    const total = before.reduce((n, r) => n + (r.totalRecords ?? 0), 0);
    // Mid-round: 6 containers run, and the kill and the stop land while records are still to verify.
    expect((await containers('worker')).length).toBe(6);
    expect(processed).toBeLessThan(total || Infinity);

    await docker(['kill', '--signal', 'KILL', killed!]);
    const t1 = Date.now();
    // docker stop: SIGTERM, then SIGKILL after the service's stop_grace_period (60 s).
    await docker(['stop', '--time', '60', stopped!], 120_000);
    const drained = (Date.now() - t1) / 1000;
    const k = await state(killed!);
    const st = await state(stopped!);
    expect({ status: k.Status, exit: k.ExitCode }).toEqual({ status: 'exited', exit: 137 });
    // Exit 0: the ordered shutdown finished (worker.close() let its active chunk end) within the
    // grace period; past it Docker would have sent SIGKILL (exit 137).
    expect({ status: st.Status, exit: st.ExitCode }).toEqual({ status: 'exited', exit: 0 });
    const items = await untilSettled(2);
    const s = (Date.now() - t0) / 1000;
    await expectOneResultPerRecord(2, items);
    figures.push(['verification, 3→6 containers, one killed, one stopped (seq 2)', `${s.toFixed(1)} s; the SIGTERMed worker drained in ${drained.toFixed(1)} s`]);
    // The four others run, none ran out of memory, and their health checks pass.
    await untilHealthyWorkers(4);
    for (const id of await containers('worker')) expect(await state(id)).toMatchObject({ Status: 'running', OOMKilled: false });
  }, 900_000); // a district verified while scaling 3 → 6, a SIGKILL and a SIGTERM drain, all in containers on a shared machine

  it('verifies the district with 6 worker containers', async () => {
    // The killed and the stopped worker start again: 6 healthy.
    await scale(6);
    await untilHealthyWorkers(6);
    await verifyUntouched(3, 6);
  }, 700_000); // a whole district verified by 6 worker containers, twice (3 then 6) for the comparison

  it('/readyz and the health check report the store gone, then back', async () => {
    const [mongo] = await containers('mongo');
    const [api] = await containers('api');
    // docker pause needs the cgroup freezer, which this engine's host lacks: the store is stopped instead.
    await docker(['stop', '--time', '30', mongo!], 120_000);
    try {
      const down = await waitFor('/readyz 503', 60_000, async () => {
        const res = await fetch(`http://127.0.0.1:${PORTS.API_INTERNAL_PORT}/readyz`);
        return res.status === 503 && (await res.json()) as { checks: { mongo: string; redis: string } };
      });
      expect(down.checks.redis).toBe('ok');
      expect(down.checks.mongo).toMatch(/^down/);
      // The API's health check (every 10 s; compose.local.yaml: 3 failures) turns the container unhealthy.
      await waitFor('the API container unhealthy', 240_000, async () => (await healthOf(api!)) === 'unhealthy');
    } finally {
      await docker(['start', mongo!]);
    }
    await waitFor('the API container healthy again', 240_000, async () => (await healthOf(api!)) === 'healthy');
    expect((await fetch(`http://127.0.0.1:${PORTS.API_INTERNAL_PORT}/readyz`)).status).toBe(200);
  }, 600_000); // the store container stopped, /readyz and the health check polled until they say so, then started and polled again

  it('down -v leaves no container, network or volume of the project', async () => {
    await store.close();
    await compose(['down', '-v', '--remove-orphans', '--timeout', '30'], 180_000);
    const left = await Promise.all([
      docker(['ps', '-a', '-q', '--filter', `label=com.docker.compose.project=${PROJECT}`]),
      docker(['network', 'ls', '-q', '--filter', `label=com.docker.compose.project=${PROJECT}`]),
      docker(['volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${PROJECT}`]),
    ]);
    expect(left.map((s) => s.trim())).toEqual(['', '', '']);
  }, 240_000); // compose down -v, then the engine asked for every leftover container, network and volume
});
