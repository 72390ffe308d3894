/** The file as a whole cannot be read as records (no header, unnamed or repeated columns). */
export class RecordFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordFormatError';
  }
}
