import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Proc {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Run a TypeScript entry point (`src/http/main.ts`, `workers/main.ts`) as a real child process. */
export function spawnEntry(entry: string, env: Record<string, string>): Proc {
  // BENCH_CPU_PROF_DIR: each process writes a V8 CPU profile there when it exits (benchmarks' --profile).
  const prof = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF_DIR] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', entry], {
    cwd: ROOT,
    // A small Mongo pool per process keeps all test clients together under FerretDB's
    // PostgreSQL pool (see scripts/services.sh): 2 files × 4 processes × 4 connections.
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', MONGO_POOL_SIZE: '4', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, sig) => resolve(code ?? sig ?? -1)));
  return {
    child,
    output: () => out,
    exited,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Start the API on a free port and resolve once it logs that it listens (90 s: a cold tsx start plus index creation on a busy 2-core machine). */
export async function spawnApi(env: Record<string, string>, timeoutMs = 90_000): Promise<Proc & { url: string }> {
  const proc = spawnEntry('src/http/main.ts', { PORT: '0', HOST: '127.0.0.1', ...env });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`API did not start:\n${proc.output()}`)), timeoutMs);
    const onData = () => {
      const m = /"port":(\d+),"msg":"api listening"/.exec(proc.output());
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    };
    proc.child.stdout!.on('data', onData);
    void proc.exited.then((code) => { clearTimeout(timer); reject(new Error(`API exited (${code}):\n${proc.output()}`)); });
  });
  return { ...proc, url: `http://127.0.0.1:${port}` };
}

/** Start a worker process and resolve once it logs that it started. */
export async function spawnWorker(env: Record<string, string>, timeoutMs = 90_000): Promise<Proc> {
  const proc = spawnEntry('workers/main.ts', env);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${proc.output()}`)), timeoutMs);
    proc.child.stdout!.on('data', () => {
      if (proc.output().includes('"msg":"worker started"')) { clearTimeout(timer); resolve(); }
    });
    void proc.exited.then((code) => { clearTimeout(timer); reject(new Error(`worker exited (${code}):\n${proc.output()}`)); });
  });
  return proc;
}
