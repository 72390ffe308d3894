import type { Command } from 'commander';
import { registerMatch } from './match.command.js';
import { registerContacts } from './contacts.command.js';

/** Every CLI command registers itself on the program; add new ones here. */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [registerMatch, registerContacts];
