// The app image's HEALTHCHECK, one script for every role the command picks:
//  - the API (INTERNAL_PORT set): its /readyz on the internal listener, 200 only when Redis and the
//    store answer;
//  - a worker (WORKER_METRICS_PORT set): its /metrics answers. Port 0 (several replicas sharing the
//    host's network) means the port the worker took: read from the listening sockets of PID 1;
//  - anything else (the one-shot CLI): healthy while it runs.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const TIMEOUT_MS = 4000; // under the health check's timeout (5 s in docker-compose.yml, 10 s in the Dockerfile)

function listeningPortOfPid1() {
  const inodes = new Set();
  for (const fd of readdirSync('/proc/1/fd')) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/1/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch { /* closed meanwhile */ }
  }
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // f[1] local address:port (hex), f[3] state (0A = LISTEN), f[9] inode
      if (f[3] === '0A' && inodes.has(f[9])) return parseInt(f[1].split(':').pop(), 16);
    }
  }
  throw new Error('no listening socket in PID 1');
}

async function check(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
}

try {
  const { INTERNAL_PORT, WORKER_METRICS_PORT } = process.env;
  if (INTERNAL_PORT) await check(`http://127.0.0.1:${INTERNAL_PORT}/readyz`);
  else if (WORKER_METRICS_PORT !== undefined && WORKER_METRICS_PORT !== '') {
    const port = Number(WORKER_METRICS_PORT) || listeningPortOfPid1();
    await check(`http://127.0.0.1:${port}/metrics`);
  }
  process.exit(0);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
