import { z } from 'zod';
import type { Store } from '../db/store.js';
import { readCampaign, writeCampaign } from '../db/repositories/campaign.repository.js';
import { DEFAULT_CAMPAIGN_ID } from '../domain/rounds/values.js';

const isoDate = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const duration = z.number().int().positive().max(365 * 86_400_000);

/** PUT /api/campaign body: the national deadline and round-duration overrides. */
export const campaignInputSchema = z.object({
  name: z.string().trim().max(200).optional(),
  nationalDeadline: isoDate.nullable().optional(),
  roundDeadlineMs: duration.nullable().optional(),
  provinces: z.array(z.object({
    provinceCode: z.string().regex(/^\d{2}$/, 'a 2-digit province code'),
    roundDeadlineMs: duration.optional(),
    deadline: isoDate.optional(),
  }).strict().refine((p) => (p.roundDeadlineMs === undefined) !== (p.deadline === undefined), 'give roundDeadlineMs or deadline, not both')).max(100).optional(),
}).strict();

export async function getCampaign(store: Store) {
  return (await readCampaign(store)) ?? { _id: DEFAULT_CAMPAIGN_ID, nationalDeadline: null, roundDeadlineMs: null, provinces: [] };
}

export async function putCampaign(store: Store, input: z.infer<typeof campaignInputSchema>) {
  await writeCampaign(store, input);
  return getCampaign(store);
}
