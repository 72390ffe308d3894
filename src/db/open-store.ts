import type { Models } from './models/index.js';
import type { Store } from './store.js';

/*
 * The two halves of the Store handle. Only src/db (its repositories and connect.ts) and the
 * composition roots may import this file (.dependency-cruiser.cjs: models-behind-repositories).
 */

/** The handle on a set of models built on one connection. */
export const storeOf = (models: Models): Store => models as unknown as Store;

/** The models behind a handle: for repositories only. */
export const modelsOf = (store: Store): Models => store as unknown as Models;
