/**
 * `npm run eval:match [-- --people N --seed S --dir DIR --regenerate --show KIND --not-in-registry-rate R --error-rate R --json]`:
 * quality of the matcher on data from `vaxverify generate` (population.ndjson, doses.ndjson, truth.ndjson).
 * Exits 1 when a target of issue 31 is missed. Precision (right links of all links) and recall (right
 * links of identifiable records) with 95% Wilson intervals, broken down by entry-error kind, age band
 * and sex the way census linkage reports its bias; the records left to people by error combination;
 * `--json`: one last line with every figure. `--show KIND` prints a few misses of that error kind,
 * `--show wrong` the wrong links, `--show corrections` the links with wrong corrections (synthetic people only).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { InMemoryRegistry, foldName, matchRecordsSync } from '../src/domain/matching/index.js';
import type { Citizen, Corrections, DoseRecordInput, GroundTruth, MatchResult } from '../src/domain/records.js';
import { readRecords } from '../src/lib/io/index.js';
import { fitsNamesakesEqually } from '../src/domain/synth/index.js';
import { ensureGenerated } from './generated-data.js';

const { values: args } = parseArgs({
  options: {
    people: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '42' },
    dir: { type: 'string' },
    regenerate: { type: 'boolean', default: false },
    show: { type: 'string' },
    'not-in-registry-rate': { type: 'string' },
    'error-rate': { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const people = Number(args.people);
const seed = Number(args.seed);
const unregisteredRate = args['not-in-registry-rate'];
const errorRate = args['error-rate'];
/** `g3`: the generator of issue 19 (older folders hold other kinds). */
const dir = args.dir ?? join(tmpdir(), `vaxverify-eval-g3-${people}-${seed}${unregisteredRate ? `-u${unregisteredRate}` : ''}${errorRate ? `-e${errorRate}` : ''}`);

async function* rows<T>(file: string): AsyncGenerator<T> {
  for await (const row of readRecords(join(dir, file), { format: 'ndjson' })) if (row.record) yield row.record as T;
}

const FIELDS = ['idNumber', 'fullName', 'dateOfBirth', 'gender'] as const;
function sameCorrections(a: Corrections | undefined, b: Corrections | undefined): boolean {
  return FIELDS.every((f) => (a?.[f] ?? null) === (b?.[f] ?? null));
}


interface Tally {
  records: number;
  /** Records of registered people that must be linked (not ambiguous namesakes): recall's denominator. */
  identifiable: number;
  auto: number;
  linked: number;
  wrong: number;
  review: number;
  notFound: number;
  correctionsRight: number;
}
const newTally = (): Tally => ({ records: 0, identifiable: 0, auto: 0, linked: 0, wrong: 0, review: 0, notFound: 0, correctionsRight: 0 });

const pct = (n: number, d: number) => (d === 0 ? '    -' : `${((100 * n) / d).toFixed(2).padStart(6)}%`);

/** 95% Wilson score interval of a proportion n/d, in percent (exact enough at 0 and 100%, unlike n/d ± 1.96 SE). */
function wilson(n: number, d: number, z = 1.96): [number, number] {
  if (d === 0) return [0, 100];
  const p = n / d;
  const z2 = z * z;
  const centre = (p + z2 / (2 * d)) / (1 + z2 / d);
  const half = (z / (1 + z2 / d)) * Math.sqrt((p * (1 - p)) / d + z2 / (4 * d * d));
  return [100 * Math.max(0, centre - half), 100 * Math.min(1, centre + half)];
}
const ci = (n: number, d: number) => {
  const [lo, hi] = wilson(n, d);
  return d === 0 ? '' : `[${lo.toFixed(2)}, ${hi.toFixed(2)}]`;
};

/** Age on the campaign's last day (31/12/2022) in the bands of the campaign's reports. */
function ageBand(dateOfBirth: string | undefined): string {
  const year = Number(dateOfBirth?.slice(0, 4));
  if (!Number.isInteger(year) || year <= 0) return 'unknown';
  const age = 2022 - year;
  if (age < 18) return '0-17';
  if (age < 40) return '18-39';
  if (age < 60) return '40-59';
  if (age < 75) return '60-74';
  return '75+';
}

function tallyRow(label: string, k: Tally): string {
  return (
    `${label.padEnd(24)} ${String(k.records).padStart(8)} ${pct(k.auto, k.identifiable)} ${ci(k.auto, k.identifiable).padStart(16)} ` +
    `${pct(k.linked - k.wrong, k.linked)} ${String(k.wrong).padStart(6)} ${pct(k.review, k.records)} ${pct(k.notFound, k.records)} ${pct(k.correctionsRight, k.auto)}`
  );
}
const TALLY_HEAD =
  `${'records'.padStart(8)} ${'recall'.padStart(7)} ${'95% CI'.padStart(16)} ${'precis.'.padStart(7)} ${'wrong'.padStart(6)} ` +
  `${'review'.padStart(7)} ${'notfound'.padStart(7)} ${'corr ok'.padStart(7)}`;

async function main(): Promise<void> {
  const extra = [...(unregisteredRate ? ['--not-in-registry-rate', unregisteredRate] : []), ...(errorRate ? ['--error-rate', errorRate] : [])];
  const source = ensureGenerated(dir, people, seed, args.regenerate, extra);
  // Registry namesakes (same folded name and birth date) besides those the generator made on purpose.
  const namesakeKeys = new Map<string, number>();
  const keyOf = (c: Citizen) => `${foldName(c.fullName)}|${c.dateOfBirth}`;
  const registry = await InMemoryRegistry.fromAsync(
    (async function* () {
      for await (const c of rows<Citizen>('population.ndjson')) {
        namesakeKeys.set(keyOf(c), (namesakeKeys.get(keyOf(c)) ?? 0) + 1);
        yield c;
      }
    })(),
  );
  const truth = new Map<string, GroundTruth>();
  for await (const t of rows<GroundTruth>('truth.ndjson')) truth.set(t.recordId, t);
  const isNamesakeCase = (t: GroundTruth) => {
    if (t.errors.includes('namesake')) return true;
    if (!t.personalId || !fitsNamesakesEqually(t.errors)) return false;
    const c = registry.byPersonalId(t.personalId);
    return c !== undefined && (namesakeKeys.get(keyOf(c)) ?? 0) > 1;
  };

  const total = {
    identifiable: 0, autoRight: 0, linked: 0, wrongLinks: 0, corrected: 0, correctedRight: 0, foreign: 0, foreignExempt: 0,
    namesakes: 0, namesakesReview: 0, namesakesRight: 0, namesakesOther: 0, unregistered: 0, unregisteredLinked: 0, unregisteredReview: 0,
    withEvidence: 0,
  };
  const byKind = new Map<string, Tally>();
  const byAge = new Map<string, Tally>();
  const bySex = new Map<string, Tally>();
  /** Identifiable records not linked, by their sorted error combination. */
  const leftOver = new Map<string, number>();
  const confusion = new Map<string, number>();
  /** Links by the evidence's rule: what each rule gains and what it risks (its wrong links). */
  const byRule = new Map<string, { links: number; wrong: number; unregistered: number; namesakes: number }>();
  const shown: string[] = [];
  const inputs = new Map<string, DoseRecordInput>();
  let seconds = 0;
  let cpuSeconds = 0;
  const add = (map: Map<string, Tally>, key: string, f: (k: Tally) => void) => {
    const k = map.get(key) ?? newTally();
    map.set(key, k);
    f(k);
  };

  const score = (result: MatchResult) => {
    const t = truth.get(result.recordId);
    if (!t) return;
    if (result.evidence) total.withEvidence++;
    const linked = result.outcome === 'verified' || result.outcome === 'corrected';
    const right = linked && result.personalId === t.personalId;
    const correctionsRight = right && sameCorrections(result.corrections, t.expectedCorrections);
    const namesake = isNamesakeCase(t);
    const identifiable = !namesake && t.personalId !== undefined;
    confusion.set(`${t.expectedOutcome} → ${result.outcome}`, (confusion.get(`${t.expectedOutcome} → ${result.outcome}`) ?? 0) + 1);
    if (namesake) {
      total.namesakes++;
      if (result.outcome === 'review' && result.candidates?.some((c) => c.personalId === t.personalId)) total.namesakesReview++;
      if (right) total.namesakesRight++;
      if (linked && !right) total.namesakesOther++;
    } else if (identifiable) {
      total.identifiable++;
      if (right) total.autoRight++;
      else {
        const combo = t.errors.filter((e) => e !== 'tone_style' && e !== 'gender_missing' && e !== 'dob_excel_serial').sort().join('+') || 'none';
        leftOver.set(`${combo} → ${result.outcome}`, (leftOver.get(`${combo} → ${result.outcome}`) ?? 0) + 1);
      }
    }
    if (linked) {
      total.linked++;
      if (!right) total.wrongLinks++;
      const rule = result.evidence?.rule ?? '(none)';
      const r = byRule.get(rule) ?? { links: 0, wrong: 0, unregistered: 0, namesakes: 0 };
      byRule.set(rule, r);
      r.links++;
      if (!right) r.wrong++;
      if (t.errors.includes('not_in_registry')) r.unregistered++;
      if (namesake) r.namesakes++;
    }
    if (right && result.outcome === 'corrected') {
      total.corrected++;
      if (correctionsRight) total.correctedRight++;
    }
    if (t.errors.includes('not_in_registry')) {
      total.unregistered++;
      if (linked) total.unregisteredLinked++;
      if (result.outcome === 'review') total.unregisteredReview++;
    }
    if (t.expectedOutcome === 'exempt') {
      total.foreign++;
      if (result.outcome === 'exempt') total.foreignExempt++;
    }
    const count = (k: Tally) => {
      k.records++;
      if (identifiable) k.identifiable++;
      if (right && identifiable) k.auto++;
      if (linked) k.linked++;
      if (linked && !right) k.wrong++;
      if (result.outcome === 'review') k.review++;
      if (result.outcome === 'not_found') k.notFound++;
      if (correctionsRight && identifiable) k.correctionsRight++;
    };
    const kinds = t.errors.length > 0 ? [...t.errors] : [t.expectedOutcome === 'verified' ? 'none' : `none (${t.expectedOutcome})`];
    if (namesake && !kinds.includes('namesake')) kinds.push('namesake');
    for (const kind of kinds) add(byKind, kind, count);
    const person = t.personalId ? registry.byPersonalId(t.personalId) : undefined;
    add(byAge, person ? ageBand(person.dateOfBirth) : 'not registered', count);
    add(bySex, person ? person.gender : 'not registered', count);
    const miss = namesake ? result.outcome !== 'review' : (linked && !right) || (t.personalId && !right) || (right && !correctionsRight);
    const wanted =
      args.show === 'wrong' ? linked && !right : args.show === 'corrections' ? right && !correctionsRight : miss && kinds.includes(args.show ?? '');
    if (args.show && wanted && shown.length < 25) {
      shown.push(`${JSON.stringify(inputs.get(result.recordId))}\n   truth ${JSON.stringify(person)} ${t.errors.join('+')}\n   got ${JSON.stringify(result)}`);
    }
  };

  let chunk: DoseRecordInput[] = [];
  const flush = () => {
    const started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const results = matchRecordsSync(chunk, registry);
    seconds += Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(cpu);
    cpuSeconds += (used.user + used.system) / 1e6;
    if (args.show) for (const d of chunk) inputs.set(d.recordId, d);
    results.forEach(score);
    inputs.clear();
    chunk = [];
  };
  for await (const dose of rows<DoseRecordInput>('doses.ndjson')) {
    chunk.push(dose);
    if (chunk.length === 1000) flush();
  }
  flush();

  const namesakesSafe = total.namesakes - total.namesakesOther;
  const checks: [string, number, number, string, boolean][] = [
    ['auto-resolved (of identifiable records)', total.autoRight, total.identifiable, '>= 99.8%', total.autoRight >= 0.998 * total.identifiable],
    ['wrong links (of automatic decisions)', total.wrongLinks, total.linked, '0', total.wrongLinks === 0],
    ['corrections right (of corrected links)', total.correctedRight, total.corrected, '>= 99.95%', total.correctedRight >= 0.9995 * total.corrected],
    ['foreign passport records exempt', total.foreignExempt, total.foreign, '100%', total.foreignExempt === total.foreign],
    ['ambiguous namesakes to review', total.namesakesReview, total.namesakes, '>= 97%', total.namesakesReview >= 0.97 * total.namesakes],
    ['namesakes safe (never the other person)', namesakesSafe, total.namesakes, '100%', namesakesSafe === total.namesakes],
    ['namesakes linked to the right person', total.namesakesRight, total.namesakes, '', true],
    ['unregistered people linked', total.unregisteredLinked, total.unregistered, '0', total.unregisteredLinked === 0],
    ['unregistered people sent to review', total.unregisteredReview, total.unregistered, '<= 10%', total.unregisteredReview <= 0.1 * total.unregistered],
    ['results carrying their evidence', total.withEvidence, truth.size, '100%', total.withEvidence === truth.size],
  ];
  const records = truth.size;
  const precision = { n: total.linked - total.wrongLinks, d: total.linked };
  const recall = { n: total.autoRight, d: total.identifiable };
  console.log(`data: ${dir} (${source}); ${registry.size} citizens, ${records} dose records`);
  console.log(
    `matching: ${seconds.toFixed(2)} s wall (${Math.round(records / seconds)} records/s), ` +
      `${cpuSeconds.toFixed(2)} s CPU (${Math.round(records / cpuSeconds)} records per CPU-second)`,
  );
  console.log(
    'identifiable: records of registered people, less ambiguous namesakes (same name and birth date as another ' +
      'citizen, no usable ID, name and birth date fitting both), which must go to review with the person among the candidates\n',
  );
  console.log(`precision (right links of all links)      ${`${precision.n}/${precision.d}`.padStart(14)} ${pct(precision.n, precision.d)}  95% CI ${ci(precision.n, precision.d)}`);
  console.log(`recall (right links of identifiable)      ${`${recall.n}/${recall.d}`.padStart(14)} ${pct(recall.n, recall.d)}  95% CI ${ci(recall.n, recall.d)}\n`);
  console.log(`${'metric'.padEnd(42)} ${'count'.padStart(14)} ${'value'.padStart(8)}  target    ok`);
  for (const [label, n, d, target, ok] of checks) {
    console.log(`${label.padEnd(42)} ${`${n}/${d}`.padStart(14)} ${pct(n, d)}  ${target.padEnd(8)}  ${ok ? 'yes' : 'NO'}`);
  }
  const table = (title: string, map: Map<string, Tally>, order?: readonly string[]) => {
    console.log(`\n${title.padEnd(24)} ${TALLY_HEAD}`);
    const entries = [...map.entries()];
    if (order) entries.sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
    else entries.sort((a, b) => b[1].records - a[1].records);
    for (const [key, k] of entries) console.log(tallyRow(key, k));
  };
  table('error kind', byKind);
  table('age band (31/12/2022)', byAge, ['0-17', '18-39', '40-59', '60-74', '75+', 'unknown', 'not registered']);
  table('sex (registry)', bySex, ['female', 'male', 'not registered']);
  console.log(`\n${'links by rule'.padEnd(24)} ${'links'.padStart(8)} ${'wrong'.padStart(6)} ${'unregistered'.padStart(12)} ${'namesakes'.padStart(9)}`);
  for (const [rule, r] of [...byRule.entries()].sort((a, b) => b[1].links - a[1].links)) {
    console.log(`${rule.padEnd(24)} ${String(r.links).padStart(8)} ${String(r.wrong).padStart(6)} ${String(r.unregistered).padStart(12)} ${String(r.namesakes).padStart(9)}`);
  }
  console.log('\nidentifiable records left to people or not found, by error combination (top 15)');
  for (const [combo, n] of [...leftOver.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${combo.padEnd(60)} ${n}`);
  console.log('\nexpected → actual');
  for (const [pair, n] of [...confusion.entries()].sort()) console.log(`  ${pair.padEnd(28)} ${n}`);
  if (shown.length > 0) console.log(`\nmisses of ${args.show}:\n${shown.join('\n')}`);
  if (args.json) {
    const obj = (map: Map<string, Tally>) =>
      Object.fromEntries([...map.entries()].map(([key, k]) => [key, { ...k, recall: k.identifiable ? k.auto / k.identifiable : null, recallCi: wilson(k.auto, k.identifiable) }]));
    console.log(
      JSON.stringify({
        people, seed, records, citizens: registry.size, cpuSeconds, recordsPerCpuSecond: records / cpuSeconds,
        precision: { ...precision, value: precision.n / precision.d, ci95: wilson(precision.n, precision.d) },
        recall: { ...recall, value: recall.n / recall.d, ci95: wilson(recall.n, recall.d) },
        checks: checks.map(([label, n, d, target, ok]) => ({ label, n, d, target, ok })),
        totals: total, byKind: obj(byKind), byAge: obj(byAge), bySex: obj(bySex),
        leftOver: Object.fromEntries(leftOver), byRule: Object.fromEntries(byRule),
      }),
    );
  }
  if (!checks.every((c) => c[4])) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
