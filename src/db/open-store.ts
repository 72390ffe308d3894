import type { Models } from './models/index.js';
import type { Store } from './store.js';

/*
 * The two halves of the Store handle. In the product only src/db (its repositories and
 * connect.ts) may import this file (.dependency-cruiser.cjs: models-behind-repositories); tests
 * use storeOf to hand the models they seeded to the code under test.
 */

/** The handle on a set of models built on one connection. */
export const storeOf = (models: Models): Store => models as unknown as Store;

/** The models behind a handle: for repositories only. */
export const modelsOf = (store: Store): Models => store as unknown as Models;
