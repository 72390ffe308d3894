import { AppError } from './app.error.js';

export class ForbiddenError extends AppError {
  constructor(message: string, details?: unknown) {
    super('forbidden', message, 403, details);
  }
}
