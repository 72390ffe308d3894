import type { Types } from 'mongoose';
import type { ContactDoc } from '../models/index.js';
import { modelsOf } from '../open-store.js';
import type { Store } from '../store.js';

/*
 * The officials reminders and escalations go to (contacts). Natural key (localityCode, level,
 * role), unique index { localityCode, level, role }; its one writer is the contacts import.
 */

export type ContactRow = ContactDoc & { _id: Types.ObjectId };
/** A contact as written: its natural key and what it says. */
export type ContactFields = Pick<ContactDoc, 'localityCode' | 'level' | 'role' | 'name' | 'webhookUrl' | 'email'> & Partial<Pick<ContactDoc, 'title' | 'phone' | 'facilityId'>>;

export interface ContactsFilter {
  localityCode?: string;
  level?: string;
  limit: number;
}

/**
 * Upsert contacts on their natural key (index { localityCode, level, role }): one unordered bulk
 * write; idempotent. Returns how many were inserted, changed, and found unchanged.
 */
export async function saveContacts(store: Store, contacts: readonly ContactFields[]): Promise<{ inserted: number; updated: number; unchanged: number }> {
  const models = modelsOf(store);
  if (contacts.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const r = await models.Contact.bulkWrite(
    contacts.map((c) => ({
      updateOne: {
        filter: { localityCode: c.localityCode, level: c.level, role: c.role },
        update: { $set: c },
        upsert: true,
      },
    })),
    { ordered: false },
  );
  return { inserted: r.upsertedCount, updated: r.modifiedCount, unchanged: r.matchedCount - r.modifiedCount };
}

/** Contacts in natural-key order, optionally of one locality and/or level (index { localityCode, level, role }). */
export async function findContacts(store: Store, q: ContactsFilter): Promise<ContactRow[]> {
  const models = modelsOf(store);
  const filter: Record<string, unknown> = {};
  if (q.localityCode) filter.localityCode = q.localityCode;
  if (q.level) filter.level = q.level;
  return models.Contact.find(filter, { __v: 0 }).sort({ localityCode: 1, level: 1, role: 1 }).limit(q.limit).lean<ContactRow[]>();
}

/** The contacts answering for a locality at a level: their `_id` and webhook (index { localityCode, level, role }). */
export async function contactsOf(store: Store, localityCode: string, level: ContactDoc['level']): Promise<Pick<ContactRow, '_id' | 'webhookUrl'>[]> {
  const models = modelsOf(store);
  return models.Contact.find({ localityCode, level }, { webhookUrl: 1 }).lean<Pick<ContactRow, '_id' | 'webhookUrl'>[]>();
}

/** The contacts of several (locality, level) pairs in one read (index { localityCode, level, role }). */
export async function contactsAt(store: Store, keys: readonly { localityCode: string; level: string }[]): Promise<ContactRow[]> {
  if (keys.length === 0) return [];
  const models = modelsOf(store);
  const wanted = new Set(keys.map((k) => `${k.localityCode}|${k.level}`));
  const rows = await models.Contact.find({ localityCode: { $in: [...new Set(keys.map((k) => k.localityCode))] } }, { __v: 0 }).sort({ level: 1, role: 1 }).lean<ContactRow[]>();
  return rows.filter((c) => wanted.has(`${c.localityCode}|${c.level}`));
}

/**
 * A facility's head answers for it in one commune: when the register moves a facility to another
 * commune, its head's contact at the old one goes (one delete on { facilityId } not at its commune).
 */
export async function dropMovedFacilityHeads(store: Store, facilities: readonly { facilityId: string; communeCode: string }[]): Promise<number> {
  if (facilities.length === 0) return 0;
  const r = await modelsOf(store).Contact.deleteMany({ $or: facilities.map((f) => ({ facilityId: f.facilityId, localityCode: { $ne: f.communeCode } })) });
  return r.deletedCount;
}
