/**
 * The matcher's reasons as catalogue keys. The matcher (src/domain/matching) writes a short
 * English sentence per decision into each result; this maps each of them to one key, so that
 * people read the catalogue's texts, never the matcher's. A reason not listed maps to
 * `reason.unknown` (and the unit test, which runs the matcher over every entry-error kind,
 * fails first).
 */
import { text, type Lang, type Params, type TextKey } from './catalogue.js';

export const MATCHER_REASONS: Readonly<Record<string, TextKey>> = {
  'foreign national with passport number': 'reason.foreign_passport',
  'no name': 'reason.no_name',
  'no birth date and no ID number': 'reason.no_dob_no_id',
  'unreadable birth date and no ID number': 'reason.unreadable_dob_no_id',
  'foreign identity number and no matching citizen': 'reason.foreign_no_match',
  'no citizen with this ID number or name and birth year': 'reason.no_citizen',
  'not enough evidence to link safely': 'reason.weak_evidence',
  'ID number belongs to another citizen whose name differs': 'reason.id_of_other',
  'several citizens fit equally well': 'reason.namesakes',
  'another citizen fits the name or birth date better': 'reason.better_elsewhere',
};

/** A `corrected …` reason lists the fields the matcher corrected (its CORRECTED_FIELDS). */
const CORRECTED = /^corrected ((?:idNumber|fullName|dateOfBirth|gender)(?:, (?:idNumber|fullName|dateOfBirth|gender))*)$/;

/** Agreement only (authority mode): the register said which fields disagree; the commune police check them. */
const POLICE = /^police to check ((?:fullName|dateOfBirth|gender)(?:, (?:fullName|dateOfBirth|gender))*)$/;

/** A reason's key and parameters; `fields` is a list of field keys for `reason.corrected`. */
export function reasonKey(reason: string | null | undefined): { key: TextKey; params?: Params; fields?: string[] } | null {
  if (!reason) return null;
  const known = MATCHER_REASONS[reason];
  if (known) return { key: known };
  const m = CORRECTED.exec(reason);
  if (m) return { key: 'reason.corrected', fields: m[1]!.split(', ') };
  const police = POLICE.exec(reason);
  if (police) return { key: 'reason.police_check', fields: police[1]!.split(', ') };
  return { key: 'reason.unknown' };
}

/** A matcher reason as a sentence in a language (`corrected …` names the fields). */
export function reasonText(reason: string | null | undefined, lang: Lang = 'vi'): string {
  const r = reasonKey(reason);
  if (!r) return '';
  if (r.fields) {
    const names = r.fields.map((f, i) => {
      const s = text(f as TextKey, lang);
      return lang === 'vi' || i > 0 ? s.toLowerCase() : s;
    });
    return text(r.key, lang, { fields: names.join(', ') });
  }
  return text(r.key, lang, r.params);
}
