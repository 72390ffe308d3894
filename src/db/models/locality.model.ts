import { Schema, type Connection, type InferSchemaType } from 'mongoose';

import { ADMIN_LEVELS as LOCALITY_LEVELS } from '../../domain/admin-units/admin-unit.js';


/** An administrative unit (GSO code list of April 2022): province, district or commune. */
export const localitySchema = new Schema(
  {
    /** GSO code: province 2 digits, district 3, commune 5. Natural key. */
    code: { type: String, required: true },
    name: { type: String, required: true },
    /** Tỉnh, Thành phố Trung ương, Quận, Huyện, Thị xã, Thành phố, Phường, Xã, Thị trấn. */
    type: { type: String },
    level: { type: String, enum: LOCALITY_LEVELS, required: true },
    parentCode: { type: String, default: null },
    provinceCode: { type: String, required: true },
    districtCode: { type: String, default: null },
  },
  { collection: 'localities', timestamps: true },
);
localitySchema.index({ code: 1 }, { unique: true });
localitySchema.index({ parentCode: 1, code: 1 });
localitySchema.index({ provinceCode: 1, level: 1, code: 1 });
localitySchema.index({ districtCode: 1, level: 1, code: 1 });

export type Locality = InferSchemaType<typeof localitySchema>;
export const localityModel = (c: Connection) => c.model('Locality', localitySchema);
