export * from './admin-unit.js';
export * from './hierarchy.js';
