import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type Request } from 'express';
import type { Store } from '../db/store.js';
import { AppError, NotFoundError } from '../lib/errors/index.js';
import { readRecords } from '../lib/io/index.js';
import { insideDir } from '../lib/inside-dir.js';
import { auditAct } from '../audit/audit.service.js';
import { IMPORT_QUEUE, ImportJob, importJobId } from '../../queues/import.queue.js';
import type { Queues } from '../../queues/registry.js';
import { input } from '../http/access/input.js';
import { importFormatQuery, importIdParams, importKindParams } from '../http/access/request-schemas.js';

export interface ImportsRouterDeps {
  queues: Queues;
  /** Where uploads are stored; the workers read them from the same path (shared volume). */
  uploadDir: string;
  store: Store;
  /** Largest accepted upload; 10 million dose rows as CSV are ~2 GB. */
  maxUploadBytes?: number;
}

/** Rejected rows shown by GET; the whole list is in the reject file. */
const REJECT_SAMPLE = 100;

/**
 * `POST /api/imports/:kind` with the file as the raw body (text/csv, application/x-ndjson or
 * application/octet-stream) → 202 `{ importId, jobId }`; `GET /api/imports/:id` → state,
 * progress, counts and the first rejected rows. The job payload holds only the path.
 */
export function importsRouter(deps: ImportsRouterDeps): Router {
  const queue = deps.queues[IMPORT_QUEUE];
  const maxBytes = deps.maxUploadBytes ?? 4 * 1024 ** 3;
  const router = Router();

  router.post('/api/imports/:kind', async (req, res) => {
    const { kind } = input(req, 'params', importKindParams);
    const { format = formatFromType(req) } = input(req, 'query', importFormatQuery);
    if (req.readableEnded) {
      throw new AppError('unsupported_media_type', 'send the file as text/csv, application/x-ndjson or application/octet-stream', 415);
    }
    const importId = randomUUID();
    await mkdir(deps.uploadDir, { recursive: true });
    const path = join(deps.uploadDir, `${importId}.${format}`);
    let size = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        done(size > maxBytes ? new AppError('body_too_large', `uploads are limited to ${maxBytes} bytes`, 413) : null, chunk);
      },
    });
    try {
      // 0600: the upload holds a population's personal data; only the API and workers' user reads it.
      await pipeline(req, limit, createWriteStream(path, { mode: 0o600 }));
    } catch (err) {
      await rm(path, { force: true });
      throw err;
    }
    if (size === 0) {
      await rm(path, { force: true });
      throw new AppError('empty_upload', 'the request body is empty', 400);
    }
    const p = req.principal!;
    const uploadedBy = { sub: p.sub, name: p.name ?? '' };
    await auditAct(deps.store, p, { action: 'import.upload', after: { importId, kind, format, bytes: size } });
    const job = await queue.add(ImportJob.file, { kind, uploadId: importId, path, format, uploadedBy }, { jobId: importJobId(importId) });
    res.status(202).json({ importId, jobId: job.id, kind, bytes: size, uploadedBy });
  });

  router.get('/api/imports/:id', async (req, res) => {
    const { id } = input(req, 'params', importIdParams);
    // State first, then the job: a job read before it finished says 'completed' with no summary.
    const state = await queue.getJobState(importJobId(id));
    const job = await queue.getJob(importJobId(id));
    if (!job) throw new NotFoundError(`no import ${id}`);
    // The job's path can be edited in Redis: read its reject file only from inside UPLOAD_DIR, as the worker does.
    const rejectsPath = `${job.data.path}.rejects.csv`;
    const confined = await insideDir(deps.uploadDir, rejectsPath);
    res.json({
      importId: id,
      kind: job.data.kind,
      uploadedBy: job.data.uploadedBy ?? null,
      state,
      progress: job.progress,
      summary: job.returnvalue ? withoutPaths(job.returnvalue as Record<string, unknown>) : null,
      error: job.failedReason ?? null,
      attempts: job.attemptsMade,
      rejects: confined ? await sampleRejects(rejectsPath) : { sample: [], truncated: false },
    });
  });

  return router;
}

function formatFromType(req: Request): 'csv' | 'ndjson' {
  const type = req.headers['content-type'] ?? '';
  return /ndjson|jsonl|json-seq/.test(type) ? 'ndjson' : 'csv';
}

function withoutPaths(summary: Record<string, unknown>): Record<string, unknown> {
  const { rejectsPath: _path, ...rest } = summary;
  return rest;
}

async function sampleRejects(path: string): Promise<{ sample: unknown[]; truncated: boolean }> {
  try {
    await access(path);
  } catch {
    return { sample: [], truncated: false };
  }
  const sample: unknown[] = [];
  for await (const r of readRecords(path, { format: 'csv' })) {
    if (sample.length === REJECT_SAMPLE) return { sample, truncated: true };
    if (r.record) sample.push({ line: Number(r.record.line), field: r.record.field || undefined, reason: r.record.reason });
  }
  return { sample, truncated: false };
}
