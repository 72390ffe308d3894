import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, expect } from 'vitest';

/**
 * Fails a test that leaves a Redis connection open. Every BullMQ Worker, Queue, QueueEvents and
 * FlowProducer that owns a connection opens it through ioredis's `connect` (a Worker's blocking
 * connection too), so watching `connect` sees them all, and a plain client as well. A connection
 * opened inside a test must be closed by its end (its afterEach hooks included); one opened by
 * the file's beforeAll, by its afterAll. Objects sharing a connection the file closes open none.
 */
type Tracked = { client: Redis; stack: string };
const fileWide = new Set<Tracked>();
let inTest: Set<Tracked> | null = null;
const seen = new WeakSet<Redis>();

const connect = Redis.prototype.connect;
Redis.prototype.connect = function (this: Redis, ...args: Parameters<Redis['connect']>) {
  if (!seen.has(this)) {
    seen.add(this);
    // Where it was opened, for the failure message (the frames of the test files).
    const stack = (new Error().stack ?? '').split('\n').filter((l) => l.includes('/test/') && !l.includes('leak-guard')).slice(0, 3).join('\n');
    const t = { client: this, stack };
    // A connection no test line opened (ioredis's own, e.g. the sentinel connections a file-wide
    // client opens again after a failover) belongs to whoever owns that client: checked at the
    // file's end, not charged to the test that happened to be running.
    (stack && inTest ? inTest : fileWide).add(t);
    this.once('end', () => { fileWide.delete(t); inTest?.delete(t); });
  }
  return connect.apply(this, args);
};

/** Connections still open after a grace for closes under way (an `end` comes a tick after `quit`). */
async function stillOpen(set: Set<Tracked>): Promise<Tracked[]> {
  // Closing is asynchronous: give connections being closed up to 2 s to say `end`.
  const deadline = Date.now() + 2_000;
  while ([...set].some((t) => t.client.status !== 'end') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  return [...set].filter((t) => t.client.status !== 'end');
}

const describeLeaks = (left: Tracked[]) => left.map((t) => `a Redis connection (${t.client.status}) opened at\n${t.stack || '  (no test frame)'}`).join('\n');

beforeEach(() => { inTest = new Set(); });

afterEach(async () => {
  const set = inTest!;
  inTest = null;
  const left = await stillOpen(set);
  // Counted once: the file's afterAll does not report them again.
  for (const t of left) { t.client.removeAllListeners('end'); set.delete(t); }
  expect(left.length, `the test left ${left.length} Redis connection(s) open (a Worker, Queue, QueueEvents or client not closed):\n${describeLeaks(left)}`).toBe(0);
});

afterAll(async () => {
  const left = await stillOpen(fileWide);
  fileWide.clear();
  expect(left.length, `the file left ${left.length} Redis connection(s) open after its afterAll (a Worker, Queue, QueueEvents or client not closed):\n${describeLeaks(left)}`).toBe(0);
});
