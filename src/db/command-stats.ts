import { renameSync, writeFileSync } from 'node:fs';
import type { Connection } from 'mongoose';

/** What one process sent to the store, from the driver's command monitoring. */
export interface StoreStats {
  pid: number;
  /** Commands started, by command name (find, getMore, insert, update, aggregate...). */
  commands: Record<string, number>;
  /** The same commands by `<command> <collection>` (find citizens, update recordStates...). */
  byCollection: Record<string, number>;
  /** Documents returned by find/getMore/aggregate replies. */
  documentsRead: number;
  peakRssBytes: number;
  at: string;
}

interface CursorReply { cursor?: { firstBatch?: unknown[]; nextBatch?: unknown[] } }

/**
 * Count the commands a connection sends and write the totals to `file` every `everyMs` and
 * on `stop()`. The connection must be opened with `monitorCommands: true`. Benchmarks read
 * the file; nothing in the product depends on it.
 */
export function recordStoreStats(connection: Connection, file: string, everyMs = 1_000): { stop(): void; flush(): void; stats: StoreStats } {
  const stats: StoreStats = { pid: process.pid, commands: {}, byCollection: {}, documentsRead: 0, peakRssBytes: 0, at: '' };
  const client = connection.getClient();
  client.on('commandStarted', (e) => {
    stats.commands[e.commandName] = (stats.commands[e.commandName] ?? 0) + 1;
    const target = (e.command as Record<string, unknown>)[e.commandName];
    const key = typeof target === 'string' ? `${e.commandName} ${target}` : e.commandName;
    stats.byCollection[key] = (stats.byCollection[key] ?? 0) + 1;
  });
  client.on('commandSucceeded', (e) => {
    const cursor = (e.reply as CursorReply | undefined)?.cursor;
    if (cursor) stats.documentsRead += (cursor.firstBatch ?? cursor.nextBatch ?? []).length;
  });
  const flush = () => {
    // maxRSS is in kilobytes.
    stats.peakRssBytes = process.resourceUsage().maxRSS * 1024;
    stats.at = new Date().toISOString();
    // Write then rename: a reader (the benchmark, once a second) sees the old file or the new one, never half of it.
    try { writeFileSync(`${file}.tmp`, JSON.stringify(stats)); renameSync(`${file}.tmp`, file); } catch { /* a benchmark aid: never fail the process */ }
  };
  const timer = setInterval(flush, everyMs);
  timer.unref();
  flush();
  return { stats, flush, stop: () => { clearInterval(timer); flush(); } };
}
