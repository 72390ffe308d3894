import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, LANGS, MATCHER_REASONS, displayDate, displayGender, isTextKey, reasonKey, reasonText, text } from '../../../src/domain/i18n/index.js';
import { InMemoryRegistry, matchRecordSync } from '../../../src/domain/matching/index.js';
import { OUTCOMES } from '../../../src/domain/records.js';
import { DECISIONS } from '../../../src/domain/corrections/types.js';
import { WORKSHEET_COLUMNS } from '../../../src/domain/corrections/worksheet.js';
import { createSynth, parseNameList } from '../../../src/domain/synth/index.js';
import type { Citizen, DoseRecordInput } from '../../../src/domain/records.js';

const src = (p: string) => readFileSync(new URL(`../../../${p}`, import.meta.url), 'utf8');
const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the officers’ catalogue', () => {
  it('has a text in every language for every key, with the same parameters', () => {
    const missing: string[] = [];
    for (const [key, entry] of Object.entries(CATALOGUE)) {
      for (const lang of LANGS) if (typeof entry[lang] !== 'string' || entry[lang].trim() === '') missing.push(`${key}.${lang}`);
      expect(params(entry.vi), key).toEqual(params(entry.en));
    }
    expect(missing).toEqual([]);
  });

  it('names every outcome, round status, decision, eligibility answer, error code and worksheet column', () => {
    const statuses = [...src('src/domain/rounds/lifecycle.ts').matchAll(/^ {2}(\w+): \{/gm)].map((m) => m[1]!).filter((s) => s !== 'round');
    expect(statuses.length).toBeGreaterThan(5);
    const eligibility = /IneligibleReason = ([^;]+);/.exec(src('src/eligibility/eligibility.service.ts'))![1]!.match(/'(\w+)'/g)!.map((s) => `elig.${s.slice(1, -1)}`);
    const errorCodes = [...readdirSync(new URL('../../../src/lib/errors/', import.meta.url)).flatMap((f) => [...src(`src/lib/errors/${f}`).matchAll(/super\('(\w+)'/g)].map((m) => `err.${m[1]}`)),
      ...[...src('src/http/errors.ts').matchAll(/'(malformed_json|body_too_large|bad_request|internal|not_found)'/g)].map((m) => `err.${m[1]}`)];
    const keys = [...OUTCOMES, 'explained', ...statuses, ...DECISIONS, ...eligibility, ...errorCodes, ...WORKSHEET_COLUMNS.map((c) => `sheet.${c}`)];
    expect(keys.filter((k) => !isTextKey(k))).toEqual([]);
  });

  it('has one meaning per outcome: no two outcomes share a text in either language', () => {
    for (const lang of LANGS) {
      const texts = [...OUTCOMES, 'explained'].map((o) => text(o as never, lang));
      expect(new Set(texts).size, lang).toBe(texts.length);
    }
  });

  it('knows every validation code the validators and the upload produce', () => {
    const files = ['src/domain/corrections/validate.ts', 'src/domain/corrections/worksheet.ts', 'src/corrections/worklists.service.ts', 'src/corrections/corrections.service.ts', 'src/corrections/worksheet-files.ts'];
    const codes = files.flatMap((f) => [...src(f).matchAll(/'(v\.\w+)'/g)].map((m) => m[1]!));
    expect(codes.length).toBeGreaterThan(20);
    expect(codes.filter((c) => !isTextKey(c))).toEqual([]);
  });

  it('maps every reason text in the matcher source to a key', () => {
    const matcher = src('src/domain/matching/decide.ts') + src('src/domain/matching/prepare.ts');
    const literals = [...matcher.matchAll(/reason(?: =|:) '([^']+)'|done\(record, '\w+', (?:rawDob === '' \? )?'([^']+)'(?: : '([^']+)')?/g)]
      .flatMap((m) => [m[1], m[2], m[3]]).filter((x): x is string => !!x);
    expect(literals.length).toBeGreaterThanOrEqual(10);
    expect(literals.filter((r) => !MATCHER_REASONS[r])).toEqual([]);
  });

  // A synthetic campaign generated and matched: a few seconds alone, up to ~15 s on a shared 2-core machine.
  it('maps every reason the matcher gives on a synthetic campaign with every entry-error kind', { timeout: 60_000 }, () => {
    const names = {
      male: parseNameList(src('data/vn-given-names-male.txt')),
      female: parseNameList(src('data/vn-given-names-female.txt')),
    };
    const synth = createSynth({ people: 6_000, seed: 'i18n', communes: [{ code: '09619', provinceCode: '01' }, { code: '09625', provinceCode: '01' }], names });
    const citizens: Citizen[] = [];
    const doses: DoseRecordInput[] = [];
    for (const b of synth.batches()) { citizens.push(...b.citizens); doses.push(...b.doses); }
    const registry = InMemoryRegistry.fromCitizens(citizens);
    const reasons = new Set<string>();
    for (const d of doses) { const r = matchRecordSync(d, registry); if (r.reason) reasons.add(r.reason); }
    expect(reasons.size).toBeGreaterThan(5);
    const unknown = [...reasons].filter((r) => reasonKey(r)?.key === 'reason.unknown');
    expect(unknown).toEqual([]);
    for (const r of reasons) {
      expect(reasonText(r, 'vi')).not.toMatch(/[{}]/);
      expect(reasonText(r, 'vi')).not.toBe(r);
    }
  });

  it('reads every label key the dashboard pages use', () => {
    const dir = new URL('../../../src/http/dashboard-public/', import.meta.url);
    const used = readdirSync(dir).filter((f) => f.endsWith('.js'))
      .flatMap((f) => [...readFileSync(new URL(f, dir), 'utf8').matchAll(/\bt\('([\w.]+)'/g)].map((m) => m[1]!));
    expect(used.length).toBeGreaterThan(50);
    expect([...new Set(used)].filter((k) => !isTextKey(k))).toEqual([]);
  });

  it('shows dates dd/mm/yyyy (month/year as mm/yyyy) and sex as Nam/Nữ', () => {
    expect(displayDate('1975-03-10')).toBe('10/03/1975');
    expect(displayDate('1975-03')).toBe('03/1975');
    expect(displayDate('1975')).toBe('1975');
    expect(displayDate('2021-08-01T00:00:00.000Z')).toBe('01/08/2021');
    expect(displayDate('T3/1975')).toBe('T3/1975');
    expect(displayGender('male')).toBe('Nam');
    expect(displayGender('F')).toBe('Nữ');
    expect(displayGender('female', 'en')).toBe('Female');
    expect(reasonText('corrected idNumber, dateOfBirth')).toBe('Sai số định danh, ngày sinh so với CSDL dân cư');
    expect(reasonText('corrected gender', 'en')).toBe('Sex differ from the registry');
  });
});
