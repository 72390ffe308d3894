import { CATALOGUE, MATCHER_REASONS } from '../../src/domain/i18n/index.js';
import { SEEDED_USERS } from '../../stand-ins/oidc/provider.js';

/** No ISO date (yyyy-mm-dd or yyyy-mm) may show in the officers' pages and sheets. */
export const ISO_DATE = /\b\d{4}-\d{2}(-\d{2})?\b/;
/** English words of the catalogue and the matcher's reasons that Vietnamese texts never use. */
const VI_WORDS = new Set(Object.values(CATALOGUE).flatMap((e) => e.vi.toLowerCase().split(/[^a-z]+/)));
const EN_WORDS = new Set([...Object.values(CATALOGUE).map((e) => e.en), ...Object.keys(MATCHER_REASONS), 'male', 'female', 'confirm', 'reject', 'explain']
  .flatMap((s) => s.toLowerCase().split(/[^a-z]+/)).filter((w) => w.length >= 4 && !VI_WORDS.has(w)));
/** People's display names come from the identity provider: data, not the page's language. */
const PEOPLE = Object.values(SEEDED_USERS).map((u) => u.name);
/** English words in a text (Vietnamese words are never all-ASCII and in this list), people's names left out. */
export const englishIn = (text: string) => [...new Set(PEOPLE.reduce((t, name) => t.replaceAll(name, ' '), text)
  .toLowerCase().normalize('NFC').split(/[^a-z\u00c0-\u1ef9]+/).filter((w) => EN_WORDS.has(w)))];
