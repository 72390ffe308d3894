import { Command } from 'commander';
import { commands } from './commands/index.js';

/** `vaxverify <command>`: each command lives in src/cli/commands/<name>.command.ts. */
export function buildProgram(): Command {
  const program = new Command('vaxverify')
    .description('Reconcile Covid-19 dose records with the population registry')
    .showHelpAfterError();
  for (const register of commands) register(program);
  return program;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`vaxverify: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
