/**
 * `npm run registry -- [--population FILE] [--port 4100] [--quota 1500] [--search-quota 150]
 *   [--latency 50-400] [--error-rate 0.01] [--outage 20:120,...] [--capacity 64] [--overload-limit 128]
 *   [--no-values]`
 *
 * The population register's authentication service, local (stand-ins/registry, the contract in
 * docs/registry-api.md). `--outage AT:SECONDS` schedules an outage AT seconds after start.
 * Local use only; the client credentials are printed.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_REGISTRY_CLIENT, startRegistryStandIn } from '../stand-ins/registry/server.js';

const { values: a } = parseArgs({
  options: {
    population: { type: 'string' }, port: { type: 'string', default: '4100' }, quota: { type: 'string', default: '1500' },
    'search-quota': { type: 'string' }, latency: { type: 'string', default: '50-400' }, 'error-rate': { type: 'string', default: '0' },
    outage: { type: 'string', default: '' }, capacity: { type: 'string', default: '64' }, 'overload-limit': { type: 'string' },
    'no-values': { type: 'boolean', default: false },
  },
});
const [min, max] = a.latency!.split('-').map(Number);
const registry = await startRegistryStandIn({
  port: Number(a.port),
  ...(a.population ? { populationFile: a.population } : {}),
  clients: { [DEFAULT_REGISTRY_CLIENT.id]: { secret: DEFAULT_REGISTRY_CLIENT.secret, values: !a['no-values'] } },
  quota: Number(a.quota),
  ...(a['search-quota'] ? { searchQuota: Number(a['search-quota']) } : {}),
  latencyMs: [min ?? 50, max ?? min ?? 400],
  errorRate: Number(a['error-rate']),
  outages: a.outage!.split(',').filter(Boolean).map((o) => { const [at, s] = o.split(':').map(Number); return { atMs: at! * 1000, durationMs: s! * 1000 }; }),
  capacity: Number(a.capacity),
  ...(a['overload-limit'] ? { overloadLimit: Number(a['overload-limit']) } : {}),
});
console.log(`population register stand-in at ${registry.url} (${registry.population} citizens)
Run vaxverify against it with:
  REGISTRY_MODE=authority REGISTRY_URL=${registry.url} REGISTRY_CLIENT_ID=${DEFAULT_REGISTRY_CLIENT.id} REGISTRY_CLIENT_SECRET=${DEFAULT_REGISTRY_CLIENT.secret}
Counters: GET ${registry.url}/_stats`);
const stop = () => { void registry.close().then(() => process.exit(0)); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
