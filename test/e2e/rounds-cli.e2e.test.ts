import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { spawnApi, spawnWorker, type Proc } from '../helpers/processes.js';
import { authEnv } from '../helpers/app-with-auth.js';
import { SEEDED_SERVICES, startOidcProvider, type OidcProvider } from '../../stand-ins/oidc/provider.js';
import { TEST_COMMUNES, makeCitizens, makeDoses } from '../helpers/seed.js';
import { alterDocuments, insertCitizens, insertDoses, seedLocalities } from '../helpers/fixtures.js';

/**
 * The coordinator's CLI against a real API (sign-in on, the local OpenID provider), a real
 * worker, Redis and the store: `rounds enqueue --district 001` with a client-credentials
 * client, `rounds status --watch` until the district's rounds are done, `rounds retry`.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PER_COMMUNE = 120;
let ctx: TestContext;
let oidc: OidcProvider;
let api: Proc & { url: string };
let worker: Proc;
let clientEnv: Record<string, string>;

function cli(args: string[], env: Record<string, string>, timeoutMs = 120_000): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`vaxverify ${args.join(' ')} did not finish:\n${out}\n${err}`)); }, timeoutMs);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, out, err }); });
  });
}

beforeAll(async () => {
  ctx = await createTestContext('cli');
  await seedLocalities(ctx.db.store);
  for (const code of TEST_COMMUNES) {
    const citizens = makeCitizens(code, PER_COMMUNE);
    await insertCitizens(ctx.db.store, citizens);
    await insertDoses(ctx.db.store, makeDoses(citizens, `C${code}`));
  }
  oidc = await startOidcProvider();
  const env = { REDIS_URL: ctx.redisUrl, MONGO_URL: ctx.mongoUrl, QUEUE_PREFIX: ctx.prefix, CHUNK_SIZE: '50', BATCH_SIZE: '25', WORKER_CONCURRENCY: '2' };
  [api, worker] = await Promise.all([spawnApi({ ...env, ...authEnv(oidc) }), spawnWorker(env)]);
  clientEnv = {
    VAXVERIFY_API_URL: api.url, VAXVERIFY_ISSUER: oidc.issuer, VAXVERIFY_AUDIENCE: oidc.audience,
    VAXVERIFY_CLIENT_ID: 'coord-001-script', VAXVERIFY_CLIENT_SECRET: SEEDED_SERVICES['coord-001-script']!.secret,
  };
}, 180_000); // the API, OIDC provider and two worker processes started cold with tsx, and the seed

afterAll(async () => {
  await Promise.all([api, worker].filter(Boolean).map((p) => p.kill('SIGKILL')));
  await oidc?.close();
  await ctx?.close();
});

describe('vaxverify rounds (CLI through the API)', () => {
  it('enqueues a district with client credentials, then status --watch shows it finishing', async () => {
    const enq = await cli(['rounds', 'enqueue', '--district', '001'], clientEnv);
    expect(enq.err).toBe('');
    expect(enq.code).toBe(0);
    expect(enq.out).toContain(`${TEST_COMMUNES.length} round(s) for district 001: ${TEST_COMMUNES.length} new, 0 already there`);
    for (const c of TEST_COMMUNES) expect(enq.out).toContain(`verification-${c}-1`);

    // The token names district 001, so no --locality is needed; a pipe gets one table per change.
    const watch = await cli(['rounds', 'status', '--watch', '--interval', '300'], clientEnv, 240_000);
    expect(watch.err).toBe('');
    expect(watch.code).toBe(0);
    const tables = watch.out.trim().split('\n\n\n');
    const final = tables.at(-1)!;
    expect(final).toContain('rounds in 001');
    for (const c of TEST_COMMUNES) expect(final).toMatch(new RegExp(`verification-${c}-1\\s+(awaiting_corrections|completed)\\s+█{20} 100%\\s+${PER_COMMUNE}/${PER_COMMUNE}\\s+3/3`));
    expect(final).toContain(`records ${PER_COMMUNE * TEST_COMMUNES.length}/${PER_COMMUNE * TEST_COMMUNES.length}`);
    // What the table said matches the store.
    const rounds = await ctx.db.models.Round.find({ _id: { $in: TEST_COMMUNES.map((c) => `verification-${c}-1`) } }, { processedRecords: 1 }).lean();
    expect(rounds.map((r) => r.processedRecords)).toEqual(TEST_COMMUNES.map(() => PER_COMMUNE));

    // Enqueuing again creates nothing.
    const again = await cli(['rounds', 'enqueue', '--district', '001'], clientEnv);
    expect(again.out).toContain(`0 new, ${TEST_COMMUNES.length} already there`);
  }, 300_000); // a whole district verified by two worker processes while the CLI watches it

  it('retries a failed round and watches it settle; a round that is not failed gets the API\'s 409', async () => {
    const id = `verification-${TEST_COMMUNES[0]}-1`;
    const refused = await cli(['rounds', 'retry', id], clientEnv);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/409 conflict: round verification-\d+-1 is (awaiting_corrections|completed); only a failed round, or a stalled one, can be retried/);

    // Arrange a failed round (as a chunk that exhausted its attempts leaves it), then retry it.
    await alterDocuments(ctx.db.store, 'Round', { _id: id }, { status: 'failed', error: 'chunk 0: arranged by the test' });
    const listed = await cli(['rounds', 'status', '--locality', TEST_COMMUNES[0]!], clientEnv);
    expect(listed.out).toMatch(new RegExp(`${id}\\s+failed`));
    const retried = await cli(['rounds', 'retry', id], { ...clientEnv, VAXVERIFY_CLIENT_ID: '', VAXVERIFY_CLIENT_SECRET: '', VAXVERIFY_TOKEN: await oidc.serviceToken('coord-001-script') });
    expect(retried.err).toBe('');
    expect(retried.out).toBe(`${id}: scheduled (retry 1)\n`);
    const watch = await cli(['rounds', 'watch', '--locality', TEST_COMMUNES[0]!, '--interval', '300'], clientEnv, 240_000);
    expect(watch.code).toBe(0);
    expect(watch.out.trim().split('\n\n\n').at(-1)).toMatch(new RegExp(`${id}\\s+(awaiting_corrections|completed)\\s+█{20} 100%`));
    expect(await ctx.db.models.VerificationResult.countDocuments({ roundId: id })).toBe(PER_COMMUNE);
  }, 300_000); // a round failed on purpose, retried through the CLI and verified again by the worker processes

  it('says what is wrong with bad arguments and missing credentials, before calling the API', async () => {
    const two = await cli(['rounds', 'enqueue', '--district', '001', '--province', '01'], clientEnv);
    expect(two.code).toBe(1);
    expect(two.err).toContain('give exactly one of --province, --district, --communes');
    const bad = await cli(['rounds', 'enqueue', '--communes', '00001,12'], clientEnv);
    expect(bad.err).toContain('not a 5-digit commune code: 12');
    const none = await cli(['rounds', 'status'], { VAXVERIFY_API_URL: api.url });
    expect(none.err).toContain('no credentials: set VAXVERIFY_TOKEN, or VAXVERIFY_CLIENT_ID, VAXVERIFY_CLIENT_SECRET and VAXVERIFY_ISSUER');
    const outside = await cli(['rounds', 'enqueue', '--province', '01'], clientEnv);
    expect(outside.code).toBe(1);
    expect(outside.err).toMatch(/403 forbidden: .*outside your area/);
  }, 120_000);
});
