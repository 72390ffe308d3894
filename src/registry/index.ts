export { RegisterUnavailableError } from './register-unavailable.error.js';
export { createRegisterPort } from './create-register.js';
export { readRegisterState, registerStateReader } from './register-state.js';
export { createTelemetry } from './telemetry.js';
export { outageDeadlinePolicy, registerWaits } from './outage-policy.js';
