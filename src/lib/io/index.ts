export { readRecords, DEFAULT_MAX_LINE_BYTES, type ReadResult, type ReadOptions, type RowError } from './read-records.js';
export { createRecordWriter, csvCell, type RecordWriter, type WriterOptions } from './write-records.js';
export { formatFromPath, openSource, type RecordFormat } from './source.js';
export { sniffEncoding, type TextEncodingName } from './decode.js';
export { RecordFormatError } from './record-format.error.js';
