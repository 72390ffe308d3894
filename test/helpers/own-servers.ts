import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { Redis } from 'ioredis';
import { waitFor } from './context.js';

/**
 * Servers a fault test owns and may stop and restart (never the shared ones): the development
 * store (FerretDB v2 on a PostgreSQL + DocumentDB cluster of its own, built by scripts/store.sh)
 * and a redis-server with an append-only file, each on free ports and in its own temporary
 * folder, so a restart finds its data again. Stopping the store stops its wire server; the
 * cluster under it stays up until dispose.
 */
const CACHE = process.env.VAXVERIFY_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'vaxverify');
export const FERRETDB_BIN = join(CACHE, 'ferretdb-v2.7.0');
const STORE_SH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'store.sh');
const run = (...args: string[]) => execFileSync('bash', [STORE_SH, ...args], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, QUIET: '1' } });

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface OwnServer {
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

function own(command: string, args: (dir: string, port: number) => string[], url: (port: number) => string, ready: (url: string) => Promise<boolean>) {
  return async (): Promise<OwnServer> => {
    const dir = mkdtempSync(join(tmpdir(), 'vv-own-'));
    const port = await freePort();
    let child: ChildProcess | null = null;
    const server: OwnServer = {
      url: url(port),
      async start() {
        child = spawn(command, args(dir, port), { stdio: 'ignore' });
        await waitFor(() => ready(server.url), 30_000, `${command} on port ${port}`);
      },
      async stop() {
        const c = child;
        child = null;
        if (!c || c.exitCode !== null) return;
        const exited = new Promise((r) => c.once('exit', r));
        c.kill('SIGTERM');
        await exited;
      },
      async dispose() {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
    await server.start();
    return server;
  };
}

const pingMongo = async (url: string) => {
  const c = new MongoClient(url, { serverSelectionTimeoutMS: 500 });
  try { await c.db('admin').command({ ping: 1 }); return true; } catch { return false; } finally { await c.close().catch(() => {}); }
};
const pingRedis = async (url: string) => {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => {}); // a refused connection is the answer "not up yet"
  try { await r.connect(); return (await r.ping()) === 'PONG'; } catch { return false; } finally { r.disconnect(); }
};

export async function startOwnStore(): Promise<OwnServer> {
  const dir = mkdtempSync(join(tmpdir(), 'vv-store-'));
  const [pgPort, port] = [await freePort(), await freePort()];
  const server: OwnServer = {
    url: `mongodb://127.0.0.1:${port}`,
    async start() {
      if (existsSync(join(dir, 'mongo.port'))) run('start-ferretdb', dir);
      else run('start', dir, String(pgPort), String(port));
      await waitFor(() => pingMongo(server.url), 30_000, `the store on port ${port}`);
    },
    async stop() {
      run('stop-ferretdb', dir);
    },
    async dispose() {
      run('stop', dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

export const startOwnRedis = own(
  'redis-server',
  (dir, port) => ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''],
  (port) => `redis://127.0.0.1:${port}`,
  pingRedis,
);

export const ownServersAvailable = () => existsSync(FERRETDB_BIN);
