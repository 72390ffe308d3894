import type { Command } from 'commander';

/** Every CLI command registers itself on the program (commands/index.ts lists them). */
export type RegisterCommand = (program: Command) => void;
