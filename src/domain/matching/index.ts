export { MATCHER_VERSION, matchRecords, matchRecordSync, matchRecordsSync, type MatchOptions } from './match.js';
export { CitizenIndex, toRegistryCitizen } from './citizen-index.js';
export { InMemoryRegistry } from './in-memory-registry.js';
export type { BlockingKeys, CandidateSource, NameYearKey, RegistryCitizen, RegistryLookup } from './registry.port.js';
export { citizenKeys, type CitizenKeys } from './keys.js';
export { foldName, nameForms, normalizeName, type NameForms } from './names.js';
export { compareNames, type NameLevel } from './name-compare.js';
export { formatBirthDate, parseBirthDate, parseRegistryDate, type BirthDate, type DatePrecision } from './dates.js';
export { compareDates, type DateLevel } from './date-compare.js';
export {
  classifyId,
  decodeCitizenId,
  idVariants,
  normalizeId,
  type DecodedCitizenId,
  type IdKind,
  type NormalizedId,
} from './ids.js';
export { isVietnamese, parseGender } from './fields.js';
export { prepareRecord, type PreparedRecord } from './prepare.js';
export {
  AUTO_MATCH_WEIGHT,
  MIN_MARGIN,
  POTENTIAL_MATCH_WEIGHT,
  scoreCandidate,
  type CandidateScore,
  type IdLevel,
} from './score.js';
