import { Router } from 'express';
import { z } from 'zod';
import { ROUND_KINDS, ROUND_STATUSES } from '../../domain/rounds/values.js';
import { createRounds, getRound, listRounds, retryRound, type RoundsDeps } from '../../services/rounds.service.js';
import { validate } from '../validate.js';

const localityCode = z.string().regex(/^\d{2}(\d|\d{3})?$/, 'a 2-digit province, 3-digit district or 5-digit commune code');

const createBody = z.object({
  localities: z.array(localityCode).min(1).max(20_000),
  kind: z.enum(ROUND_KINDS).default('verification'),
  /** Round number for the locality: 1 for the first verification, then correction rounds. */
  seq: z.number().int().min(1).max(1000).default(1),
  deadline: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
}).strict();

const listQuery = z.object({
  locality: localityCode.optional(),
  status: z.enum(ROUND_STATUSES).optional(),
  kind: z.enum(ROUND_KINDS).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  after: z.string().max(64).optional(),
  /** `progress=true`: each round's live chunk progress (chunks done, records done). */
  progress: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});

export function roundsRouter(deps: RoundsDeps): Router {
  const r = Router();
  r.post('/', async (req, res) => {
    const body = validate(createBody, req.body, 'body');
    const rounds = await createRounds(deps, body);
    res.status(rounds.some((x) => x.created) ? 201 : 200).json({ rounds });
  });
  r.get('/', async (req, res) => {
    res.json(await listRounds(deps.models, validate(listQuery, req.query, 'query')));
  });
  r.post('/:id/retry', async (req, res) => {
    res.status(202).json(await retryRound(deps, req.params.id));
  });
  r.get('/:id', async (req, res) => {
    res.json(await getRound(deps.models, req.params.id));
  });
  return r;
}
