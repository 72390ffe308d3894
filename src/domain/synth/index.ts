export * from './prng.js';
export * from './names.js';
export * from './ids.js';
export * from './number-set.js';
export * from './population.js';
export * from './doses.js';
export * from './entry-errors.js';
export * from './generate.js';
