import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDb, type Db } from '../../src/db/connect.js';
import { recordAccess } from '../../src/audit/access-log.service.js';
import type { Principal } from '../../src/auth/principal.js';
import { findAccess } from '../../src/db/repositories/access-log.repository.js';
import { recordCommands } from '../helpers/explain-plan.js';
import { createTestContext, type TestContext } from '../helpers/context.js';

/**
 * The access log's group commit against the real store: answers given at the same moment share
 * inserts, yet each caller returns only once its own entry is stored, and every entry is there.
 */
let ctx: TestContext;
let db: Db; // a connection of its own with command monitoring on (statsFile)
const statsFile = join(tmpdir(), `vv-access-${randomUUID()}.json`);
const checker: Principal = { sub: 'checker-1', name: 'Cán bộ kiểm tra', roles: ['passport_checker'], localities: [], kind: 'user' };

beforeAll(async () => {
  ctx = await createTestContext('access-commit');
  db = await connectDb(ctx.mongoUrl, { poolSize: 4, statsFile });
  await Promise.all(Object.values(db.models).map((m) => m.init()));
});
afterAll(async () => {
  await db?.close();
  await rm(statsFile, { force: true });
  await ctx?.close();
});

describe('access log group commit', () => {
  it('100 answers at once: every entry stored and readable when its caller returns, in far fewer inserts', async () => {
    const recording = recordCommands(db.connection.getClient());
    const subjects = Array.from({ length: 100 }, (_, i) => `0012******${String(i).padStart(2, '0')}`);
    const seen: number[] = [];
    await Promise.all(subjects.map(async (subject, i) => {
      await recordAccess(db.store, checker, { kind: 'eligibility', locality: null, records: i % 3, route: 'GET /api/citizens/:personalId/passport-eligibility', subject });
      // Returned: its own entry is already in the store.
      const mine = await findAccess(db.store, { sub: checker.sub, limit: 500 });
      seen.push(mine.filter((e) => e.subject === subject).length);
    }));
    recording.stop();
    expect(seen).toEqual(subjects.map(() => 1));
    const stored = await findAccess(db.store, { sub: checker.sub, limit: 500 });
    expect(stored.map((e) => e.subject).sort()).toEqual([...subjects].sort());
    const inserts = recording.sent.filter((c) => c.name === 'insert' && c.command.insert === 'access_log');
    expect(inserts.reduce((n, c) => n + (c.command.documents as unknown[]).length, 0)).toBe(100);
    // The first insert goes alone; the rest arrived while it was in flight.
    expect(inserts.length).toBeLessThan(15);
  });
});
