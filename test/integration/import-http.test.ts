import type { Server } from 'node:http';
import { behindRouteTable } from '../helpers/route-table-app.js';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'bullmq';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHierarchy, parseAdminUnitRow, type AdminUnitRow } from '../../src/domain/admin-units/index.js';
import { errorHandler, notFound } from '../../src/http/errors.js';
import { importsRouter } from '../../src/imports/imports.router.js';
import { localitiesRepository } from '../../src/db/repositories/localities.repository.js';
import { localitiesRouter } from '../../src/localities/localities.router.js';
import { upsertLocalities } from '../../src/imports/localities.import.js';
import { createLogger } from '../../src/lib/logger.js';
import { allQueues, closeQueues, type Queues } from '../../queues/registry.js';
import { IMPORT_QUEUE, ImportJob, importJobId } from '../../queues/import.queue.js';
import { processImport } from '../../workers/import.processor.js';
import { createTestContext, waitFor, type TestContext } from '../helpers/context.js';

let ctx: TestContext;
let queues: Queues;
let worker: Worker;
let server: Server;
let base: string;
let uploadDir: string;
const log = createLogger({ level: 'silent' });

const UNITS = [
  ['01', 'Thành phố Hà Nội', 'Thành phố Trung ương', 'province', ''],
  ['79', 'Thành phố Hồ Chí Minh', 'Thành phố Trung ương', 'province', ''],
  ['001', 'Quận Ba Đình', 'Quận', 'district', '01'],
  ['002', 'Quận Hoàn Kiếm', 'Quận', 'district', '01'],
  ['00001', 'Phường Phúc Xá', 'Phường', 'commune', '001'],
  ['00004', 'Phường Trúc Bạch', 'Phường', 'commune', '001'],
  ['00037', 'Phường Phúc Tân', 'Phường', 'commune', '002'],
] as const;

beforeAll(async () => {
  ctx = await createTestContext('import-http');
  uploadDir = await mkdtemp(join(tmpdir(), 'vv-uploads-'));
  queues = allQueues(ctx.redis, ctx.prefix);
  worker = new Worker(IMPORT_QUEUE, (job) => processImport(job, { store: ctx.db.store, log, uploadDir }), { connection: ctx.redis, prefix: ctx.prefix });
  const app = express();
  app.use(behindRouteTable(ctx.db.models));
  app.use(localitiesRouter({ localities: localitiesRepository(ctx.db.store) }));
  app.use(importsRouter({ queues, uploadDir, store: ctx.db.store }));
  app.use(notFound);
  app.use(errorHandler(log));
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await worker?.close();
  if (queues) await closeQueues(queues);
  await ctx?.close();
  await rm(uploadDir, { recursive: true, force: true });
});

const get = async (path: string) => {
  const res = await fetch(base + path);
  return { status: res.status, body: (await res.json()) as any };
};

describe('localities', () => {
  beforeAll(async () => {
    const rows = UNITS.map(([code, name, type, level, parent_code]) => {
      const r = parseAdminUnitRow({ code, name, type, level, parent_code });
      if (!r.ok) throw new Error(r.reason);
      return r.unit as AdminUnitRow;
    });
    const { units, problems } = buildHierarchy(rows);
    expect(problems).toEqual([]);
    expect(await upsertLocalities(ctx.db.store, units.values())).toEqual({ inserted: 7, updated: 0, unchanged: 0 });
    expect(await upsertLocalities(ctx.db.store, units.values())).toEqual({ inserted: 0, updated: 0, unchanged: 7 });
  });

  it('lists provinces, a unit with its parents, and children by level', async () => {
    const provinces = await get('/api/localities?level=province');
    expect(provinces.body.items.map((u: any) => u.code)).toEqual(['01', '79']);
    const commune = await get('/api/localities/00037');
    expect(commune.body.unit).toMatchObject({ code: '00037', provinceCode: '01', districtCode: '002' });
    expect(commune.body.parents.map((u: any) => u.code)).toEqual(['01', '002']);
    const districts = await get('/api/localities/01/children');
    expect(districts.body.items.map((u: any) => u.code)).toEqual(['001', '002']);
    const communes = await get('/api/localities/01/children?level=commune&limit=2&page=2');
    expect(communes.body).toMatchObject({ total: 3, page: 2, limit: 2 });
    expect(communes.body.items.map((u: any) => u.code)).toEqual(['00037']);
  });

  it('answers 404 for an unknown unit and 400 for a bad code or level', async () => {
    expect((await get('/api/localities/99999')).status).toBe(404);
    expect((await get('/api/localities/12a')).status).toBe(400);
    expect((await get('/api/localities/00001/children?level=province')).status).toBe(400);
  });
});

describe('imports over HTTP', () => {
  it('accepts a CSV upload, imports it in a job, and reports progress, counts and rejects', async () => {
    const csv = ['recordId,fullName,dateOfBirth,gender,idNumber,nationality,communeCode', 'H1,Nguyễn Văn An,1990,Nam,001090123456,VN,00001', 'H2,Lê Thị B,1991,Nữ,,VN,1', 'H3,Trần C,1992,Nam,,VN,00004'].join('\n');
    const res = await fetch(`${base}/api/imports/doses`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(res.status).toBe(202);
    const { importId, jobId } = (await res.json()) as { importId: string; jobId: string };
    expect(jobId).toBe(`import__${importId}`);
    const job = await queues[IMPORT_QUEUE].getJob(jobId);
    expect(JSON.stringify(job!.data)).not.toMatch(/Nguyễn|001090123456/);
    const done = await waitFor(async () => {
      const s = await get(`/api/imports/${importId}`);
      return s.body.state === 'completed' ? s.body : null;
    }, 30_000, 'import job to complete');
    expect(done.summary).toMatchObject({ kind: 'doses', inserted: 2, rejected: 1 });
    expect(done.progress).toMatchObject({ inserted: 2, rejected: 1, percent: 100 });
    expect(done.rejects.sample).toEqual([{ line: 3, field: 'communeCode', reason: 'must be a 5-digit commune code' }]);
    expect(await ctx.db.models.DoseRecord.countDocuments({ recordId: { $in: ['H1', 'H3'] } })).toBe(2);
  });

  it('rejects an unknown kind, an empty body and an unknown import id', async () => {
    expect((await fetch(`${base}/api/imports/people`, { method: 'POST', body: 'x' })).status).toBe(400);
    expect((await fetch(`${base}/api/imports/doses`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: '' })).status).toBe(400);
    expect((await get('/api/imports/3f1c3d0e-8a52-4c1b-9a54-0f0e7d9f2b11')).status).toBe(404);
  });

  it('the worker refuses a job whose path points outside UPLOAD_DIR (edited in Redis or Bull Board)', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'vv-outside-'));
    const target = join(outside, 'doses.csv');
    await writeFile(target, 'recordId,fullName,dateOfBirth,gender,idNumber,nationality,communeCode\nX1,Nguyễn Văn An,1990,Nam,001090123456,VN,00001\n');
    const paths = { direct: target, traversal: join(uploadDir, '..', outside.split('/').pop()!, 'doses.csv') };
    for (const [name, path] of Object.entries(paths)) {
      const uploadId = randomUUID();
      await queues[IMPORT_QUEUE].add(ImportJob.file, { kind: 'doses', uploadId, path, format: 'csv' }, { jobId: importJobId(uploadId) });
      const failed = await waitFor(async () => {
        // State first, then the job: a job read before it failed has no failedReason yet.
        if ((await queues[IMPORT_QUEUE].getJobState(importJobId(uploadId))) !== 'failed') return null;
        return (await queues[IMPORT_QUEUE].getJob(importJobId(uploadId))) ?? null;
      }, 30_000, `the ${name} job to fail`);
      expect(failed.failedReason).toMatch(/not inside UPLOAD_DIR/);
      expect(failed.attemptsMade).toBe(1); // unrecoverable: not retried
    }
    expect(await ctx.db.models.DoseRecord.countDocuments({ recordId: 'X1' })).toBe(0);
    await rm(outside, { recursive: true, force: true });
  });
});
