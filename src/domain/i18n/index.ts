export { CATALOGUE, LANGS, dictionary, isTextKey, text, type Entry, type Lang, type Params, type TextKey } from './catalogue.js';
export { CORRECTED_REASON_FIELDS, MATCHER_REASONS, reasonKey, reasonText } from './reasons.js';
export { displayDate, displayDateTime, displayGender } from './format.js';
