/**
 * A play of many file writes runs as one exec of steps per host, whose script (hundreds of KB) goes on the
 * channel's stdin ahead of the files' contents: on the command line it could not start (Linux takes at most
 * 128 KiB in one argument; sshd drops an exec request beyond its 256 KiB packet, and the host was reported
 * unreachable), and sudo would log all of it. Oracle: each host's own sha256sum and stat of every file, and
 * sudo's lines in the host's journal.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { task } from '@tsplay/core';
import { copy, file } from '@tsplay/modules';
import { lab, onAllHosts } from '../helpers/lab.js';
import { everyHost, fingerprint, playRun, removeRunState } from './run.js';

const DIR = '/tmp/tsplay-e2e-many';
const COUNT = 80;
const reset = () => onAllHosts(`rm -rf ${DIR}`, { become: true });

beforeAll(reset);
afterAll(async () => {
  await reset();
  await removeRunState();
});

describe('many writes in one exec on lab hosts', () => {
  it('writes every file exactly (contents on stdin behind a script beyond the argv and packet limits), sudo logs a short command, a re-run changes nothing', async () => {
    // distinct contents each run (with newlines, braces and quotes a shell would see), so no cache can answer
    const contents = Array.from({ length: COUNT }, (_, i) => `file ${i} ${randomBytes(8).toString('hex')}\n{ } ' " $x \\\n`);
    const mode = (i: number) => (i % 2 === 0 ? '0644' : '0600');
    const tasks = [
      task(file, { path: DIR, state: 'directory', mode: '0755' }, { name: 'dir' }),
      ...contents.map((content, i) => task(copy, { dest: `${DIR}/f${i}`, content, mode: mode(i) }, { name: `f${i}` })),
    ];
    const since = (await fingerprint('date +%s'))[lab().hosts[0]!.name]!.trim();
    const run = await playRun('many-writes-e2e', tasks);
    expect(run.summary.outcome).toBe('changed');
    expect(run.statuses).toEqual(everyHost(tasks.map(() => 'changed')));
    const expected = contents.map((c, i) => `${createHash('sha256').update(c).digest('hex')} ${mode(i).slice(1)} root`).join('\n');
    const seen = await fingerprint(
      `cd ${DIR} && for i in $(seq 0 ${COUNT - 1}); do printf '%s %s\\n' "$(sha256sum < f$i | cut -d' ' -f1)" "$(stat -c '%a %U' f$i)"; done`,
    );
    for (const h of lab().hosts) expect(seen[h.name]?.trim()).toBe(expected);
    // sudo logs each command line in one journal line (a long one goes on in "(command continued)" lines)
    const log = await fingerprint(
      `journalctl _COMM=sudo --since @${since} -o cat --no-pager | awk '/command continued/ { c++ } { if (length($0) > m) m = length($0) } END { print (NR > 0), c + 0, m + 0 }'`,
    );
    for (const h of lab().hosts) {
      const [any, continued, longest] = (log[h.name] ?? '').trim().split(' ').map(Number);
      expect({ host: h.name, any, continued }).toEqual({ host: h.name, any: 1, continued: 0 });
      expect(longest).toBeLessThan(1000);
    }
    const again = await playRun('many-writes-e2e', tasks);
    expect(again.statuses).toEqual(everyHost(tasks.map(() => 'ok')));
  });
});
