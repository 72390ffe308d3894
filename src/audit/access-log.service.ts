import type { Principal } from '../auth/principal.js';
import type { Store } from '../db/store.js';
import type { AccessLogEntry } from '../db/repositories/access-log.repository.js';
import { insertAccess } from '../db/repositories/access-log.repository.js';
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

/** Count the items an export streams, to log how many rows left the system. */
export async function* counted<T>(items: AsyncIterable<T>, counter: { n: number }): AsyncGenerator<T> {
  for await (const item of items) {
    counter.n++;
    yield item;
  }
}

/** Exports log after the last byte; by then a write failure can only be logged, not refused. */
export async function recordExport(store: Store, log: Logger, p: Principal, e: AccessEvent): Promise<void> {
  try {
    await recordAccess(store, p, e);
  } catch (err) {
    log.error({ err, route: e.route, sub: p.sub }, 'access log write failed after an export');
  }
}
