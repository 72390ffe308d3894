import type { Principal } from '../auth/principal.js';
import { findAudit, insertAudit } from '../db/repositories/access-log.repository.js';
import { ownSignOffSetting, setSignOffSetting, signOffRequired } from '../db/repositories/corrections.repository.js';
import type { CorrectionsDeps } from './corrections.service.js';

/** The sign-off rule in force for a locality (its own setting, else the nearest ancestor's, else the campaign's) and its audit trail. */
export async function signOffSetting(deps: CorrectionsDeps, code: string) {
  return {
    localityCode: code,
    own: await ownSignOffSetting(deps.store, code),
    signOffRequired: await signOffRequired(deps.store, code, deps.signOffDefault),
    changes: await findAudit(deps.store, code, 50),
  };
}

/**
 * Changing whether corrections need the commune police's sign-off is a coordinator's act (the
 * route table), and audited: who, when, before and after, written before the change.
 */
export async function changeSignOffSetting(deps: CorrectionsDeps, code: string, required: boolean, by: Principal) {
  const before = await ownSignOffSetting(deps.store, code);
  await insertAudit(deps.store, {
    at: deps.now?.() ?? new Date(), action: 'correction-settings.signOffRequired', sub: by.sub, name: by.name, roles: by.roles,
    localityCode: code, before, after: required,
  });
  await setSignOffSetting(deps.store, code, required);
  deps.log.info({ localityCode: code, signOffRequired: required, sub: by.sub }, 'sign-off requirement changed');
  return { localityCode: code, signOffRequired: required, changedBy: by.sub };
}
