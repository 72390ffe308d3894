import express, { Router } from 'express';
import { z } from 'zod';
import { localityBacklog, reportDoses, uploadDoseReports, type BacklogDeps } from '../../services/backlog.service.js';
import { ValidationError } from '../../lib/errors/index.js';
import { validate } from '../validate.js';

const reportBody = z.object({
  facilityId: z.string().trim().regex(/^[\w.-]{1,64}$/, 'letters, digits, _ . - (1–64)'),
  communeCode: z.string().regex(/^\d{5}$/, 'a 5-digit commune code'),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD'),
  administered: z.number().int().min(0).max(1_000_000),
  reportedBy: z.string().trim().max(100).optional(),
}).strict();
const params = z.object({ code: z.string().regex(/^\d{2}$|^\d{3}$|^\d{5}$/, 'a 2-, 3- or 5-digit locality code') });

/**
 * POST /api/dose-reports          { facilityId, communeCode, day, administered } upsert on (facilityId, day)
 * POST /api/dose-reports/upload   CSV raw body, same columns; bad lines reported
 * GET  /api/localities/:code/backlog  reported vs entered per facility and day, gap, totals
 */
export function backlogRouter(deps: BacklogDeps): Router {
  const r = Router();
  r.post('/api/dose-reports', async (req, res) => {
    res.json(await reportDoses(deps, validate(reportBody, req.body, 'body')));
  });
  r.post('/api/dose-reports/upload', express.raw({ type: () => true, limit: '10mb' }), async (req, res) => {
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw new ValidationError('body: upload a CSV as the raw request body');
    res.json(await uploadDoseReports(deps, req.body));
  });
  r.get('/api/localities/:code/backlog', async (req, res) => {
    const { code } = validate(params, req.params, 'params');
    res.json(await localityBacklog(deps.models, code));
  });
  return r;
}
