import type { Principal } from '../auth/principal.js';
import { insertAudit } from '../db/repositories/access-log.repository.js';
import type { Store } from '../db/store.js';

/**
 * One audit row per administrative act done from the dashboard or the API (acknowledging an
 * escalation, moving a deadline, enqueuing a correction round, the sign-off requirement): who
 * (token sub, name, roles), when, what, on which locality, before and after.
 */
export async function auditAct(
  store: Store, by: Principal, act: { action: string; localityCode?: string | null; before?: unknown; after?: unknown; at?: Date },
): Promise<void> {
  await insertAudit(store, {
    at: act.at ?? new Date(), action: act.action, sub: by.sub, name: by.name ?? '', roles: by.roles,
    localityCode: act.localityCode ?? null, before: act.before ?? null, after: act.after ?? null,
  });
}
