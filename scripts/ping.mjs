// Wait until a Redis or Mongo-wire server answers: `node scripts/ping.mjs redis|mongo URL [timeoutMs]`.
// Exits 0 when it answers, 1 with the last error when the time is up.
import { Redis } from 'ioredis';
import mongoose from 'mongoose';

const [kind, url, timeoutArg] = process.argv.slice(2);
const deadline = Date.now() + Number(timeoutArg ?? 30_000);
let lastError = 'no attempt';

async function once() {
  if (kind === 'redis') {
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
    r.on('error', () => {});
    try { await r.connect(); return (await r.ping()) === 'PONG'; } finally { r.disconnect(); }
  }
  const c = mongoose.createConnection(url, { serverSelectionTimeoutMS: 2000 });
  try { await c.asPromise(); await c.db.admin().ping(); return true; } finally { await c.close().catch(() => {}); }
}

while (Date.now() < deadline) {
  try { if (await once()) process.exit(0); } catch (err) { lastError = err?.message ?? String(err); }
  await new Promise((r) => setTimeout(r, 500));
}
console.error(`${kind} at ${url} did not answer: ${lastError}`);
process.exit(1);
