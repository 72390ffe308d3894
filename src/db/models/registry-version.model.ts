import { Schema, type Connection } from 'mongoose';

/**
 * A counter per registry, bumped by its one writer (the citizens importer) after every import:
 * workers holding an in-memory snapshot of the registry reload it when the counter moved.
 */
export const registryVersionSchema = new Schema(
  {
    _id: { type: String, required: true },
    version: { type: Number, default: 0 },
  },
  { collection: 'registryVersions', timestamps: true },
);

export const registryVersionModel = (c: Connection) => c.model('RegistryVersion', registryVersionSchema);
