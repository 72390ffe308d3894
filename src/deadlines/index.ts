export * from './deps.js';
export * from './schedule.js';
export * from './hooks.js';
export * from './reconcile.js';
export * from './sweep.js';
export * from './notify-event.js';
export * from './deadline-change.service.js';
