export { CATALOGUE, LANGS, dictionary, isTextKey, text, type Lang, type TextKey } from './catalogue.js';
export { MATCHER_REASONS, reasonKey, reasonText } from './reasons.js';
export { displayDate, displayGender } from './format.js';
