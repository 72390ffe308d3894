import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../helpers/context.js';
import { freePort } from '../helpers/own-servers.js';

/**
 * The README's main command, `npm run demo`, as a user runs it (a small district so it fits the
 * suite): it fills the dashboard and prints the sign-in names; Ctrl-C — SIGINT to the whole
 * process group, as a terminal sends it, which npm and tsx then relay once more — stops what it
 * started (the API, two workers, the identity provider) and says so; a second run reuses the
 * generated files, skips the imports and re-posting the rounds changes nothing. Redis and the
 * store were running before, so the demo leaves them running.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let ctx: TestContext;
let cache: string;
let ports: { api: number; oidc: number };

beforeAll(async () => {
  ctx = await createTestContext('demo');
  cache = mkdtempSync(join(tmpdir(), 'vv-demo-'));
  ports = { api: await freePort(), oidc: await freePort() };
});

afterAll(async () => {
  if (cache) rmSync(cache, { recursive: true, force: true });
  await ctx?.close();
});

const answers = async (url: string) => {
  try { return (await fetch(url, { signal: AbortSignal.timeout(1500) })).ok; } catch { return false; }
};

const STILL_RUNNING = 'still running 90 s after Ctrl-C';

/** `npm run demo` in its own process group; resolves with its output once it has exited after Ctrl-C. */
async function demoUntilFilled() {
  const child = spawn('npm', ['run', 'demo', '--', '--people', '3000', '--port', String(ports.api)], {
    cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env, MONGO_URL: ctx.mongoUrl, REDIS_URL: ctx.redisUrl, QUEUE_PREFIX: ctx.prefix,
      OIDC_PORT: String(ports.oidc), XDG_CACHE_HOME: cache,
    },
  });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  let ended = false;
  const exited = new Promise<number | string>((r) => child.on('exit', (code, sig) => { ended = true; r(code ?? sig ?? -1); }));
  try {
    await waitFor(() => out.includes('✔ dashboard filled') || ended, 240_000, 'the demo to fill the dashboard');
    if (ended) throw new Error(`the demo exited before filling the dashboard:\n${out}`);
    expect(await answers(`http://127.0.0.1:${ports.api}/healthz`)).toBe(true);
  } finally {
    // Ctrl-C: the terminal signals the foreground process group.
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGINT');
  }
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r(STILL_RUNNING), 90_000))]);
  if (code === STILL_RUNNING) process.kill(-child.pid!, 'SIGKILL');
  return { out, code };
}

describe('npm run demo', () => {
  it('fills the dashboard, and Ctrl-C stops the API, the workers and the provider it started', async () => {
    const { out, code } = await demoUntilFilled();
    expect(out).toMatch(/✔ dashboard filled in \d+ s: http:\/\/127\.0\.0\.1:\d+\/dashboard\/l\/271/);
    expect(out).toMatch(/health-09619\s+commune health station/);
    expect(out).toContain('Redis was running, store was running');
    expect(out, out).toContain('stopping what the demo started');
    expect(out, out).toContain('stopped.');
    // npm re-raises the SIGINT it got once its script has ended (a shell shows 130): it ended by itself.
    expect(code).toBe('SIGINT');
    expect(await answers(`http://127.0.0.1:${ports.api}/healthz`)).toBe(false);
    expect(await answers(`http://127.0.0.1:${ports.oidc}/.well-known/openid-configuration`)).toBe(false);
    // What it imported is there: 31 communes' rounds, each verified.
    const rounds = await ctx.db.models.Round.find({ kind: 'verification' }, { status: 1 }).lean();
    expect(rounds).toHaveLength(31);
    expect(rounds.every((r) => r.status === 'awaiting_corrections' || r.status === 'completed')).toBe(true);
  }, 400_000); // npm run demo from nothing: files generated, imports, the API, workers and provider started, rounds verified

  it('a second run reuses the files, skips the imports and changes no round', async () => {
    const before = await ctx.db.models.Round.find({}, { status: 1, updatedAt: 1 }).sort({ _id: 1 }).lean();
    const { out, code } = await demoUntilFilled();
    expect(out).toContain('reusing');
    expect(out).toContain('units already imported');
    expect(out).toContain('citizens already imported');
    expect(out).toContain('dose records already imported');
    expect(out).toContain('already enqueued: 31 rounds');
    expect(out, out).toContain('stopped.');
    expect(code).toBe('SIGINT');
    const after = await ctx.db.models.Round.find({}, { status: 1, updatedAt: 1 }).sort({ _id: 1 }).lean();
    expect(after).toEqual(before);
  }, 400_000); // npm run demo a second time: everything started again, the imports skipped and compared
});
