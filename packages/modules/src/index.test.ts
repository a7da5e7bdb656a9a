import { describe, expect, it } from 'vitest';
import * as modules from './index.js';
import * as kit from './kit/index.js';

const MODULES = [
  'apt',
  'authorizedKey',
  'blockinfile',
  'command',
  'copy',
  'download',
  'facts',
  'fetch',
  'file',
  'group',
  'hostname',
  'lineinfile',
  'pkg',
  'stat',
  'sysctl',
  'systemd',
  'template',
  'unarchive',
  'uri',
  'user',
  'waitFor',
];

describe('@tsplay/modules public surface', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(modules).sort()).toEqual(
      [
        ...MODULES,
        'blockinfileArgsSchema',
        'commandLine',
        'copyArgsSchema',
        'diffStat',
        'fetchArgsSchema',
        'fileArgsSchema',
        'formatMode',
        'lineDiff',
        'lineinfileArgsSchema',
        'formatReference',
        'moduleReference',
        'modeSchema',
        'systemdArgs',
        'systemdService',
        'templateArgs',
        'templateArgsSchema',
        'unifiedDiff',
        'unitName',
      ].sort(),
    );
  });
  it('every module is a defined module with a zod schema, and module names are unique', () => {
    const names = MODULES.map((k) => {
      const m = (modules as Record<string, unknown>)[k] as { kind: string; name: string; args: { safeParse: unknown } };
      expect(m.kind).toBe('tsplay-module');
      expect(typeof m.args.safeParse).toBe('function');
      return m.name;
    });
    expect(new Set(names).size).toBe(names.length);
  });
  it('the kit exports exactly these names', () => {
    expect(Object.keys(kit).sort()).toEqual(
      [
        'SCRIPT_EXIT',
        'Secret',
        'TEXT_MAX_BYTES',
        'TsplayError',
        'absPathSchema',
        'ancestors',
        'applyContent',
        'contentStep',
        'applyTextFile',
        'argv',
        'attrChanges',
        'attrScript',
        'attrText',
        'chownSpec',
        'contentTargetShape',
        'currentText',
        'defineFact',
        'defineModule',
        'defineTextFileModule',
        'describeChanges',
        'destFacts',
        'errorCodes',
        'execFact',
        'factTable',
        'fastPathCase',
        'formatMode',
        'hostBasename',
        'hostDirname',
        'identityFact',
        'isSecret',
        'isUnknownFact',
        'localFileFact',
        'modeSchema',
        'newOwnership',
        'normalizeHostPath',
        'oldContentFact',
        'ownerSpec',
        'parsePathProbe',
        'parseText',
        'pathFact',
        'pathScript',
        'planCase',
        'planContent',
        'planTable',
        'planTextEdit',
        'planTextFile',
        'predictFile',
        'principalSchema',
        'quote',
        'readLocalFile',
        'redact',
        'registerSecret',
        'reveal',
        'safeAttrScript',
        'safeCheckFunctions',
        'safeMkdirScript',
        'safeRunScript',
        'safeWriteRefusal',
        'safeWriteScript',
        'secret',
        'sh',
        'sha256Hex',
        'task',
        'textFact',
        'textFileFacts',
        'textFromOverlay',
        'textScript',
        'unitFact',
        'unknownFact',
        'unsafeWrite',
        'runsSafeWrite',
        'withAttrs',
        'writeSafetyFacts',
      ].sort(),
    );
  });
});
