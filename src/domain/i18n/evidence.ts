/**
 * A result's evidence (`MatchEvidence`, issue 31) as one sentence an officer or the police read:
 * which fields agree, which differ and how, which are missing; how many citizens share the
 * name and birth date in the commune and elsewhere; the rule applied; the runner-up and why it
 * lost; the weights. "Họ tên và ngày sinh khớp; không có số định danh; trong xã có 1 người trùng
 * tên và ngày sinh, nơi khác 0; ghép theo họ tên và ngày sinh đầy đủ, duy nhất; …"
 */
import type { FieldEvidence, MatchEvidence } from '../records.js';
import { isTextKey, text, type Lang, type TextKey } from './catalogue.js';

const FIELDS = ['id', 'name', 'dob', 'sex', 'commune'] as const;

function list(items: readonly string[], lang: Lang): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${lang === 'vi' ? 'và' : 'and'} ${items[items.length - 1]}`;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const signed = (w: number) => (w > 0 ? `+${w}` : String(w));

/** `ev.<kind>` text of a code the catalogue may lack (a newer matcher): the code itself then. */
function codeText(key: string, lang: Lang): string {
  return isTextKey(key) ? text(key as TextKey, lang) : key.slice(key.lastIndexOf('.') + 1);
}

export function evidenceText(e: MatchEvidence | null | undefined, lang: Lang = 'vi'): string {
  if (!e) return '';
  const parts: string[] = [];
  const fields = FIELDS.map((f) => [f, e[f]] as const).filter((x): x is [typeof x[0], FieldEvidence] => x[1] !== undefined);
  const name = (f: string) => text(`ev.field.${f}` as TextKey, lang);
  const agree = fields.filter(([, v]) => v.s === 'agree').map(([f]) => name(f));
  if (agree.length > 0) parts.push(text('ev.agree', lang, { fields: list(agree, lang) }));
  for (const [f, v] of fields) {
    if (v.s === 'differ') parts.push(text('ev.differ', lang, { field: name(f), level: codeText(`ev.level.${f}.${v.l}`, lang) }));
  }
  const missing = fields.filter(([, v]) => v.s === 'missing').map(([f]) => name(f));
  if (missing.length > 0) parts.push(text('ev.missing', lang, { fields: list(missing, lang) }));
  if (e.same) {
    // The citizen themself is one of those who share the name and date.
    const home = e.same[0] + (e.commune?.s === 'agree' ? 1 : 0);
    const away = e.same[1] + (e.commune?.s === 'agree' ? 0 : 1);
    parts.push(text('ev.same', lang, { home, away }));
  }
  parts.push(codeText(`ev.rule.${e.rule}`, lang));
  if (e.ru) parts.push(text('ev.runnerUp', lang, { id: e.ru.id, w: e.ru.w, why: codeText(`ev.lost.${e.ru.lost}`, lang) }));
  if (e.w !== undefined && fields.length > 0) {
    const weights = fields.filter(([, v]) => v.w !== 0).map(([f, v]) => `${name(f)} ${signed(v.w)}`);
    parts.push(text('ev.weights', lang, { parts: weights.join(', '), w: e.w }));
  }
  return capitalise(parts.join('; '));
}
