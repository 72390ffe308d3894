/**
 * `npm run bench:snapshot-memory -- FILE`: memory of a worker's registry snapshot. Loads the
 * citizens of a generated population file (NDJSON) into the matcher's InMemoryRegistry, as
 * the worker does, and prints heap and RSS growth per million citizens.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { InMemoryRegistry } from '../src/domain/matching/index.js';
import type { Citizen } from '../src/domain/records.js';

const file = process.argv[2];
if (!file) throw new Error('usage: bench-snapshot-memory FILE (population.ndjson from vaxverify generate)');
const citizens: Citizen[] = [];
for await (const line of createInterface({ input: createReadStream(file) })) if (line.trim()) citizens.push(JSON.parse(line) as Citizen);
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
