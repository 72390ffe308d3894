import type { Logger } from './logger.js';

type Step = { name: string; run: () => Promise<unknown> | unknown };

/**
 * One ordered, idempotent shutdown. Steps run in the order they were added
 * (HTTP server → workers → queues → Redis → Mongo), each in its own try/catch;
 * after `timeoutMs` the process exits anyway so an orchestrator never waits forever.
 */
export function createShutdown(log: Logger, timeoutMs: number, exit: (code: number) => void = process.exit) {
  const steps: Step[] = [];
  let running: Promise<void> | undefined;

  async function run(reason: string): Promise<void> {
    running ??= (async () => {
      log.info({ reason }, 'shutting down');
      const timer = setTimeout(() => {
        log.error({ timeoutMs }, 'shutdown timed out; forcing exit');
        exit(1);
      }, timeoutMs);
      timer.unref();
      let failed = false;
      for (const step of steps) {
        try {
          await step.run();
          log.debug({ step: step.name }, 'shutdown step done');
        } catch (err) {
          failed = true;
          log.error({ err, step: step.name }, 'shutdown step failed');
        }
      }
      clearTimeout(timer);
      log.info('shutdown complete');
      exit(failed ? 1 : 0);
    })();
    return running;
  }

  return {
    add(name: string, fn: () => Promise<unknown> | unknown) {
      steps.push({ name, run: fn });
    },
    run,
    /** Route SIGTERM/SIGINT (Docker stop, Ctrl-C) to the shutdown, once. */
    install() {
      for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => void run(sig));
    },
  };
}
