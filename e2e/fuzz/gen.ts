/**
 * Random playbooks over random starting states. A play has one random sequence of task kinds; each of
 * the 3 hosts gets its own args and its own starting state under its own root (one case per host).
 */
import { sh } from '@tsplay/core';
import {
  ECHO_LINE,
  ECHO_MODE,
  KINDS,
  NEEDS,
  caseNames,
  confText,
  unitText,
  COPY_TEXTS,
  SLEEPS,
  type CaseNames,
  type CaseTask,
  type FuzzCase,
  type FuzzPlay,
  type Kind,
  type Tarball,
} from './model.js';
import { playSeed, rng, type Rng } from './rng.js';
import { startState } from './start.js';

/** Kinds of a play: `root` first, then a random subset in random order, each after what it needs. */
export function playKinds(r: Rng, exclude: readonly string[] = []): Kind[] {
  const chosen = KINDS.filter((k) => k !== 'root' && r.chance(0.4) && !exclude.includes(k) && !exclude.includes(NEEDS[k] ?? ''));
  for (let i = chosen.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [chosen[i], chosen[j]] = [chosen[j] as Kind, chosen[i] as Kind];
  }
  const out: Kind[] = ['root'];
  const add = (k: Kind): void => {
    if (out.includes(k)) return;
    const need = NEEDS[k];
    if (need) add(need);
    out.push(k);
  };
  chosen.forEach(add);
  return out;
}

const mode = (r: Rng, modes: readonly string[]): string | undefined => (r.chance(0.2) ? undefined : r.pick(modes));
const withMode = (args: Record<string, unknown>, m: string | undefined): Record<string, unknown> =>
  m === undefined ? args : { ...args, mode: m };

/** Args of one task and the fingerprint keys it may change. */
export function taskFor(kind: Kind, r: Rng, n: CaseNames, host: string, tarball: Tarball): CaseTask {
  const R = n.root;
  const t = (args: Record<string, unknown>, touches: string[]): CaseTask => ({ kind, args, touches });
  switch (kind) {
    case 'root':
      return t(
        { path: R, state: 'directory', mode: r.pick(['0755', '0750', '0700']), ...(r.chance(0.3) ? { owner: 'root', group: 'root' } : {}) },
        [R],
      );
    case 'dir': {
      const path = r.chance(0.5) ? `${R}/d` : `${R}/d/e`;
      return t(withMode({ path, state: 'directory' }, mode(r, ['0755', '0711'])), [`${R}/d`, path]);
    }
    case 'copy':
      return t(
        withMode(
          { dest: `${R}/c.txt`, content: r.pick(COPY_TEXTS), ...(r.chance(0.3) ? { owner: 'root' } : {}) },
          mode(r, ['0644', '0600']),
        ),
        [`${R}/c.txt`],
      );
    case 'template':
      return t(withMode({ dest: `${R}/t.conf`, template: confText, vars: { n: r.int(2), host } }, mode(r, ['0644', '0640'])), [
        `${R}/t.conf`,
      ]);
    case 'touch':
      return t(withMode({ path: `${R}/empty`, state: 'touch' }, mode(r, ['0644', '0640'])), [`${R}/empty`]);
    case 'link':
      return t({ path: `${R}/link`, state: 'link', src: r.pick(['c.txt', 't.conf']) }, [`${R}/link`]);
    case 'absent':
      return t({ path: `${R}/old`, state: 'absent' }, [`${R}/old`]);
    case 'download':
      return t(withMode({ url: tarball.url, dest: `${R}/etcd.tgz`, checksum: `sha256:${tarball.sha256}` }, mode(r, ['0644', '0640'])), [
        `${R}/etcd.tgz`,
      ]);
    case 'unarchive':
      return t(withMode({ src: `${R}/etcd.tgz`, dest: R, include: ['*/README.md'], stripComponents: 1 }, mode(r, ['0644', '0600'])), [
        `${R}/README.md`,
      ]);
    case 'creates':
      return t({ cmd: sh`echo made > ${`${R}/flag`}`.toString(), creates: `${R}/flag` }, [`${R}/flag`]);
    case 'removes':
      return t({ cmd: sh`rm ${`${R}/gone`}`.toString(), removes: `${R}/gone` }, [`${R}/gone`]);
    case 'probe':
      return t({ argv: ['sha256sum', '/etc/hostname'], readOnly: true }, []);
    case 'probeCopy':
      return t({ argv: ['cat', `${R}/c.txt`], readOnly: true }, []);
    case 'unit':
      return t({ dest: n.unitFile, template: unitText, vars: { sleep: r.pick(SLEEPS) }, mode: '0644' }, [n.unitFile, `unit:${n.unit}`]);
    case 'service':
      return t({ name: n.unit, state: r.pick(['started', 'stopped']), enabled: r.chance(0.5), daemonReload: true }, [
        `unit:${n.unit}`,
        n.wantsLink,
      ]);
    // a write whose content comes from an earlier output (unknown in --check while c.txt would change), then tasks on its path
    case 'echoProbe':
      return t({ argv: ['cat', `${R}/c.txt`], readOnly: true, reads: [`${R}/c.txt`] }, []);
    case 'echo':
      return { ...t({ dest: `${R}/o.txt`, content: `${ECHO_LINE}\n`, mode: ECHO_MODE }, [`${R}/o.txt`]), contentFrom: 'echoProbe' };
    case 'echoFile':
      return t({ path: `${R}/o.txt`, state: 'file', mode: ECHO_MODE, ...(r.chance(0.5) ? { owner: 'root' } : {}) }, [`${R}/o.txt`]);
    case 'echoStat':
      return t({ path: `${R}/o.txt`, hash: r.chance(0.5) }, []);
    case 'echoLine':
      return t({ path: `${R}/o.txt`, line: ECHO_LINE }, [`${R}/o.txt`]);
  }
}

/** Play `index` of run `seed`, one case per host. */
export function generatePlay(
  seed: number,
  index: number,
  hosts: readonly string[],
  tarball: Tarball,
  exclude: readonly string[] = [],
): FuzzPlay {
  const r = rng(playSeed(seed, index));
  const kinds = playKinds(r, exclude);
  const names = caseNames(index);
  const cases: FuzzCase[] = hosts.map((host, h) => {
    const tasks = kinds.map((k) => taskFor(k, r, names, host, tarball));
    const s = startState(r, names, tasks);
    return { play: index, host: h, names, tasks, ...s };
  });
  return { index, kinds, cases };
}
