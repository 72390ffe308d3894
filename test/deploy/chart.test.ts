import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { envSchema, parseEnv } from '../../src/config/index.js';
import { verificationQueueNames } from '../../queues/province-groups.queue.js';

/**
 * The Helm chart's invariants, on the manifests `helm template` renders with the dev and the
 * national values. `npm run chart:check` lints and renders first and passes the folder in
 * CHART_RENDER_DIR; run alone, this file renders through the same script (which builds helm
 * from the Go module proxy once and caches it).
 */
const CHART = 'deploy/helm/vaxverify';
type Doc = { kind: string; apiVersion: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; data?: Record<string, string>; stringData?: Record<string, string> };
type Env = 'dev' | 'national';

let dir = process.env.CHART_RENDER_DIR ?? '';
let own = false;
const rendered: Record<Env, Doc[]> = { dev: [], national: [] };
const values: Record<Env, any> = { dev: {}, national: {} };

/** Values as helm merges them for these tests' purposes: the env file over the chart's defaults. */
function mergeValues(base: any, over: any): any {
  if (Array.isArray(over) || typeof over !== 'object' || over === null) return over ?? base;
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in out ? mergeValues(out[k], v) : v;
  return out;
}

beforeAll(() => {
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'vv-chart-'));
    own = true;
    // Builds helm on first use (minutes), then lints and renders both values files.
    execFileSync('bash', ['scripts/chart-check.sh', '--render', dir], { stdio: ['ignore', 'inherit', 'inherit'] });
  }
  const defaults = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8'));
  for (const env of ['dev', 'national'] as const) {
    rendered[env] = parseAllDocuments(readFileSync(join(dir, `${env}.yaml`), 'utf8')).map((d) => d.toJSON()).filter(Boolean);
    values[env] = mergeValues(defaults, parse(readFileSync(join(CHART, `values-${env}.yaml`), 'utf8')));
  }
}, 20 * 60_000);

afterAll(() => { if (own) rmSync(dir, { recursive: true, force: true }); });

const of = (env: Env, kind: string) => rendered[env].filter((d) => d.kind === kind);
const configMap = (env: Env) => of(env, 'ConfigMap')[0]!.data!;
const secret = (env: Env) => of(env, 'Secret')[0]?.stringData ?? {};
const envOf = (d: Doc) => Object.fromEntries(((d.spec.template.spec.containers[0].env ?? []) as { name: string; value: string }[]).map((e) => [e.name, e.value]));
/** What a Deployment's process sees: the ConfigMap, the Secret (or placeholders for an external one), then its own env. */
function processEnv(env: Env, d: Doc): Record<string, string> {
  const secrets = of(env, 'Secret').length > 0 ? secret(env)
    : Object.fromEntries((values[env].secretKeys as string[]).map((k) => [k, k.endsWith('_URL') ? (k === 'MONGO_URL' ? 'mongodb://u:p@mongo/vaxverify' : 'redis://:p@vaxverify/0') : 'placeholder-secret-0123456789']));
  return { ...configMap(env), ...secrets, ...envOf(d) };
}
const workers = (env: Env) => of(env, 'Deployment').filter((d) => d.metadata.labels?.['vaxverify.gov.vn/worker']);
const api = (env: Env) => of(env, 'Deployment').find((d) => d.metadata.name.endsWith('-api'))!;
const mi = (q: string) => (q.endsWith('Gi') ? Number(q.slice(0, -2)) * 1024 : q.endsWith('Mi') ? Number(q.slice(0, -2)) : Number.NaN);

describe.each(['dev', 'national'] as const)('chart rendered with values-%s.yaml', (env) => {
  it('renders the API, a worker Deployment per queue group and province group, the init Job', () => {
    const names = of(env, 'Deployment').map((d) => d.metadata.name);
    expect(names).toContain(api(env).metadata.name);
    for (const w of ['planner', 'deadlines', 'notifications', 'import', 'dashboard']) expect(names.some((n) => n.endsWith(`-worker-${w}`))).toBe(true);
    for (const g of values[env].provinceGroups) expect(names.some((n) => n.endsWith(`-worker-verify-${g.name}`))).toBe(true);
    expect(of(env, 'Job').map((j) => j.spec.template.spec.containers[0].command.join(' '))).toEqual(['node bin/vaxverify.js localities import']);
  });

  it('every Deployment has probes, requests and limits, a grace period past its shutdown limit, non-root and a read-only root filesystem', () => {
    for (const d of of(env, 'Deployment')) {
      const pod = d.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot, d.metadata.name).toBe(true);
      expect(pod.securityContext.runAsUser, d.metadata.name).toBeGreaterThan(0);
      for (const c of pod.containers) {
        expect(c.readinessProbe?.httpGet, `${d.metadata.name} readiness`).toBeTruthy();
        expect(c.livenessProbe?.httpGet, `${d.metadata.name} liveness`).toBeTruthy();
        for (const k of ['requests', 'limits']) for (const r of ['cpu', 'memory']) expect(c.resources?.[k]?.[r], `${d.metadata.name} ${k}.${r}`).toBeTruthy();
        expect(c.securityContext.readOnlyRootFilesystem, d.metadata.name).toBe(true);
        expect(c.securityContext.allowPrivilegeEscalation, d.metadata.name).toBe(false);
        expect(c.securityContext.capabilities.drop).toContain('ALL');
        // A read-only root: node and exceljs still need a writable /tmp.
        expect(c.volumeMounts.some((m: { mountPath: string }) => m.mountPath === '/tmp')).toBe(true);
      }
      const shutdownS = Number(processEnv(env, d).SHUTDOWN_TIMEOUT_MS) / 1000;
      expect(pod.terminationGracePeriodSeconds, `${d.metadata.name} grace > SHUTDOWN_TIMEOUT_MS`).toBeGreaterThan(shutdownS);
    }
  });

  it('workers that run chunks drain a whole chunk before they are killed', () => {
    const chunkQueues = verificationQueueNames(values[env].provinceGroups);
    const chunkWorkers = workers(env).filter((d) => envOf(d).WORKER_QUEUES!.split(',').some((q) => chunkQueues.includes(q)));
    expect(chunkWorkers.length).toBe(1 + values[env].provinceGroups.length);
    for (const d of chunkWorkers) {
      expect(Number(envOf(d).SHUTDOWN_TIMEOUT_MS) / 1000, d.metadata.name).toBeGreaterThan(values[env].chunkSecondsMax);
    }
  });

  it('the API is ready on /readyz and alive on /healthz through the internal port, with an HPA and a PDB', () => {
    const c = api(env).spec.template.spec.containers[0];
    const internal = c.ports.find((p: { name: string }) => p.name === 'internal');
    expect(String(internal.containerPort)).toBe(configMap(env).INTERNAL_PORT);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'internal' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'internal' });
    const pdb = of(env, 'PodDisruptionBudget').find((p) => p.metadata.name === api(env).metadata.name)!;
    expect(pdb.spec.selector.matchLabels).toEqual(api(env).spec.selector.matchLabels);
    const hpa = of(env, 'HorizontalPodAutoscaler');
    if (values[env].api.hpa.enabled) {
      expect(hpa.map((h) => h.spec.scaleTargetRef.name)).toEqual([api(env).metadata.name]);
      expect(hpa[0]!.spec.metrics[0].resource.name).toBe('cpu');
      const pods = hpa[0]!.spec.metrics.filter((m: { type: string }) => m.type === 'Pods');
      const latency = pods.find((m: { pods: { metric: { name: string } } }) => m.pods.metric.name === 'vaxverify_http_request_p95_seconds');
      // The shedder's signals, where the cluster's adapter serves them.
      const shedSignals = pods.map((m: { pods: { metric: { name: string } } }) => m.pods.metric.name).filter((n: string) => n !== 'vaxverify_http_request_p95_seconds');
      expect(shedSignals).toEqual(values[env].api.hpa.saturation?.enabled ? ['vaxverify_http_saturation', 'vaxverify_http_shed_per_second'] : []);
      if (values[env].api.hpa.latency?.enabled) {
        expect(latency.pods.metric.name).toBe('vaxverify_http_request_p95_seconds');
        expect(latency.pods.target).toEqual({ type: 'AverageValue', averageValue: '300m' });
      } else {
        expect(latency).toBeUndefined();
      }
      expect(api(env).spec.replicas).toBeUndefined();
    } else {
      expect(hpa).toEqual([]);
    }
    // The ingress, if any, goes to the public port only.
    for (const ing of of(env, 'Ingress')) expect(JSON.stringify(ing.spec)).not.toContain('internal');
  });

  it('wires every setting of src/config, secrets only in the Secret, and the result parses', () => {
    const cm = configMap(env);
    const secretKeys: string[] = values[env].secretKeys;
    // The Secret (the chart's, or the one named by existingSecret) carries secretKeys; only those.
    expect(Object.keys(secret(env)).filter((k) => !secretKeys.includes(k))).toEqual([]);
    const missing = Object.keys(envSchema.shape).filter((k) => !(k in cm) && !secretKeys.includes(k));
    expect(missing, 'settings of src/config/index.ts the chart does not set (add them to values.yaml config or secretKeys)').toEqual([]);
    expect(Object.keys(cm).filter((k) => secretKeys.includes(k))).toEqual([]);
    // No secret value, or a URL's password, is copied into the ConfigMap.
    for (const [k, v] of Object.entries(secret(env))) {
      const password = /^[a-z+]+:\/\/[^:@/]*:([^@]+)@/.exec(v)?.[1];
      for (const needle of [v, password].filter(Boolean) as string[]) {
        for (const [ck, cv] of Object.entries(cm)) expect(cv.includes(needle), `${k}'s value in ConfigMap ${ck}`).toBe(false);
      }
    }
    // Every workload reads the ConfigMap and the Secret, and what it then sees is a valid config.
    const secretName = of(env, 'Secret')[0]?.metadata.name ?? values[env].secrets.existingSecret;
    for (const d of [...of(env, 'Deployment'), ...of(env, 'Job')]) {
      const refs = d.spec.template.spec.containers[0].envFrom;
      expect(refs).toEqual([{ configMapRef: { name: of(env, 'ConfigMap')[0]!.metadata.name } }, { secretRef: { name: secretName } }]);
    }
    for (const d of of(env, 'Deployment')) expect(() => parseEnv(processEnv(env, d)), d.metadata.name).not.toThrow();
  });

  it('places each province group on its own queue and sizes its memory from the snapshot per million citizens', () => {
    const groups = values[env].provinceGroups as { name: string; provinces: string[]; largestProvinceMillions: number }[];
    const parsed = parseEnv({ ...configMap(env), REDIS_URL: 'redis://x:6379' }).PROVINCE_GROUPS;
    expect(parsed).toEqual(groups.map((g) => ({ name: g.name, provinces: g.provinces })));
    for (const g of groups) {
      const d = workers(env).find((w) => w.metadata.labels!['vaxverify.gov.vn/province-group'] === g.name)!;
      expect(envOf(d).WORKER_QUEUES).toBe(`verification-${g.name}`);
      const slots = Number(envOf(d).SNAPSHOT_MAX_PROVINCES);
      expect(slots).toBe(Math.min(g.provinces.length, values[env].snapshot.maxSlotsPerWorker));
      const limit = mi(d.spec.template.spec.containers[0].resources.limits.memory);
      expect(limit).toBeGreaterThanOrEqual(values[env].verificationGroup.baseMemoryMi + slots * values[env].snapshot.mbPerMillionCitizens * g.largestProvinceMillions);
      // The JS heap may use most of it, never all of it (the snapshot's columns live off-heap).
      expect(Number(/--max-old-space-size=(\d+)/.exec(envOf(d).NODE_OPTIONS!)![1])).toBeLessThan(limit);
    }
  });

  it('the API and the import workers share the uploads volume, writable (the import writes its rejects beside the upload)', () => {
    const mountsOf = (d: Doc) => (d.spec.template.spec.containers[0].volumeMounts as { name: string; mountPath: string; readOnly?: boolean }[]).filter((m) => m.name === 'uploads');
    const importer = workers(env).find((d) => d.metadata.name.endsWith('-worker-import'))!;
    for (const d of [api(env), importer]) {
      expect(mountsOf(d), d.metadata.name).toEqual([{ name: 'uploads', mountPath: configMap(env).UPLOAD_DIR }]);
    }
    const claims = [api(env), importer].map((d) => d.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'uploads').persistentVolumeClaim.claimName);
    expect(new Set(claims).size).toBe(1);
    // Only those two: no other worker sees uploaded personal data files.
    for (const d of workers(env).filter((w) => w !== importer)) expect(mountsOf(d), d.metadata.name).toEqual([]);
  });

  it('lets workers reach only Redis and MongoDB (and DNS); the notifications workers also their webhook hosts', () => {
    const np = values[env].networkPolicy;
    const allowed = new Set<number>([53, ...np.redis.ports, ...np.mongo.ports]);
    for (const d of workers(env)) {
      const policy = of(env, 'NetworkPolicy').find((p) => JSON.stringify(p.spec.podSelector.matchLabels) === JSON.stringify(d.spec.selector.matchLabels));
      expect(policy, `${d.metadata.name} has a NetworkPolicy`).toBeTruthy();
      expect(policy!.spec.policyTypes).toEqual(['Ingress', 'Egress']);
      for (const rule of policy!.spec.egress) {
        // An egress rule without `to` would allow every destination.
        expect(rule.to?.length, `${d.metadata.name}: egress rule names its peers`).toBeGreaterThan(0);
        const isWebhook = d.metadata.name.endsWith('-worker-notifications') && JSON.stringify(rule.to) === JSON.stringify(np.webhooks.to);
        if (!isWebhook) for (const p of rule.ports) expect(allowed.has(p.port), `${d.metadata.name} egress port ${p.port}`).toBe(true);
      }
    }
  });
});

describe('KEDA autoscaling on queue depth', () => {
  it('dev renders no ScaledObject and fixed replicas', () => {
    expect(of('dev', 'ScaledObject')).toEqual([]);
    for (const d of workers('dev')) expect(d.spec.replicas).toBeGreaterThanOrEqual(1);
  });

  it('national: one ScaledObject per worker Deployment, a Prometheus trigger on each of its queues', () => {
    const scaled = of('national', 'ScaledObject');
    expect(scaled.map((s) => s.spec.scaleTargetRef.name).sort()).toEqual(workers('national').map((d) => d.metadata.name).sort());
    for (const d of workers('national')) {
      const s = scaled.find((x) => x.spec.scaleTargetRef.name === d.metadata.name)!;
      // KEDA owns the replica count: a Deployment that also sets it would fight the HPA on every upgrade.
      expect(d.spec.replicas, d.metadata.name).toBeUndefined();
      const queues = envOf(d).WORKER_QUEUES!.split(',');
      expect(s.spec.triggers.map((t: { type: string }) => t.type)).toEqual(queues.map(() => 'prometheus'));
      for (const [i, q] of queues.entries()) {
        const m = s.spec.triggers[i].metadata;
        expect(m.serverAddress).toBe(values.national.keda.prometheus.serverAddress);
        expect(m.query).toContain('vaxverify_queue_jobs{');
        expect(m.query).toContain(`queue="${q}"`);
        // The same gauge comes from every API replica: max over replicas, then the sum of states.
        expect(m.query).toMatch(/^sum\(max by \(queue, state\)/);
        expect(m.query).toContain('waiting');
        expect(Number(m.threshold)).toBeGreaterThan(0);
      }
      expect(s.spec.fallback.replicas).toBeGreaterThanOrEqual(1);
      expect(s.spec.maxReplicaCount).toBeGreaterThanOrEqual(Math.max(1, s.spec.minReplicaCount));
    }
  });

  it('idle queues scale to zero except deadlines (and the single dashboard rollup)', () => {
    const min = (suffix: string) => of('national', 'ScaledObject').find((s) => s.spec.scaleTargetRef.name.endsWith(suffix))!.spec.minReplicaCount;
    expect(min('-worker-deadlines')).toBe(1);
    expect(min('-worker-dashboard')).toBe(1);
    for (const w of ['planner', 'notifications', 'import', ...values.national.provinceGroups.map((g: { name: string }) => `verify-${g.name}`)]) {
      expect(min(`-worker-${w}`), w).toBe(0);
    }
    // Chunk retries wait in `delayed`: a verification worker must come back for them.
    const verify = of('national', 'ScaledObject').find((s) => s.spec.scaleTargetRef.name.endsWith('-worker-verify-hanoi'))!;
    expect(verify.spec.triggers[0].metadata.query).toContain('delayed');
    // The deadlines timers are delayed for days: not load, not counted.
    const deadlines = of('national', 'ScaledObject').find((s) => s.spec.scaleTargetRef.name.endsWith('-worker-deadlines'))!;
    expect(deadlines.spec.triggers[0].metadata.query).not.toContain('delayed');
  });

  it('national province groups cover every province of the administrative units file exactly once', () => {
    const provinces = readFileSync('data/vn-admin-units-2022-04.csv', 'utf8').split('\n').slice(1)
      .map((l) => l.split(',')).filter((f) => f[3] === 'province').map((f) => f[0]);
    const grouped = values.national.provinceGroups.flatMap((g: { provinces: string[] }) => g.provinces);
    expect([...grouped].sort()).toEqual([...provinces].sort());
  });
});
