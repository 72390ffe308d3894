/**
 * `npm run bench:snapshot-memory -- POPULATION [DOSES]`: what a worker's registry costs.
 * - The snapshot: loads the citizens of a generated population file (NDJSON) into the matcher's
 *   InMemoryRegistry, as the worker does, and prints heap and RSS growth per million citizens.
 * - With a doses file (NDJSON from `vaxverify generate`): the other option, batched indexed
 *   reads. The records are matched against the snapshot through a registry that counts the
 *   `findCandidates` calls the matcher makes (1,000 records per call, as in a chunk batch) and,
 *   for each, the finds MongoRegistry's `in` strategy sends for those keys: one per key kind
 *   with `$in`, and one per distinct folded name. Printed as store commands per 1,000 records.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseDoseRow } from '../src/domain/import/index.js';
import { InMemoryRegistry, matchRecords, type BlockingKeys, type RegistryLookup } from '../src/domain/matching/index.js';
import type { Citizen, DoseRecordInput } from '../src/domain/records.js';

const [file, dosesFile] = process.argv.slice(2);
if (!file) throw new Error('usage: bench-snapshot-memory POPULATION [DOSES] (NDJSON files from vaxverify generate)');
const lines = async function* (path: string) {
  for await (const line of createInterface({ input: createReadStream(path) })) if (line.trim()) yield JSON.parse(line) as Record<string, unknown>;
};
const citizens: Citizen[] = [];
for await (const c of lines(file)) citizens.push(c as unknown as Citizen);
globalThis.gc?.();
const before = process.memoryUsage();
const t = performance.now();
const registry = InMemoryRegistry.fromCitizens(citizens);
const seconds = (performance.now() - t) / 1000;
globalThis.gc?.();
const after = process.memoryUsage();
const perMillion = (bytes: number) => Math.round((bytes / registry.size) * 1e6 / 1048576);
console.log(`citizens ${registry.size}, built in ${seconds.toFixed(2)} s`);
console.log(`heap growth ${Math.round((after.heapUsed - before.heapUsed) / 1048576)} MB (${perMillion(after.heapUsed - before.heapUsed)} MB per million)`);
console.log(`heap+external+arrayBuffers growth ${perMillion(after.heapUsed + after.arrayBuffers + after.external - before.heapUsed - before.arrayBuffers - before.external)} MB per million`);

if (dosesFile) {
  /** The snapshot's answers, counting what the batched-reads registry would have sent for the same keys. */
  class CountingRegistry implements RegistryLookup {
    calls = 0;
    finds = 0;
    async findCandidates(keys: BlockingKeys) {
      this.calls++;
      const kinds = [keys.personalIds, keys.oldIdNumbers, keys.maskedKeys ?? []].filter((k) => k.length > 0).length;
      this.finds += kinds + new Set(keys.nameYears.map((k) => k.nameKey)).size;
      return registry.findCandidates(keys);
    }
  }
  const records: DoseRecordInput[] = [];
  for await (const row of lines(dosesFile)) {
    const parsed = parseDoseRow(row);
    if (parsed.ok) records.push(parsed.value as unknown as DoseRecordInput);
  }
  const counting = new CountingRegistry();
  // One chunk batch of 1,000 records per call, as the worker's BATCH_SIZE default.
  for (let i = 0; i < records.length; i += 1000) await matchRecords(records.slice(i, i + 1000), counting, { chunkSize: 1000 });
  const per1000 = (n: number) => ((n / records.length) * 1000).toFixed(1);
  console.log(`batched indexed reads over ${records.length} dose records: ${counting.calls} findCandidates calls, ` +
    `${counting.finds} finds (${per1000(counting.finds)} store commands per 1,000 records; the snapshot sends none for these keys)`);
}
