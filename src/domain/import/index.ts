export * from './row-error.js';
export * from './fields.js';
export * from './citizen-row.js';
export * from './dose-row.js';
