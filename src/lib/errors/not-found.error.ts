import { AppError } from './app.error.js';

export class NotFoundError extends AppError {
  constructor(message: string, details?: unknown) {
    super('not_found', message, 404, details);
  }
}
