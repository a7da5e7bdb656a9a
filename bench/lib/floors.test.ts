import { describe, expect, it } from 'vitest';
import { criticalHost, execLabel } from './floors.js';
import type { Trace } from './trace.js';

describe("the fresh converge's last host, exec by exec", () => {
  it('names what each exec carries from its script', () => {
    expect(execLabel('stat -c %u -- /\ntar -x -f a', 0)).toBe('probe');
    expect(execLabel('curl --proto =https --proto-redir =https -o x\ntar -x -f a\nmv /etc/.ca.pem.tsplay-Ab3dE9 /etc/ca.pem', 1)).toBe(
      'download, extraction, files',
    );
    expect(execLabel('systemctl start --no-block etcd.service\nprintf %s __tsplay_wait_1', 2)).toBe('start, wait');
    // the verification asks its own member; the guard a peer (a lab controller's address)
    const ask = (opts: string, ip: string) => `curl ${opts} --cacert /etc/etcd/ca.pem https://${ip}:2379/health --next ${opts}`;
    expect(execLabel(ask('-sS --max-time 5', '127.0.0.1'), 3)).toBe('verification');
    expect(execLabel(`${ask('-s --connect-timeout 2 --max-time 4', '10.240.0.11')}/v3/cluster/member/list`, 1)).toBe('guard');
    expect(execLabel('true', 3)).toBe('other');
  });

  it('takes the host that ended last, with the gap before each exec and the time around them', () => {
    const e = (host: string, startMs: number, ms: number, script = 'true') => ({ host, startMs, ms, become: true, script });
    const tr: Trace = {
      wallMs: 1000,
      connectMs: {},
      exitCode: 0,
      execs: [e('a', 100, 200), e('b', 110, 100), e('a', 350, 500, 'systemctl start x'), e('b', 350, 300)],
    };
    expect(criticalHost(tr)).toEqual({
      host: 'a',
      beforeFirstExecMs: 100,
      execs: [
        { carries: 'probe', gapBeforeMs: 0, ms: 200 },
        { carries: 'start', gapBeforeMs: 50, ms: 500 },
      ],
      afterLastExecMs: 150,
    });
  });
});
