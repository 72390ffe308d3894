export * from './types.js';
export * from './validate.js';
export * from './worksheet.js';
export * from './content-key.js';
