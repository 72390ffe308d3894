export { MATCHER_VERSION, matchRecords, matchRecordSync, matchRecordsSync } from './match.js';
export { CitizenIndex, toRegistryCitizen } from './citizen-index.js';
export { InMemoryRegistry } from './in-memory-registry.js';
export type { BlockingKeys, RegistryCitizen, RegistryLookup } from './registry.port.js';
export { citizenKeys } from './keys.js';
export { foldName, nameForms, normalizeName } from './names.js';
export { compareNames } from './name-compare.js';
export { formatBirthDate, parseBirthDate, parseRegistryDate } from './dates.js';
export { compareDates } from './date-compare.js';
export {
  classifyId,
  decodeCitizenId,
  idVariants,
  normalizeId,
} from './ids.js';
export { isVietnamese, parseGender } from './fields.js';
export {
  decideWithAgreement, decideWithValues, needsSearch, searchCandidates, subjectOf,
  type AuthAnswer, type SearchCandidate, type Subject,
} from './authority.js';
