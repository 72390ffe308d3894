import { Router } from 'express';
import type { Store } from '../db/store.js';
import { findContacts } from '../db/repositories/contacts.repository.js';
import { input } from '../http/access/input.js';
import { codeParams, localityContactsBody, localityContactsImportBody } from '../http/access/request-schemas.js';
import { ValidationError } from '../lib/errors/index.js';
import { webhookHostAllowed } from '../notify/webhook-hosts.js';
import { auditAct } from '../audit/audit.service.js';
import { upsertContacts, type ContactInput } from './contacts.service.js';
import { parseContactsCsv } from './contacts-csv.js';

/**
 * Who answers for one locality, edited from its page by its coordinators and the campaign admin
 * (the route table scopes them to the locality):
 *   GET  /localities/:code/contacts
 *   PUT  /localities/:code/contacts          { contacts: [...] }  upsert on (localityCode, level, role)
 *   POST /localities/:code/contacts/import   { csv }  the contacts CSV (docs/deadlines.md); bad rows listed
 * Every contact must be of this locality; each change is audited with the rows before and after.
 */
export function localityContactsRouter(store: Store, opts: { webhookHosts?: readonly string[] | undefined }): Router {
  const r = Router();
  const hostProblems = (contacts: readonly ContactInput[]) => (opts.webhookHosts
    ? contacts.flatMap((c, i) => (c.webhookUrl && !webhookHostAllowed(c.webhookUrl, opts.webhookHosts!) ? [`contacts.${i}.webhookUrl: host not in WEBHOOK_ALLOWED_HOSTS`] : []))
    : []);
  const save = async (code: string, contacts: ContactInput[], principal: NonNullable<Express.Request['principal']>) => {
    const before = await findContacts(store, { localityCode: code, limit: 200 });
    const out = await upsertContacts(store, contacts);
    await auditAct(store, principal, {
      action: 'contacts.put', localityCode: code,
      before: before.map(({ level, role, name, title, phone, email }) => ({ level, role, name, title, phone, email })),
      after: contacts.map(({ level, role, name, title, phone, email }) => ({ level, role, name, title, phone, email })),
    });
    return out;
  };

  r.get('/localities/:code/contacts', async (req, res) => {
    const { code } = input(req, 'params', codeParams);
    res.json({ items: await findContacts(store, { localityCode: code, limit: 200 }) });
  });
  r.put('/localities/:code/contacts', async (req, res) => {
    const { code } = input(req, 'params', codeParams);
    const { contacts } = input(req, 'body', localityContactsBody);
    const problems = [...contacts.flatMap((c, i) => (c.localityCode === code ? [] : [`contacts.${i}.localityCode: ${c.localityCode} is not ${code}`])), ...hostProblems(contacts)];
    if (problems.length) throw new ValidationError(problems.join('; '), { problems });
    res.json(await save(code, contacts, req.principal!));
  });
  r.post('/localities/:code/contacts/import', async (req, res) => {
    const { code } = input(req, 'params', codeParams);
    const { csv } = input(req, 'body', localityContactsImportBody);
    const parsed = parseContactsCsv(csv);
    const hosts = new Set(hostProblems(parsed.contacts).map((p) => Number(/^contacts\.(\d+)/.exec(p)![1])));
    const contacts = parsed.contacts.filter((c, i) => c.localityCode === code && !hosts.has(i));
    const outside = parsed.contacts.length - contacts.length;
    const saved = contacts.length ? await save(code, contacts, req.principal!) : { inserted: 0, updated: 0, unchanged: 0 };
    res.json({ ...saved, rejects: parsed.rejects.slice(0, 100), outside });
  });
  return r;
}
