/**
 * Every name of the four entry points (`@tsplay/core`, `/module`, `/transport`, `/engine`), for the build's one
 * declaration file. Each entry's .d.ts re-exports its own names from it, so every type is declared once, in a
 * file the package exports: a dependent's inferred types then name `@tsplay/core/declarations` instead of
 * inlining a copy (two copies of `Secret` or `Module` would not be assignable to each other). Types only:
 * nothing imports this at run time.
 */
export * from './index.js';
export * from './module-api.js';
export * from './transport-api.js';
export * from './engine-api.js';
