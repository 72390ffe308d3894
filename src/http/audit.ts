import type { Principal } from '../auth/principal.js';
import type { Models } from '../db/models/index.js';
import { insertAudit } from '../db/repositories/access-log.repository.js';

/**
 * One audit row per state-changing act, with the identity from the token (never a name from the
 * body): deadline changes, escalation acknowledgements, sign-offs, campaign and contact settings.
 */
export async function auditAct(
  models: Models, p: Principal, act: { action: string; localityCode?: string | null; before?: unknown; after?: unknown }, now = new Date(),
): Promise<void> {
  await insertAudit(models, {
    at: now, action: act.action, sub: p.sub, name: p.name, roles: p.roles,
    localityCode: act.localityCode ?? null, before: act.before ?? null, after: act.after ?? null,
  });
}
