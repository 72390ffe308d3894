import type { Principal } from '../auth/principal.js';
import { auditAct } from '../audit/audit.service.js';
import { readDoseRecord, transferRecord } from '../db/repositories/dose-records.repository.js';
import { localitiesRepository } from '../db/repositories/localities.repository.js';
import { moveRecordState } from '../db/repositories/record-state.repository.js';
import { communeCycle } from '../db/repositories/worklist.repository.js';
import type { Store } from '../db/store.js';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors/index.js';
import type { Logger } from '../lib/logger.js';
import type { RoundEvents } from '../rounds/round-events.js';

export interface TransferDeps {
  store: Store;
  /** The rounds' one writer: both communes' rounds are settled by its job, never here. */
  events: RoundEvents;
  log: Logger;
  now?: () => Date;
}

export interface TransferRequest { recordId: string; from: string; to: string; version: number; reason: string }

export interface TransferResult { recordId: string; from: string; to: string; version: number }

/**
 * Move a dose record to another commune, the one way a record changes commune (an import holds
 * such a row instead). Authorize has checked that the caller's area holds both communes. One
 * conditional update moves it (still in `from`, at the version the caller saw, no correction
 * awaiting the sign-off); then its state follows it, the act is audited (who, from → to, why) and
 * both communes' verification rounds are handed to their writer to settle.
 */
export async function transferDoseRecord(deps: TransferDeps, by: Principal, t: TransferRequest): Promise<TransferResult> {
  if (t.to === t.from) {
    // A stale request is told so first (the record changed since it was read), whatever it asks.
    throw (await refusal(deps.store, t)) ?? new ValidationError(`communeCode: hồ sơ đã thuộc xã/phường ${t.to} — the record is already in commune ${t.to}`, { field: 'communeCode' });
  }
  const dest = await localitiesRepository(deps.store).byCode(t.to);
  if (!dest || dest.level !== 'commune') {
    throw new ValidationError(`communeCode: không có xã/phường ${t.to} — no commune ${t.to}`, { field: 'communeCode' });
  }
  const at = deps.now?.() ?? new Date();
  const moved = await transferRecord(deps.store, t.recordId, t.version, { from: t.from, to: t.to, sub: by.sub, reason: t.reason, at });
  if (!moved) throw (await refusal(deps.store, t)) ?? new ConflictError(`hồ sơ ${t.recordId} vừa thay đổi — record ${t.recordId} changed meanwhile: try again`, { recordId: t.recordId });
  await moveRecordState(deps.store, t.recordId, t.from, t.to);
  await auditAct(deps.store, by, {
    action: 'record.transfer', localityCode: t.from, at,
    before: { recordId: t.recordId, communeCode: t.from, version: t.version },
    after: { recordId: t.recordId, communeCode: t.to, version: moved.version, reason: t.reason },
  });
  for (const commune of [t.from, t.to]) {
    const cycle = await communeCycle(deps.store, commune);
    if (cycle.verification) await deps.events.changed(cycle.verification._id);
  }
  deps.log.info({ recordId: t.recordId, from: t.from, to: t.to, by: by.sub }, 'dose record transferred');
  return { recordId: t.recordId, from: t.from, to: t.to, version: moved.version };
}

/** Why the conditional update does not match: read once, to say it (null: nothing stands in the way). */
async function refusal(store: Store, t: TransferRequest): Promise<Error | null> {
  const now = await readDoseRecord(store, t.recordId, ['communeCode', 'version', 'openCorrection']);
  if (!now) return new NotFoundError(`không tìm thấy hồ sơ ${t.recordId} — record ${t.recordId} not found`);
  if (now.communeCode !== t.from) {
    return new ConflictError(`hồ sơ ${t.recordId} vừa được chuyển đi nơi khác — record ${t.recordId} was moved by someone else meanwhile`, { recordId: t.recordId });
  }
  if (now.openCorrection) {
    return new ConflictError(`hồ sơ ${t.recordId} có đính chính đang chờ công an phê duyệt — record ${t.recordId} has a correction awaiting the police sign-off: transfer it once that is decided`, {
      recordId: t.recordId, reason: 'open_correction',
    });
  }
  const current = now.version ?? 0;
  if (current === t.version) return null;
  return new ConflictError(`hồ sơ ${t.recordId} đã thay đổi (phiên bản ${t.version} → ${current}) — record ${t.recordId} changed since version ${t.version} (now ${current}): read it again`, {
    recordId: t.recordId, baseVersion: t.version, currentVersion: current,
  });
}
