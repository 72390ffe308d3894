import { readFileSync } from 'node:fs';
import { InMemoryRegistry, matchRecordsSync } from './src/domain/matching/index.js';
const dir = '/tmp/vaxverify-bench-g2-100000-7';
const read = (f: string) => readFileSync(`${dir}/${f}`, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const reg = InMemoryRegistry.fromCitizens(read('population.ndjson'));
const doses = read('doses.ndjson');
for (let i = 0; i < 3; i++) { const c = process.cpuUsage(); matchRecordsSync(doses, reg); const u = process.cpuUsage(c); console.log(Math.round(doses.length / ((u.user + u.system) / 1e6))); }
