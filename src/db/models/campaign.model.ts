import { Schema, type Connection, type InferSchemaType } from 'mongoose';


/** Campaign-wide deadline settings. One document per campaign; `_id` `default` is the current one. */

export const campaignSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, default: '' },
    /** The whole country's final date. */
    nationalDeadline: { type: Date, default: null },
    /** Round duration for this campaign (overrides the policy default). */
    roundDeadlineMs: { type: Number, default: null },
    provinces: [
      new Schema(
        { provinceCode: { type: String, required: true }, roundDeadlineMs: Number, deadline: Date },
        { _id: false },
      ),
    ],
    /** A district's own deadline (issue 28): never later than its province's or the nation's. */
    districts: [
      new Schema({ districtCode: { type: String, required: true }, deadline: Date }, { _id: false }),
    ],
  },
  { collection: 'campaigns', timestamps: true },
);

export type CampaignDoc = InferSchemaType<typeof campaignSchema>;
export const campaignModel = (c: Connection) => c.model('Campaign', campaignSchema);
