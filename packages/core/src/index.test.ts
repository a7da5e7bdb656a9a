import { describe, expect, it } from 'vitest';
import * as declarations from './declarations.js';
import * as engine from './engine-api.js';
import * as root from './index.js';
import * as moduleApi from './module-api.js';
import * as transport from './transport-api.js';

// A change to any list below is an API change: update docs/architecture.md ("Public surfaces") too.
describe('@tsplay/core public surface', () => {
  it('the root exports the authoring API and nothing else', () => {
    expect(Object.keys(root).sort()).toEqual([
      'Secret',
      'ShellFragment',
      'TsplayError',
      'argv',
      'block',
      'defineInventory',
      'defineModule',
      'definePlaybook',
      'executeRun',
      'isSecret',
      'isTsplayError',
      'loadInventory',
      'planRun',
      'quote',
      'raw',
      'redact',
      'reveal',
      'runPlaybook',
      'secret',
      'sh',
      'shf',
      'task',
    ]);
  });

  it('@tsplay/core/module exports what the module kit builds on', () => {
    expect(Object.keys(moduleApi).sort()).toEqual([
      'FactCache',
      'Overlay',
      'UnknownFact',
      'becomesRoot',
      'commandFact',
      'dirChainFact',
      'encryptedAs',
      'execFact',
      'executeModule',
      'formatZodIssues',
      'gatherFacts',
      'isUnknownFact',
      'localFileOpener',
      'parseArgs',
      'parsePathProbe',
      'parseUnitShow',
      'pathFact',
      'probe',
      'redactValue',
      'registerSecret',
      'safeAttrScript',
      'safeCheckFunctions',
      'safeMkdirScript',
      'safeRunScript',
      'safeWriteRefusal',
      'safeWriteScript',
      'setLocalFileOpener',
      'sleep',
      'unitFact',
      'unitShowRead',
      'unknownFact',
      'unknownOutcome',
      'unsafePathError',
    ]);
  });

  it('@tsplay/core/transport exports what a connection implements and uses', () => {
    expect(Object.keys(transport).sort()).toEqual([
      'LocalConnection',
      'SIG_FORMAT',
      'SigCache',
      'Slots',
      'UNSAFE_PATH_EXIT',
      'atomicWriteLocal',
      'batchScript',
      'becomeStdin',
      'checkBecome',
      'effectiveIds',
      'pathScript',
      'splitBatch',
      'staleTempCleanup',
      'usesBecome',
      'wrapCommand',
    ]);
  });

  it('@tsplay/core/engine exports the runner and inventory parts the CLI drives', () => {
    expect(Object.keys(engine).sort()).toEqual([
      'CORE_INSTANCE',
      'NotificationStore',
      'YAML11_OPTIONS',
      'errorInfo',
      'findInventoryFile',
      'formatError',
      'inventoryFileSchema',
      'isPlaybook',
      'listRun',
      'mapLimit',
      'parseExtraVars',
      'playbookTags',
      'resolveInventory',
      'retriesOf',
      'selectHosts',
      'splitBatches',
      'taskSelected',
      'toTsplayError',
      'validateVars',
    ]);
  });

  it('no name is exported from two entry points (each class and function has one home)', () => {
    const all = [root, moduleApi, transport, engine].flatMap((m) => Object.keys(m));
    expect(all.length).toBe(new Set(all).size);
  });

  it("the declaration file holds exactly the four entries' names (each entry's .d.ts re-exports from it)", () => {
    const all = [root, moduleApi, transport, engine].flatMap((m) => Object.keys(m));
    expect(Object.keys(declarations).sort()).toEqual(all.sort());
  });
});
