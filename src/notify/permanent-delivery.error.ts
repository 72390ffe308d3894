/** A delivery that no retry can fix (bad address, 4xx other than 408/429). */
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}
