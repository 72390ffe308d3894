import { DEFAULT_CAMPAIGN_ID } from '../../domain/rounds/values.js';
import type { CampaignDoc } from '../models/index.js';
import { modelsOf } from '../open-store.js';
import type { Store } from '../store.js';

export type CampaignRow = CampaignDoc & { _id: string };

/** The current campaign's settings (one `_id` read), or null before any were set. */
export async function readCampaign(store: Store): Promise<CampaignRow | null> {
  return modelsOf(store).Campaign.findById(DEFAULT_CAMPAIGN_ID, { __v: 0 }).lean<CampaignRow>();
}

/** The national deadline (one document by `_id`), or null. */
export async function readNationalDeadline(store: Store): Promise<Date | null> {
  const c = await modelsOf(store).Campaign.findById(DEFAULT_CAMPAIGN_ID, { nationalDeadline: 1 }).lean();
  return c?.nationalDeadline ?? null;
}

export interface CampaignSettings {
  name?: string;
  nationalDeadline?: Date | null;
  roundDeadlineMs?: number | null;
  provinces?: { provinceCode: string; roundDeadlineMs?: number; deadline?: Date }[];
}

/** Set the current campaign's settings (upsert on its `_id`; fields not given stay). */
export async function writeCampaign(store: Store, set: CampaignSettings): Promise<void> {
  await modelsOf(store).Campaign.updateOne({ _id: DEFAULT_CAMPAIGN_ID }, { $set: set }, { upsert: true });
}
