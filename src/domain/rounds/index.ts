export * from './lifecycle.js';
export * from './illegal-transition.error.js';
export * from './completion.js';
export * from './policy.js';
export * from './deadlines.js';
export * from './escalation.js';
