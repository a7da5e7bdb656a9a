import { describe, expect, it } from 'vitest';
import * as modules from './index.js';

describe('@tsplay/modules public surface', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(modules).sort()).toEqual([
      'command', 'commandLine', 'copy', 'copyArgsSchema', 'diffStat', 'download', 'file', 'fileArgsSchema', 'formatMode', 'lineDiff',
      'modeSchema', 'systemd', 'systemdArgs', 'systemdService', 'template', 'templateArgs', 'templateArgsSchema', 'unarchive', 'unifiedDiff',
      'unitName',
    ]);
  });
  it('every module is a defined module with a zod schema', () => {
    for (const m of [modules.command, modules.copy, modules.download, modules.file, modules.systemd, modules.template, modules.unarchive]) {
      expect(m.kind).toBe('tsplay-module');
      expect(typeof m.args.safeParse).toBe('function');
    }
  });
});
