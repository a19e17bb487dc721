export { commands } from './registry.js';
export * from './definition.js';
export { findCommand, parseCommandText, runCommand, runAction, errorReply, validateArgs, type CommandOutcome } from './dispatch.js';
export { completeFollows } from './complete.js';
export { confirmShown } from './more.js';
