export * from './channel.js';
export * from './permanent-delivery.error.js';
export * from './log.channel.js';
export * from './webhook.channel.js';
export * from './messages.js';
