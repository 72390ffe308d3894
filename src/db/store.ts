declare const opaque: unique symbol;

/**
 * What the product outside `src/db` holds of the data layer: a handle it passes to repository
 * functions and cannot query through (no model, no collection). Only `src/db` opens it
 * (`open-store.ts`), so every read and write goes through a repository (STYLE.md: one seam).
 */
export interface Store {
  readonly [opaque]: 'vaxverify.Store';
}
