import { Router } from 'express';
import type { DeadlineDeps } from './deps.js';
import { changeRoundDeadline, type DeadlineChangeDeps } from './deadline-change.service.js';
import { acknowledgeEscalation, listEscalations } from './escalations.service.js';
import { listContacts, upsertContacts } from './contacts.service.js';
import { campaignOverview } from '../dashboard/overview.service.js';
import { getCampaign, putCampaign } from './campaign.service.js';
import { input, resourceOf } from '../http/access/input.js';
import { ackBody, campaignBody, contactQuery, contactsBody, deadlineBody, escalationQuery, levelParams } from '../http/access/request-schemas.js';
import { ValidationError } from '../lib/errors/index.js';
import { webhookHostAllowed } from '../notify/webhook-hosts.js';
import { auditAct } from '../audit/audit.service.js';
import { localityContactsRouter } from './locality-contacts.router.js';
import { changeLevelDeadline, levelDeadlineView } from './level-deadline.service.js';

/**
 * Deadlines API, mounted at `/api`:
 *   PATCH /rounds/:id/deadline      { extendByDays | extendByHours | deadline [+ shorten: true], reason } → reconcile-round enqueued
 *   GET   /deadlines/:code, PUT /deadlines/:code  { extendByDays | deadline [+ shorten: true], reason }: the nation's (VN), a province's, a district's
 *   GET   /escalations?roundId=&level=&open=&locality=&limit=   (locality: a province or a district; each with its name and whom it went to)
 *   POST  /escalations/:id/ack      { by?, note? }  (who acknowledges is the token's identity)
 *   GET   /campaign/overview        per province and district: on time, at risk, overdue
 *   GET   /campaign, PUT /campaign  national deadline, campaign and province round durations
 *   GET   /contacts?localityCode=&level=, PUT /contacts { contacts: [...] }
 */
/** `webhookHosts`: hosts contacts' webhook URLs may use (WEBHOOK_ALLOWED_HOSTS); undefined = no check. */
export function deadlinesRouter(deps: DeadlineDeps & DeadlineChangeDeps, opts: { webhookHosts?: readonly string[] } = {}): Router {
  const r = Router();
  const { store } = deps;

  r.patch('/rounds/:id/deadline', async (req, res) => {
    const body = input(req, 'body', deadlineBody);
    const round = resourceOf(req, 'round');
    const p = req.principal!;
    const out = await changeRoundDeadline(deps, round.id, { ...body, by: p.sub });
    // The act is named in the row (extend, set, shorten): the change log says what was done, from → to.
    await auditAct(store, p, { action: 'round.deadline', localityCode: round.locality, before: { roundId: round.id, deadline: out.previousDeadline }, after: { act: out.act, deadline: out.deadline, reason: body.reason } });
    res.json(out);
  });

  r.get('/deadlines/:code', async (req, res) => {
    res.json(await levelDeadlineView(store, input(req, 'params', levelParams).code));
  });
  r.put('/deadlines/:code', async (req, res) => {
    const { code } = input(req, 'params', levelParams);
    const body = input(req, 'body', deadlineBody);
    const p = req.principal!;
    const out = await changeLevelDeadline(deps, code, body, p);
    await auditAct(store, p, { action: 'level.deadline', localityCode: code === 'VN' ? null : code, before: { deadline: out.previousDeadline }, after: { act: out.act, level: out.level, deadline: out.deadline, reason: body.reason } });
    res.json(out);
  });

  r.get('/escalations', async (req, res) => {
    const q = input(req, 'query', escalationQuery);
    res.json({ items: await listEscalations(store, q) });
  });
  r.post('/escalations/:id/ack', async (req, res) => {
    const body = input(req, 'body', ackBody);
    const esc = resourceOf(req, 'escalation');
    const p = req.principal!;
    const { acknowledged, doc } = await acknowledgeEscalation(store, esc.id, p, body.note);
    if (acknowledged) await auditAct(store, p, { action: 'escalation.ack', localityCode: doc.localityCode, after: { escalationId: esc.id, level: doc.level, office: body.by ?? null, note: body.note ?? null, acknowledgedBy: doc.acknowledgedBy } });
    res.json(doc);
  });

  r.get('/campaign/overview', async (req, res) => {
    res.json(await campaignOverview(store, deps.policy, req.principal!, deps.now?.() ?? new Date()));
  });
  r.get('/campaign', async (_req, res) => { res.json(await getCampaign(store)); });
  r.put('/campaign', async (req, res) => {
    const body = input(req, 'body', campaignBody);
    const before = await getCampaign(store);
    const out = await putCampaign(store, body);
    await auditAct(store, req.principal!, { action: 'campaign.settings', before, after: body });
    res.json(out);
  });

  r.get('/contacts', async (req, res) => {
    res.json({ items: await listContacts(store, input(req, 'query', contactQuery)) });
  });
  r.put('/contacts', async (req, res) => {
    const { contacts } = input(req, 'body', contactsBody);
    if (opts.webhookHosts) {
      const problems = contacts.flatMap((c, i) => (c.webhookUrl && !webhookHostAllowed(c.webhookUrl, opts.webhookHosts!) ? [`body.contacts.${i}.webhookUrl: host not in WEBHOOK_ALLOWED_HOSTS (${opts.webhookHosts!.join(', ') || 'none configured'})`] : []));
      if (problems.length) throw new ValidationError(problems.join('; '), { problems });
    }
    const out = await upsertContacts(store, contacts);
    await auditAct(store, req.principal!, { action: 'contacts.put', after: { contacts: contacts.length } });
    res.json(out);
  });
  r.use(localityContactsRouter(store, opts));
  return r;
}
