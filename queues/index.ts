export * from './connection.js';
export * from './registry.js';
export * from './verification.queue.js';
export * from './province-groups.queue.js';
