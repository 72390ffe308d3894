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
    const created = rounds.filter((x) => x.created).length;
    // Started from a page (issue 28): who started which rounds; a repeat that created nothing is not an act.
    if (created > 0) await auditAct(deps.store, req.principal!, { action: 'round.create', localityCode: body.localities.length === 1 ? body.localities[0] : null, after: { kind: body.kind, seq: body.seq, created } });
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
