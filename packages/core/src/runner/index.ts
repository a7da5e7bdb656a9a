export { runPlaybook, preflight, errorInfo, validateStaticArgs } from './run.js';
export type { RunOptions, RunSummary } from './run.js';
export type { RunEvent, EventSink, HostRecap, ErrorInfo } from './events.js';
export { mapLimit } from './pool.js';
export { taskSelected } from './select-tasks.js';
export { NotificationStore } from './state.js';
export { validateVars } from './vars.js';
