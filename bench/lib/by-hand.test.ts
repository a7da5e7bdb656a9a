import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BY_HAND_PHASES, byHandScript } from './by-hand.js';
import { summarize, table } from './report.js';
import type { SectionResult } from './sections.js';

const files = {
  ca: 'CA PEM\n',
  cert: 'CERT PEM\n',
  key: 'KEY PEM\n',
  unit: "[Service]\nExecStart=/usr/local/bin/etcd --name 'a b'\n",
  sha256: 'ab'.repeat(32),
};

describe('the chapter by hand (the fresh converge floor)', () => {
  it("runs the chapter's own systemctl commands in its order, after every file is written and synced", () => {
    const s = byHandScript(files);
    const at = (line: string) => s.split('\n').indexOf(line);
    expect(at('systemctl daemon-reload')).toBeGreaterThan(s.split('\n').findIndex((l) => l.startsWith('sync ')));
    expect([at('systemctl daemon-reload'), at('systemctl enable --quiet etcd'), at('systemctl start etcd')]).toEqual([
      at('systemctl daemon-reload'),
      at('systemctl daemon-reload') + 1,
      at('systemctl daemon-reload') + 2,
    ]);
    expect(s).toContain(`echo '${files.sha256}  /usr/local/src/etcd-v`);
    expect(s.split('\n')[0]).toBe('t0=$(date +%s%N)');
  });

  it('is valid sh that writes each file byte for byte (the unit quoted as it is)', () => {
    const s = byHandScript(files);
    expect(() => execFileSync('sh', ['-n', '-c', s])).not.toThrow();
    const unitWrite = s.slice(s.indexOf("cat > /etc/systemd/system/etcd.service <<'TSPLAY_BY_HAND_EOF'"));
    const body = unitWrite.split('\n').slice(1, unitWrite.split('\n').indexOf('TSPLAY_BY_HAND_EOF'));
    expect(`${body.join('\n')}\n`).toBe(files.unit);
  });

  it("notes the time after each phase, right after the phase's last command, and prints every note on one line", () => {
    const lines = byHandScript(files).split('\n');
    const after = (i: number) => lines[lines.indexOf(`t${i}=$(date +%s%N)`) - 1] ?? '';
    expect([1, 2, 3, 4, 5].map((i) => after(i).split(' ')[0])).toEqual(['echo', 'tar', 'sync', 'systemctl', 'ETCDCTL_API=3']);
    expect(after(4)).toBe('systemctl start etcd');
    expect(lines.at(-1)).toBe(`echo ${[0, 1, 2, 3, 4, 5].map((i) => `"$t${i}"`).join(' ')}`);
    expect(BY_HAND_PHASES).toHaveLength(5);
  });

  it('refuses a file whose text holds its heredoc delimiter', () => {
    expect(() => byHandScript({ ...files, unit: 'x\nTSPLAY_BY_HAND_EOF\n' })).toThrow(/delimiter/);
  });

  it("is the fresh converge's floor line of the table: tsplay's median above the by-hand median", () => {
    const fresh: SectionResult = {
      kind: 'fresh',
      hosts: 3,
      runs: [4.5, 5.0, 5.5].map((seconds, round) => ({ tool: 'tsplay', round, seconds, code: 0, changed: 9, failed: 0, tail: '' })),
      etcdStart: [0.6, 0.7, 0.8],
      byHand: [3.0, 3.2, 3.4],
      unavailable: {},
      notes: [],
    };
    const sum = summarize([fresh], ['tsplay']);
    expect(sum.byHand?.median).toBe(3.2);
    expect(table(sum, ['tsplay'])).toContain("3.20 [3.00-3.40] s; tsplay's fresh converge is 1.80 s above it");
  });
});
