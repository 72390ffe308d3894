import { Router } from 'express';
import { createRounds, getRound, listRounds, retryRound, type RoundsDeps } from './rounds.service.js';
import { input, resourceOf } from '../http/access/input.js';
import { auditAct } from '../audit/audit.service.js';
import { createRoundsBody, listRoundsQuery } from '../http/access/request-schemas.js';

export function roundsRouter(deps: RoundsDeps): Router {
  const r = Router();
  r.post('/', async (req, res) => {
    const body = input(req, 'body', createRoundsBody);
    const rounds = await createRounds(deps, body);
    res.status(rounds.some((x) => x.created) ? 201 : 200).json({ rounds });
  });
  r.get('/', async (req, res) => {
    res.json(await listRounds(deps.store, input(req, 'query', listRoundsQuery)));
  });
  r.post('/:id/retry', async (req, res) => {
    const round = resourceOf(req, 'round');
    const by = req.principal!;
    const out = await retryRound(deps, round.id, by.sub);
    await auditAct(deps.store, by, { action: 'round.retry', localityCode: round.locality, after: out });
    res.status(202).json(out);
  });
  r.get('/:id', async (req, res) => {
    res.json(await getRound(deps.store, resourceOf(req, 'round').id));
  });
  return r;
}
