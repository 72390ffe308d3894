import type { Command } from 'commander';
import { registerGenerate } from './generate.command.js';
import { registerImport } from './import.command.js';
import { registerLocalities } from './localities.command.js';
import { registerMatch } from './match.command.js';
import { registerContacts } from './contacts.command.js';
import { registerRounds } from './rounds.command.js';

/** Every CLI command registers itself on the program; add new ones here. */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [registerLocalities, registerGenerate, registerImport, registerMatch, registerContacts, registerRounds];
