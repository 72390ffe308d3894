import type { Principal } from '../auth/principal.js';
import type { Store } from '../db/store.js';
import type { AccessLogEntry } from '../db/repositories/access-log.repository.js';
import type { ServerResponse } from 'node:http';
import { insertAccess, settleExport } from '../db/repositories/access-log.repository.js';
import type { Logger } from '../lib/logger.js';

export interface AccessEvent {
  kind: AccessLogEntry['kind'];
  locality: string | null;
  records: number;
  route: string;
  subject?: string | null;
}

/**
 * Record one read of personal data. The entry is written before the answer is sent for pages and
 * answers, and when the stream ends for exports (with the rows actually sent). A failed write
 * fails the request: personal data is not served unlogged.
 */
export async function recordAccess(store: Store, p: Principal, e: AccessEvent, now = new Date()): Promise<void> {
  await insertAccess(store, {
    at: now, sub: p.sub, name: p.name, roles: p.roles, kind: e.kind, locality: e.locality, records: e.records, route: e.route, subject: e.subject ?? null,
  });
}

/** Count the items an export streams; stops as soon as the client is gone (nothing more is read). */
async function* counted<T>(items: AsyncIterable<T>, counter: { n: number }, res: ServerResponse): AsyncGenerator<T> {
  for await (const item of items) {
    if (res.destroyed) return;
    counter.n++;
    yield item;
  }
}

/**
 * A personal-data export, logged twice: a `started` row (with the rows promised) is written
 * before the first byte (a failed write refuses the export), then settled once as `completed`
 * or `aborted` with the rows actually handed to the socket. A client that goes away mid-stream
 * (the socket closes before the answer finished) leaves an `aborted` row, never nothing.
 */
export async function streamExport<T>(
  deps: { store: Store; log: Logger }, res: ServerResponse, p: Principal, e: Omit<AccessEvent, 'records'>,
  source: { promised: number; items: AsyncIterable<T> }, write: (items: AsyncIterable<T>) => Promise<void>,
): Promise<void> {
  const id = await insertAccess(deps.store, {
    at: new Date(), sub: p.sub, name: p.name, roles: p.roles, kind: e.kind, locality: e.locality, records: 0, route: e.route, subject: e.subject ?? null,
    status: 'started', promised: source.promised, endedAt: null,
  });
  const rows = { n: 0 };
  const settle = (status: 'completed' | 'aborted') => settleExport(deps.store, id, status, rows.n, new Date()).catch((err) => {
    deps.log.error({ err, route: e.route, sub: p.sub }, 'access log settle failed after an export');
    return false;
  });
  res.once('close', () => { if (!res.writableFinished) void settle('aborted'); });
  try {
    await write(counted(source.items, rows, res));
  } catch (err) {
    await settle('aborted');
    throw err;
  }
  if (res.destroyed) { await settle('aborted'); return; }
  await settle('completed');
  if (!res.writableEnded) res.end();
}
