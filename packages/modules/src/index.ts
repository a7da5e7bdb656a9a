export { command, commandLine } from './command/index.js';
export type { CommandArgs, CommandResult } from './command/index.js';
export { modeSchema, formatMode } from './common/mode.js';
export type { ModeInput } from './common/mode.js';
