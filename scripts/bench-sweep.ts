/**
 * How long one sweep takes for a campaign of N overdue rounds whose chain is already at the top
 * (nothing due: the steady state of a late campaign) plus 1 % with an escalation due.
 *   MONGO_URL=mongodb://127.0.0.1:27017/x npx tsx scripts/bench-sweep.ts [N ...]
 * Uses its own database and queue prefix and removes both afterwards. Prints a table.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { parseEnv } from '../src/config/index.js';
import { connectDb } from '../src/db/connect.js';
import { DEFAULT_POLICY } from '../src/domain/rounds/policy.js';
import { sweepDeadlines } from '../src/deadlines/sweep.js';
import { NEVER } from '../src/deadlines/reconcile.js';
import { createRedis } from '../queues/connection.js';
import { createDeadlinesQueue } from '../queues/deadlines.queue.js';
import { createNotificationsQueue } from '../queues/notifications.queue.js';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const config = parseEnv();
const url = new URL(config.MONGO_URL);
url.pathname = `/vv_bench_sweep_${randomUUID().slice(0, 8)}`;
const db = await connectDb(url.toString());
const redis = createRedis(config.REDIS_URL);
const prefix = `bench-${randomUUID().slice(0, 8)}`;
const deadlinesQueue = createDeadlinesQueue(redis, prefix);
const notificationsQueue = createNotificationsQueue(redis, prefix);
const deps = {
  store: db.store, deadlinesQueue, notificationsQueue, policy: DEFAULT_POLICY, log: pino({ level: 'silent' }),
  webhookEnabled: false, notify: { attempts: 1, backoffMs: 1000 },
};
const DAY = 86_400_000;
const rows: string[] = [];
try {
  let seq = 0;
  for (const n of sizes.length ? sizes : [1000, 5000]) {
    const now = Date.now();
    const rounds = Array.from({ length: n }, () => {
      const s = ++seq;
      return { _id: `verification-00001-${s}`, localityCode: '00001', kind: 'verification', seq: s, status: 'overdue', deadline: new Date(now - 10 * DAY), totalRecords: 10, processedRecords: 10, counters: { verified: 5, review: 5 }, nextCheckAt: NEVER, openEscalations: true };
    });
    const due = Math.max(1, Math.floor(n / 100));
    for (const r of rounds.slice(0, due)) r.nextCheckAt = new Date(now - 1000);
    await db.models.Round.insertMany(rounds, { ordered: false });
    const levels = ['commune', 'district', 'province', 'ministry'] as const;
    const escalations = rounds.flatMap((r, i) => levels.slice(0, i < due ? 3 : 4).map((level, k) => ({
      roundId: r._id, level, localityCode: '00001', escalatedAt: new Date(now - (9 - k) * DAY), deadline: new Date(now - (8 - k) * DAY),
      overdueSince: r.deadline, notifiedAt: new Date(now - 9 * DAY),
    })));
    for (let i = 0; i < escalations.length; i += 5000) await db.models.Escalation.insertMany(escalations.slice(i, i + 5000), { ordered: false });
    const t0 = performance.now();
    const r = await sweepDeadlines(deps);
    const ms = performance.now() - t0;
    const t1 = performance.now();
    const again = await sweepDeadlines(deps);
    rows.push(`| ${n} | ${due} | ${r.rounds} | ${Math.round(ms)} | ${again.rounds} | ${Math.round(performance.now() - t1)} |`);
    await db.models.Round.deleteMany({});
    await db.models.Escalation.deleteMany({});
    await db.models.Notification.deleteMany({});
  }
} finally {
  await deadlinesQueue.obliterate({ force: true }).catch(() => {});
  await notificationsQueue.obliterate({ force: true }).catch(() => {});
  await deadlinesQueue.close();
  await notificationsQueue.close();
  redis.disconnect();
  await db.connection.dropDatabase();
  await db.close();
}
console.log('| overdue rounds | due | reconciled | sweep ms | reconciled again | again ms |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) console.log(row);
