/**
 * Random starting states for a case: missing dirs, wrong modes and owners, edited files, deleted
 * binaries, stopped or disabled units, unit files edited under a running unit. Shell run as root.
 */
import { quote } from '@tsplay/core';
import {
  CACHE,
  COPY_TEXTS,
  ECHO_LINE,
  ECHO_MODE,
  SLEEPS,
  confText,
  unitText,
  type CaseNames,
  type CaseTask,
  type UnitSetup,
} from './model.js';
import type { Rng } from './rng.js';

interface Start {
  setup: string[];
  unitSetup: UnitSetup;
  start: string[];
}

const write = (path: string, text: string, mode: string): string =>
  `printf '%s' ${quote(text)} > ${quote(path)} && chmod ${mode} ${quote(path)}`;
const other = <T>(xs: readonly T[], x: T): T => xs.find((y) => y !== x) ?? x;

/** A file whose right state is `text` with `mode`: missing, right, edited, wrong mode, or owned by nobody. */
function fileState(r: Rng, path: string, text: string, mode: string, edited: string, s: Start, label: string): void {
  const v = r.pick(['missing', 'right', 'edited', 'mode', 'owner'] as const);
  s.start.push(`${label}: ${v}`);
  if (v === 'missing') return;
  s.setup.push(write(path, v === 'edited' ? edited : text, v === 'mode' ? (mode === '0644' ? '0600' : '0644') : mode));
  if (v === 'owner') s.setup.push(`chown nobody:nogroup ${quote(path)}`);
}

function taskState(r: Rng, t: CaseTask, n: CaseNames, s: Start, tasks: readonly CaseTask[] = []): void {
  const R = n.root;
  const a = t.args;
  const m = (d: string) => (typeof a.mode === 'string' ? a.mode : d);
  switch (t.kind) {
    case 'dir': {
      const v = r.pick(['missing', 'right', 'mode', 'parent'] as const);
      s.start.push(`dir: ${v}`);
      if (v === 'parent') s.setup.push(`mkdir ${quote(`${R}/d`)}`);
      if (v === 'right' || v === 'mode')
        s.setup.push(`mkdir -p ${quote(String(a.path))} && chmod ${v === 'mode' ? '0700' : m('0755')} ${quote(String(a.path))}`);
      return;
    }
    case 'copy':
      return fileState(
        r,
        `${R}/c.txt`,
        String(a.content),
        m('0644'),
        other(COPY_TEXTS, a.content as (typeof COPY_TEXTS)[number]),
        s,
        'c.txt',
      );
    case 'template': {
      const v = a.vars as { n: number; host: string };
      return fileState(r, `${R}/t.conf`, confText(v), m('0644'), confText({ ...v, n: v.n + 1 }), s, 't.conf');
    }
    case 'echo': {
      // right: what the run writes (c.txt as the copy makes it, then the line)
      const copied = String(tasks.find((x) => x.kind === 'copy')?.args.content ?? '');
      return fileState(
        r,
        `${R}/o.txt`,
        `${copied}${ECHO_LINE}\n`,
        ECHO_MODE,
        `${other(COPY_TEXTS, copied as (typeof COPY_TEXTS)[number])}${ECHO_LINE}\n`,
        s,
        'o.txt',
      );
    }
    case 'touch':
      return fileState(r, `${R}/empty`, '', m('0644'), 'not empty\n', s, 'empty');
    case 'link': {
      const v = r.pick(['missing', 'right', 'wrong'] as const);
      s.start.push(`link: ${v}`);
      if (v !== 'missing') s.setup.push(`ln -s ${quote(v === 'right' ? String(a.src) : 'elsewhere')} ${quote(`${R}/link`)}`);
      return;
    }
    case 'absent': {
      const v = r.pick(['missing', 'file', 'tree'] as const);
      s.start.push(`old: ${v}`);
      if (v === 'file') s.setup.push(write(`${R}/old`, 'old\n', '0644'));
      if (v === 'tree') s.setup.push(`mkdir ${quote(`${R}/old`)} && echo x > ${quote(`${R}/old/x`)}`);
      return;
    }
    case 'download': {
      const v = r.pick(['missing', 'right', 'corrupt', 'mode'] as const);
      s.start.push(`etcd.tgz: ${v}`);
      const p = quote(`${R}/etcd.tgz`);
      if (v === 'right' || v === 'mode') s.setup.push(`cp ${CACHE} ${p} && chmod ${v === 'mode' ? '0600' : m('0644')} ${p}`);
      if (v === 'corrupt') s.setup.push(`head -c 1000 ${CACHE} > ${p} && chmod ${m('0644')} ${p}`);
      return;
    }
    case 'unarchive': {
      const v = r.pick(['missing', 'right', 'edited', 'mode'] as const);
      s.start.push(`README.md: ${v}`);
      const p = quote(`${R}/README.md`);
      if (v === 'right' || v === 'mode')
        s.setup.push(`tar -xzOf ${CACHE} --wildcards '*/README.md' > ${p} && chmod ${v === 'mode' ? '0755' : m('0644')} ${p}`);
      if (v === 'edited') s.setup.push(write(`${R}/README.md`, 'edited\n', m('0644')));
      return;
    }
    case 'creates':
    case 'removes': {
      const name = t.kind === 'creates' ? 'flag' : 'gone';
      const present = r.chance(0.5);
      s.start.push(`${name}: ${present ? 'present' : 'missing'}`);
      if (present) s.setup.push(write(`${R}/${name}`, 'x\n', '0644'));
      return;
    }
    case 'unit': {
      const sleep = (a.vars as { sleep: string }).sleep;
      const v = r.pick(['missing', 'right', 'edited'] as const);
      s.start.push(`unit file: ${v}`);
      if (v !== 'missing')
        s.setup.push(
          write(n.unitFile, unitText({ sleep: v === 'right' ? sleep : other(SLEEPS, sleep as (typeof SLEEPS)[number]) }), '0644'),
        );
      if (v === 'missing') return;
      const enabled = r.chance(0.5);
      const started = r.chance(0.5);
      const stale = (enabled || started) && r.chance(0.3);
      s.start.push(`unit: ${enabled ? 'enabled' : 'disabled'}, ${started ? 'started' : 'stopped'}${stale ? ', file edited since' : ''}`);
      s.unitSetup = { enable: enabled, start: started, stale: stale ? [write(n.unitFile, unitText({ sleep: '12345' }), '0644')] : [] };
      return;
    }
    default:
      return;
  }
}

/** The starting state of a case: its root (missing, or with a random mode/owner) and each task's objects. */
export function startState(r: Rng, n: CaseNames, tasks: readonly CaseTask[]): Start {
  const s: Start = { setup: [], unitSetup: { enable: false, start: false, stale: [] }, start: [] };
  const R = quote(n.root);
  const root = r.pick(['missing', 'right', 'mode', 'owner'] as const);
  s.start.push(`root: ${root}`);
  const unitTask = tasks.find((t) => t.kind === 'unit');
  if (root !== 'missing') {
    const rootMode = String(tasks[0]?.args.mode ?? '0755');
    s.setup.push(`mkdir ${R} && chmod ${root === 'mode' ? (rootMode === '0700' ? '0755' : '0700') : rootMode} ${R}`);
    if (root === 'owner') s.setup.push(`chown nobody:nogroup ${R}`);
    for (const t of tasks) if (t.kind !== 'unit') taskState(r, t, n, s, tasks);
  }
  if (unitTask) taskState(r, unitTask, n, s);
  return s;
}
