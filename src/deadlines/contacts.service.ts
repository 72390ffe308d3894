import { z } from 'zod';
import type { Store } from '../db/store.js';
import { findContacts, saveContacts } from '../db/repositories/contacts.repository.js';
import { ESCALATION_LEVELS } from '../domain/rounds/policy.js';
import { MINISTRY_CODE } from '../domain/rounds/escalation.js';

/** Empty CSV cells and JSON nulls both mean "none". */
const optional = <S extends z.ZodType>(s: S) =>
  z.preprocess((v) => (v === '' || v === undefined ? null : v), s.nullable()).default(null);

const CODE_LENGTH = { commune: 5, district: 3, province: 2 } as const;

/** One contact as imported (CSV row) or PUT (JSON); officials only, never citizens. */
export const contactInputSchema = z
  .object({
    localityCode: z.string().trim().regex(/^(\d{2}|\d{3}|\d{5}|VN)$/, 'a 2-, 3- or 5-digit locality code, or VN for the ministry'),
    level: z.enum(ESCALATION_LEVELS),
    role: z.string().trim().regex(/^[a-z0-9_-]{1,60}$/i, 'letters, digits, _ or - (e.g. chairperson)'),
    name: z.string().trim().min(1).max(200),
    title: optional(z.string().trim().min(1).max(200)),
    phone: optional(z.string().trim().regex(/^\+?[0-9 .()-]{6,20}$/, 'a phone number (digits, spaces, + . - ( ))')),
    webhookUrl: optional(z.url({ protocol: /^https?$/, error: 'an http(s) URL' })),
    email: optional(z.email()),
  })
  .strict()
  .superRefine((c, ctx) => {
    const ok = c.level === 'ministry' ? c.localityCode === MINISTRY_CODE : c.localityCode.length === CODE_LENGTH[c.level];
    if (!ok) ctx.addIssue({ code: 'custom', path: ['localityCode'], message: `${c.localityCode} is not a ${c.level} code` });
  });

export type ContactInput = z.infer<typeof contactInputSchema>;

/** Upsert on the natural key (localityCode, level, role); idempotent. */
export async function upsertContacts(store: Store, contacts: ContactInput[]) {
  if (contacts.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  return saveContacts(store, contacts);
}

export async function listContacts(store: Store, q: { localityCode?: string; level?: string; limit: number }) {
  return findContacts(store, q);
}
