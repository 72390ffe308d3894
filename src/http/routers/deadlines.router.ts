import { Router } from 'express';
import { z } from 'zod';
import { ESCALATION_LEVELS } from '../../domain/rounds/policy.js';
import type { DeadlineDeps } from '../../deadlines/deps.js';
import { changeRoundDeadline } from '../../deadlines/deadline-change.service.js';
import { acknowledgeEscalation, listEscalations } from '../../deadlines/escalations.service.js';
import { contactInputSchema, listContacts, upsertContacts } from '../../deadlines/contacts.service.js';
import { campaignOverview } from '../../deadlines/overview.service.js';
import { campaignInputSchema, getCampaign, putCampaign } from '../../deadlines/campaign.service.js';
import { validate } from '../validate.js';
import { ValidationError } from '../../lib/errors/index.js';
import { webhookHostAllowed } from '../../notify/webhook-hosts.js';
import { auditAct } from '../../services/audit.service.js';

/**
 * Deadlines API, mounted at `/api`:
 *   PATCH /rounds/:id/deadline      { deadline | extendByHours, reason } → re-times the timers
 *   GET   /escalations?roundId=&level=&open=&province=&limit=
 *   POST  /escalations/:id/ack      { by, note? }
 *   GET   /campaign/overview        per province and district: on time, at risk, overdue
 *   GET   /campaign, PUT /campaign  national deadline, campaign and province round durations
 *   GET   /contacts?localityCode=&level=, PUT /contacts { contacts: [...] }
 */
const deadlineBody = z.object({
  deadline: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
  /** Negative shortens. At most 30 days either way. */
  extendByHours: z.number().min(-720).max(720).refine((h) => h !== 0, 'must not be 0').optional(),
  reason: z.string().trim().min(3, 'say why (at least 3 characters)').max(500),
}).strict().refine((b) => (b.deadline === undefined) !== (b.extendByHours === undefined), {
  message: 'give either deadline or extendByHours',
  path: ['deadline'],
});

const escalationQuery = z.object({
  roundId: z.string().max(80).optional(),
  level: z.enum(ESCALATION_LEVELS).optional(),
  open: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  province: z.string().regex(/^\d{2}$/, 'a 2-digit province code').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const ackBody = z.object({
  /** Role or office that acknowledges (e.g. `district-001-chairperson`); no personal data. */
  by: z.string().trim().min(1).max(120),
  note: z.string().trim().max(1000).optional(),
}).strict();

const contactQuery = z.object({
  localityCode: z.string().max(5).optional(),
  level: z.enum(ESCALATION_LEVELS).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});
const contactsBody = z.object({ contacts: z.array(contactInputSchema).min(1).max(10_000) }).strict();

/** `webhookHosts`: hosts contacts' webhook URLs may use (WEBHOOK_ALLOWED_HOSTS); undefined = no check. */
export function deadlinesRouter(deps: DeadlineDeps, opts: { webhookHosts?: readonly string[] } = {}): Router {
  const r = Router();
  const { models } = deps;

  r.patch('/rounds/:id/deadline', async (req, res) => {
    const body = validate(deadlineBody, req.body, 'body');
    const change = body.deadline
      ? { deadline: body.deadline, reason: body.reason }
      : { shiftMs: Math.round(body.extendByHours! * 3_600_000), reason: body.reason };
    const out = await changeRoundDeadline(deps, req.params.id, change);
    // Behind the route table there is always a principal; the router mounted alone (tests) audits nothing.
    if (req.principal) await auditAct(models, req.principal, { action: 'round.deadline', localityCode: out.localityCode ?? null, before: out.previousDeadline, after: { deadline: out.deadline, reason: body.reason, roundId: out.id } });
    res.json(out);
  });

  r.get('/escalations', async (req, res) => {
    const q = validate(escalationQuery, req.query, 'query');
    res.json({ items: await listEscalations(models, { ...q, provinceCode: q.province }) });
  });
  r.post('/escalations/:id/ack', async (req, res) => {
    // The office named in the body, and the signed-in identity that acknowledged (never taken from the body).
    const body = validate(ackBody, req.body, 'body');
    const p = req.principal;
    const doc = await acknowledgeEscalation(models, req.params.id, { ...body, by: p ? `${body.by} (${p.sub})` : body.by });
    if (p) await auditAct(models, p, { action: 'escalation.ack', localityCode: doc.localityCode, after: { escalationId: req.params.id, level: doc.level, roundId: doc.roundId, by: body.by, note: body.note ?? null } });
    res.json(doc);
  });

  r.get('/campaign/overview', async (_req, res) => {
    res.json(await campaignOverview(models, deps.policy, deps.now?.() ?? new Date()));
  });
  r.get('/campaign', async (_req, res) => { res.json(await getCampaign(models)); });
  r.put('/campaign', async (req, res) => {
    res.json(await putCampaign(models, validate(campaignInputSchema, req.body, 'body')));
  });

  r.get('/contacts', async (req, res) => {
    res.json({ items: await listContacts(models, validate(contactQuery, req.query, 'query')) });
  });
  r.put('/contacts', async (req, res) => {
    const { contacts } = validate(contactsBody, req.body, 'body');
    if (opts.webhookHosts) {
      const problems = contacts.flatMap((c, i) => (c.webhookUrl && !webhookHostAllowed(c.webhookUrl, opts.webhookHosts!) ? [`body.contacts.${i}.webhookUrl: host not in WEBHOOK_ALLOWED_HOSTS (${opts.webhookHosts!.join(', ') || 'none configured'})`] : []));
      if (problems.length) throw new ValidationError(problems.join('; '), { problems });
    }
    res.json(await upsertContacts(models, contacts));
  });
  return r;
}
