import type { Connection } from 'mongoose';
import { citizenModel } from './citizen.model.js';
import { doseRecordModel } from './dose-record.model.js';
import { localityModel } from './locality.model.js';
import { roundModel } from './round.model.js';
import { verificationResultModel } from './verification-result.model.js';
import { escalationModel } from './escalation.model.js';
import { contactModel } from './contact.model.js';
import { notificationModel } from './notification.model.js';
import { campaignModel } from './campaign.model.js';
import { correctionModel } from './correction.model.js';
import { doseReportModel } from './dose-report.model.js';
import { correctionSettingModel } from './correction-setting.model.js';
import { localityProgressModel } from './locality-progress.model.js';
import { accessLogModel } from './access-log.model.js';
import { auditEntryModel } from './audit-entry.model.js';
import { verificationChunkModel } from './verification-chunk.model.js';
import { registryVersionModel } from './registry-version.model.js';
import { roundDeadlineModel } from './round-deadline.model.js';
import { recordStateModel } from './record-state.model.js';
import { facilityModel } from './facility.model.js';

/** Build every model on one connection. Add new models here. */
export function registerModels(c: Connection) {
  return {
    Locality: localityModel(c),
    Citizen: citizenModel(c),
    DoseRecord: doseRecordModel(c),
    Round: roundModel(c),
    VerificationResult: verificationResultModel(c),
    Escalation: escalationModel(c),
    Contact: contactModel(c),
    Notification: notificationModel(c),
    Campaign: campaignModel(c),
    Correction: correctionModel(c),
    DoseReport: doseReportModel(c),
    CorrectionSetting: correctionSettingModel(c),
    LocalityProgress: localityProgressModel(c),
    AccessLog: accessLogModel(c),
    AuditEntry: auditEntryModel(c),
    VerificationChunk: verificationChunkModel(c),
    RegistryVersion: registryVersionModel(c),
    RoundDeadline: roundDeadlineModel(c),
    RecordState: recordStateModel(c),
    Facility: facilityModel(c),
  };
}

export type Models = ReturnType<typeof registerModels>;

export * from './locality.model.js';
export * from './citizen.model.js';
export * from './dose-record.model.js';
export * from './round.model.js';
export * from './verification-result.model.js';
export * from './escalation.model.js';
export * from './contact.model.js';
export * from './notification.model.js';
export * from './campaign.model.js';
export * from './correction.model.js';
export * from './dose-report.model.js';
export * from './correction-setting.model.js';
export * from './locality-progress.model.js';
export * from './access-log.model.js';
export * from './audit-entry.model.js';
export * from './verification-chunk.model.js';
export * from './registry-version.model.js';
export * from './round-deadline.model.js';
export * from './record-state.model.js';
export * from './facility.model.js';
