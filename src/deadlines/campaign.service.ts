import { z } from 'zod';
import type { Models } from '../db/models/index.js';
import { DEFAULT_CAMPAIGN_ID } from '../domain/rounds/values.js';
import { resolveRoundDeadline } from '../domain/rounds/deadlines.js';
import type { DeadlinePolicy } from '../domain/rounds/policy.js';

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

export async function getCampaign(models: Models) {
  return (await models.Campaign.findById(DEFAULT_CAMPAIGN_ID, { __v: 0 }).lean()) ?? { _id: DEFAULT_CAMPAIGN_ID, nationalDeadline: null, roundDeadlineMs: null, provinces: [] };
}

export async function putCampaign(models: Models, input: z.infer<typeof campaignInputSchema>) {
  await models.Campaign.updateOne({ _id: DEFAULT_CAMPAIGN_ID }, { $set: input }, { upsert: true });
  return getCampaign(models);
}

/**
 * The deadline a new round of `localityCode` gets: its own override, else the province's, else
 * the campaign's, else the policy default — capped at the national deadline. For POST /api/rounds.
 */
export async function resolveDeadlineFor(
  models: Models,
  policy: Pick<DeadlinePolicy, 'defaultDeadlineMs'>,
  input: { localityCode: string; enqueuedAt: Date; override?: Date | null },
) {
  const [campaign, loc] = await Promise.all([
    models.Campaign.findById(DEFAULT_CAMPAIGN_ID).lean(),
    models.Locality.findOne({ code: input.localityCode }, { provinceCode: 1 }).lean(),
  ]);
  return resolveRoundDeadline({
    enqueuedAt: input.enqueuedAt,
    policy,
    campaign: campaign ? { ...campaign, provinces: (campaign.provinces ?? []).map((p) => ({ ...p, deadline: p.deadline ?? null })) } : null,
    provinceCode: loc?.provinceCode ?? null,
    override: input.override ?? null,
  });
}
