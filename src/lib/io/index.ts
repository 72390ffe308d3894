export { readRecords, type ReadResult } from './read-records.js';
export { createRecordWriter, type RecordWriter } from './write-records.js';
export { formatFromPath, openSource, type RecordFormat } from './source.js';
export { RecordFormatError } from './record-format.error.js';
