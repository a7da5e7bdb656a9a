/** The module kit: what a module author needs, the same pieces the built-in modules use. */
export { defineModule, pathFact, unitFact, commandFact, unknownFact, isUnknownFact, sh, TsplayError } from '@tsplay/core';
