export { runPlaybook, preflight, errorInfo, validateStaticArgs, listRun } from './run.js';
export type { RunOptions, RunSummary, StepAnswer, StepPrompt, ListWhat } from './run.js';
export type { RunEvent, EventSink, HostRecap, ErrorInfo } from './events.js';
export { mapLimit } from './pool.js';
export { taskSelected } from './select-tasks.js';
export { NotificationStore } from './state.js';
export { validateVars } from './vars.js';
