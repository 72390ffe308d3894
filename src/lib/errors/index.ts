export { AppError } from './app.error.js';
export { ValidationError } from './validation.error.js';
export { NotFoundError } from './not-found.error.js';
export { ConflictError } from './conflict.error.js';
export { ForbiddenError } from './forbidden.error.js';
