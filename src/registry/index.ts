export { RegisterUnavailableError } from './register-unavailable.error.js';
export { createRegisterPort } from './create-register.js';
export { readRegisterState } from './register-state.js';
