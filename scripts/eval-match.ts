/**
 * `npm run eval:match [-- --people N --seed S --dir DIR --regenerate --show KIND --not-in-registry-rate R]`: quality of
 * the matcher on data from `vaxverify generate` (population.ndjson, doses.ndjson, truth.ndjson).
 * Exits 1 when a target of issue 19 is missed. `--show KIND` prints a few misses of that error
 * kind, `--show wrong` the wrong links (synthetic people only).
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
  },
});
const people = Number(args.people);
const seed = Number(args.seed);
const unregisteredRate = args['not-in-registry-rate'];
/** `g3`: the generator of issue 19 (older folders hold other kinds). */
const dir = args.dir ?? join(tmpdir(), `vaxverify-eval-g3-${people}-${seed}${unregisteredRate ? `-u${unregisteredRate}` : ''}`);

async function* rows<T>(file: string): AsyncGenerator<T> {
  for await (const row of readRecords(join(dir, file), { format: 'ndjson' })) if (row.record) yield row.record as T;
}

const FIELDS = ['idNumber', 'fullName', 'dateOfBirth', 'gender'] as const;
function sameCorrections(a: Corrections | undefined, b: Corrections | undefined): boolean {
  return FIELDS.every((f) => (a?.[f] ?? null) === (b?.[f] ?? null));
}


interface Tally {
  records: number;
  auto: number;
  wrong: number;
  review: number;
  notFound: number;
  correctionsRight: number;
}
const newTally = (): Tally => ({ records: 0, auto: 0, wrong: 0, review: 0, notFound: 0, correctionsRight: 0 });

const pct = (n: number, d: number) => (d === 0 ? '    -' : `${((100 * n) / d).toFixed(2).padStart(6)}%`);

async function main(): Promise<void> {
  const extra = unregisteredRate ? ['--not-in-registry-rate', unregisteredRate] : [];
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
    namesakes: 0, namesakesReview: 0, namesakesOther: 0, unregistered: 0, unregisteredLinked: 0, unregisteredReview: 0,
  };
  const byKind = new Map<string, Tally>();
  const confusion = new Map<string, number>();
  const shown: string[] = [];
  const inputs = new Map<string, DoseRecordInput>();
  let seconds = 0;
  let cpuSeconds = 0;

  const score = (result: MatchResult) => {
    const t = truth.get(result.recordId);
    if (!t) return;
    const linked = result.outcome === 'verified' || result.outcome === 'corrected';
    const right = linked && result.personalId === t.personalId;
    const correctionsRight = right && sameCorrections(result.corrections, t.expectedCorrections);
    const namesake = isNamesakeCase(t);
    confusion.set(`${t.expectedOutcome} → ${result.outcome}`, (confusion.get(`${t.expectedOutcome} → ${result.outcome}`) ?? 0) + 1);
    if (namesake) {
      total.namesakes++;
      if (result.outcome === 'review' && result.candidates?.some((c) => c.personalId === t.personalId)) total.namesakesReview++;
      if (linked && !right) total.namesakesOther++;
    } else if (t.personalId) {
      total.identifiable++;
      if (right) total.autoRight++;
    }
    if (linked) {
      total.linked++;
      if (!right) total.wrongLinks++;
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
    const kinds = t.errors.length > 0 ? [...t.errors] : [t.expectedOutcome === 'verified' ? 'none' : `none (${t.expectedOutcome})`];
    if (namesake && !kinds.includes('namesake')) kinds.push('namesake');
    for (const kind of kinds) {
      const k = byKind.get(kind) ?? newTally();
      byKind.set(kind, k);
      k.records++;
      if (right) k.auto++;
      if (linked && !right) k.wrong++;
      if (result.outcome === 'review') k.review++;
      if (result.outcome === 'not_found') k.notFound++;
      if (correctionsRight) k.correctionsRight++;
    }
    const miss = namesake ? result.outcome !== 'review' : (linked && !right) || (t.personalId && !right) || (right && !correctionsRight);
    const wanted = args.show === 'wrong' ? linked && !right : miss && kinds.includes(args.show ?? '');
    if (args.show && wanted && shown.length < 25) {
      const c = t.personalId ? registry.byPersonalId(t.personalId) : undefined;
      shown.push(`${JSON.stringify(inputs.get(result.recordId))}\n   truth ${JSON.stringify(c)} ${t.errors.join('+')}\n   got ${JSON.stringify(result)}`);
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

  const checks: [string, number, number, string, boolean][] = [
    ['auto-resolved (of identifiable records)', total.autoRight, total.identifiable, '>= 99.8%', total.autoRight >= 0.998 * total.identifiable],
    ['wrong links (of automatic decisions)', total.wrongLinks, total.linked, '0', total.wrongLinks === 0],
    ['corrections right (of corrected links)', total.correctedRight, total.corrected, '>= 99.95%', total.correctedRight >= 0.9995 * total.corrected],
    ['foreign passport records exempt', total.foreignExempt, total.foreign, '100%', total.foreignExempt === total.foreign],
    ['ambiguous namesakes to review', total.namesakesReview, total.namesakes, '>= 97%', total.namesakesReview >= 0.97 * total.namesakes],
    ['namesakes linked to the other person', total.namesakesOther, total.namesakes, '0', total.namesakesOther === 0],
    ['unregistered people linked', total.unregisteredLinked, total.unregistered, '0', total.unregisteredLinked === 0],
    ['unregistered people sent to review', total.unregisteredReview, total.unregistered, '<= 10%', total.unregisteredReview <= 0.1 * total.unregistered],
  ];
  const records = truth.size;
  console.log(`data: ${dir} (${source}); ${registry.size} citizens, ${records} dose records`);
  console.log(
    `matching: ${seconds.toFixed(2)} s wall (${Math.round(records / seconds)} records/s), ` +
      `${cpuSeconds.toFixed(2)} s CPU (${Math.round(records / cpuSeconds)} records per CPU-second)`,
  );
  console.log(
    'identifiable: records of registered people, less ambiguous namesakes (same name and birth date as another ' +
      'citizen, no usable ID, name and birth date fitting both), which must go to review with the person among the candidates\n',
  );
  console.log(`${'metric'.padEnd(42)} ${'count'.padStart(14)} ${'value'.padStart(8)}  target    ok`);
  for (const [label, n, d, target, ok] of checks) {
    console.log(`${label.padEnd(42)} ${`${n}/${d}`.padStart(14)} ${pct(n, d)}  ${target.padEnd(8)}  ${ok ? 'yes' : 'NO'}`);
  }
  console.log(`\n${'error kind'.padEnd(22)} ${'records'.padStart(8)} ${'auto ok'.padStart(8)} ${'wrong'.padStart(6)} ${'review'.padStart(8)} ${'notfound'.padStart(8)} ${'corr ok'.padStart(8)}`);
  for (const [kind, k] of [...byKind.entries()].sort((a, b) => b[1].records - a[1].records)) {
    console.log(
      `${kind.padEnd(22)} ${String(k.records).padStart(8)} ${pct(k.auto, k.records)} ${String(k.wrong).padStart(6)} ${pct(k.review, k.records)} ${pct(k.notFound, k.records)} ${pct(k.correctionsRight, k.auto)}`,
    );
  }
  console.log('\nexpected → actual');
  for (const [pair, n] of [...confusion.entries()].sort()) console.log(`  ${pair.padEnd(28)} ${n}`);
  if (shown.length > 0) console.log(`\nmisses of ${args.show}:\n${shown.join('\n')}`);
  if (!checks.every((c) => c[4])) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
