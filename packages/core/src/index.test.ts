import { describe, expect, it } from 'vitest';
import * as core from './index.js';

describe('@tsplay/core public surface', () => {
  it('exports exactly these names (a change here is an API change: update docs/architecture.md too)', () => {
    expect(Object.keys(core).sort()).toEqual([
      'CORE_INSTANCE', 'FactCache', 'LocalConnection', 'NotificationStore', 'Overlay', 'SIG_FORMAT', 'Secret', 'ShellFragment', 'SigCache',
      'TsplayError', 'UNSAFE_PATH_EXIT', 'UnknownFact', 'YAML11_OPTIONS', 'argv', 'atomicWriteLocal', 'batchScript', 'becomeStdin', 'block',
      'checkBecome', 'commandFact', 'defineInventory', 'defineModule', 'definePlaybook', 'dirSafetyFact', 'encryptedAs', 'errorInfo', 'execFact',
      'executeModule', 'executeRun', 'findInventoryFile', 'formatError', 'formatZodIssues', 'gatherFacts', 'inventoryFileSchema', 'isPlaybook',
      'isSecret', 'isTsplayError', 'isUnknownFact', 'listRun', 'loadInventory', 'localFileOpener', 'mapLimit', 'parseArgs', 'parseExtraVars',
      'parsePathProbe', 'parseUnitShow', 'pathFact', 'pathScript', 'planRun', 'playbookTags', 'probe', 'quote', 'raw', 'redact', 'redactValue',
      'registerSecret', 'resolveInventory', 'retriesOf', 'reveal', 'runPlaybook', 'safeAttrScript', 'safeMkdirScript', 'safeWriteRefusal',
      'safeWriteScript', 'secret', 'selectHosts', 'setLocalFileOpener', 'sh', 'shf', 'splitBatch', 'splitBatches', 'staleTempCleanup', 'task',
      'taskSelected', 'toTsplayError', 'unitFact', 'unknownFact', 'unknownOutcome', 'unsafePathError', 'usesBecome', 'validateVars', 'wrapCommand',
    ]);
  });
});
