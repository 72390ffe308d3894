import type { RegisterCommand } from './register-command.js';
import { registerGenerate } from './generate.command.js';
import { registerImport } from './import.command.js';
import { registerLocalities } from './localities.command.js';
import { registerMatch } from './match.command.js';
import { registerContacts } from './contacts.command.js';
import { registerRounds } from './rounds.command.js';
import { registerFacilities } from './facilities.command.js';
import { registerEligibility } from './eligibility.command.js';

export type { RegisterCommand } from './register-command.js';

/** Every CLI command; add new ones here. */
export const commands: RegisterCommand[] = [registerLocalities, registerGenerate, registerImport, registerMatch, registerContacts, registerFacilities, registerRounds, registerEligibility];
