import type { Connection } from 'mongoose';

/**
 * What the connected Mongo-wire server does well, detected once at connect time. MongoDB 7 is
 * the first-class path: `$in` and ranges are index seeks there. FerretDB 1.x pushes single
 * equalities down but answers `$in` by decoding every document of the collection, so a few
 * repositories pick an equality-shaped query instead. Nothing else differs.
 */
export interface StoreCapabilities {
  server: 'mongodb' | 'ferretdb';
  /** `$in` on an indexed field is an index seek (not a collection scan). */
  indexedIn: boolean;
}

export const MONGODB_CAPABILITIES: StoreCapabilities = Object.freeze({ server: 'mongodb', indexedIn: true });

/** `force: 'mongodb'` runs the MongoDB path on any server (CI runs both paths on FerretDB). */
export async function detectCapabilities(connection: Connection, force?: 'mongodb'): Promise<StoreCapabilities> {
  if (force === 'mongodb') return MONGODB_CAPABILITIES;
  const info = await connection.db!.admin().command({ buildInfo: 1 });
  // FerretDB 1.x answers with `ferretdbVersion` and `ferretdbFeatures` next to MongoDB's fields.
  return 'ferretdbVersion' in info || 'ferretdb' in info ? { server: 'ferretdb', indexedIn: false } : MONGODB_CAPABILITIES;
}
