/**
 * The three assertions for one case, as data: (a) the tasks predicted to change are the tasks that
 * changed, (b) the paths the plans predicted are the fingerprint difference of the real run, (c) a
 * second check predicts nothing; plus "check mutates nothing" (fingerprints before and after a check).
 */
import type { Prediction, TaskStatus } from '@tsplay/core';
import { explainDiff, fingerprintDiff, type Fingerprint } from '../helpers/fingerprint.js';
import { ECHO_KINDS, type FuzzCase } from './model.js';
import { predictionKey, type Predictions } from './playbook.js';

export interface Outcome {
  status: TaskStatus;
  changed: boolean;
  summary?: string | undefined;
  error?: string | undefined;
}
/** `host \t play \t task` -> result of a run. */
export type Outcomes = Map<string, Outcome>;

export interface CaseRuns {
  host: string;
  play: string;
  check: Outcomes;
  run: Outcomes;
  recheck: Outcomes;
  predictions: Predictions;
  /** before, after the check, after the run, after the second check. */
  fps: [Fingerprint, Fingerprint, Fingerprint, Fingerprint];
}

export interface Verdict {
  mismatches: string[];
  tasks: number;
  unknown: number;
  changed: number;
  /** Tasks of the echo chain (ECHO_KINDS), and how many of them were unknown in --check: counted apart. */
  echoTasks: number;
  echoUnknown: number;
}

/** Only this case's keys: under its root, its unit file and wants link, its unit. */
export function caseFingerprint(c: FuzzCase, fp: Fingerprint): Fingerprint {
  const n = c.names;
  const mine = (k: string) => k === n.root || k.startsWith(`${n.root}/`) || k === n.unitFile || k === n.wantsLink || k === `unit:${n.unit}`;
  return new Map([...fp].filter(([k]) => mine(k)));
}

const show = (o: Outcome | undefined) =>
  o ? `${o.status}${o.summary ? ` (${o.summary})` : ''}${o.error ? ` [${o.error}]` : ''}` : 'no result';
const parent = (p: string) => p.slice(0, p.lastIndexOf('/')) || '/';
const noCtime = (d: string | undefined) => d?.replace(/ c\S+/, '');

/** Fingerprint keys a prediction names: its paths, its unknown paths, and per unit its state and wants link. */
export function predictedKeys(p: Prediction, c: FuzzCase): { required: string[]; units: string[] } {
  const required = [...Object.keys(p.paths ?? {}), ...(p.unknown ?? [])];
  const units = Object.keys(p.units ?? {}).flatMap((u) => (u === c.names.unit ? [`unit:${u}`, c.names.wantsLink] : [`unit:${u}`]));
  return { required, units };
}

const UNIT_FIELDS: Record<string, string> = {
  load: 'LoadState',
  active: 'ActiveState',
  sub: 'SubState',
  enabled: 'UnitFileState',
  needDaemonReload: 'NeedDaemonReload',
};

/** The fields of a predicted unit state that systemd contradicts after the run, or undefined. */
export function unitMismatch(predicted: Record<string, unknown>, actual: string | undefined): string | undefined {
  const props = new Map((actual ?? '').split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const));
  const off = Object.entries(predicted).filter(([f, want]) => {
    const prop = UNIT_FIELDS[f];
    // '' is a state the plan does not know (a unit file that is only predicted): no claim to check
    if (prop === undefined || want === undefined || want === '') return false;
    const got = props.get(prop);
    return typeof want === 'boolean' ? got !== (want ? 'yes' : 'no') : got !== String(want);
  });
  return off.length ? off.map(([f]) => `${UNIT_FIELDS[f]}=${props.get(UNIT_FIELDS[f] as string) ?? '?'}`).join(' ') : undefined;
}

const unsafe = (o: Outcome | undefined): boolean => o?.status === 'failed' && (o.error ?? '').startsWith('UNSAFE_PATH:');
/** Check and run both failed with the safe write's refusal. */
const unsafeBoth = (ck: Outcome, rn: Outcome | undefined): boolean => unsafe(ck) && unsafe(rn);
/** Check and run failed alike: the refusal itself, or (after a refusal on this host) the same error exactly. */
const agreedFail = (ck: Outcome, rn: Outcome | undefined, refused: boolean): boolean =>
  unsafeBoth(ck, rn) || (refused && ck.status === 'failed' && rn?.status === 'failed' && ck.error === rn.error);

export function judge(c: FuzzCase, r: CaseRuns): Verdict {
  const v: Verdict = { mismatches: [], tasks: 0, unknown: 0, changed: 0, echoTasks: 0, echoUnknown: 0 };
  const bad = (m: string) => v.mismatches.push(`${r.host} ${r.play}: ${m}`);
  const [fp0, fp1, fp2, fp3] = r.fps.map((f) => caseFingerprint(c, f)) as [Fingerprint, Fingerprint, Fingerprint, Fingerprint];
  if (fingerprintDiff(fp0, fp1).length) bad(`--check changed the host:\n${explainDiff(fp0, fp1)}`);
  if (fingerprintDiff(fp2, fp3).length) bad(`the second --check changed the host:\n${explainDiff(fp2, fp3)}`);
  const required = new Set<string>();
  const allowed = new Set<string>();
  const unitStates: [string, Record<string, unknown>][] = [];
  // A write the safe write refuses (UNSAFE_PATH, e.g. in a root owned by nobody) that --check predicted with
  // the same code is an agreement; so is a later task that check called unknown and the run failed (it
  // read what the refused write did not make), a later task that check and run fail with the same error (the
  // refused write's file is missing in both), and a second --check that still fails the same way.
  let refused = false;
  for (const t of c.tasks) {
    const key = predictionKey(r.host, r.play, t.kind);
    const [ck, rn, rc] = [r.check.get(key), r.run.get(key), r.recheck.get(key)];
    const echo = ECHO_KINDS.includes(t.kind);
    if (echo) v.echoTasks += 1;
    else v.tasks += 1;
    if (ck?.status === 'unknown') {
      if (echo) v.echoUnknown += 1;
      else v.unknown += 1;
      t.touches.forEach((k) => allowed.add(k));
    } else if (
      !ck ||
      !rn ||
      ck.status !== rn.status ||
      ck.changed !== rn.changed ||
      (ck.status === 'failed' && !agreedFail(ck, rn, refused))
    ) {
      bad(`task ${t.kind}: --check said ${show(ck)}, the run did ${show(rn)}`);
    }
    const predictedFail =
      rn?.status === 'failed' && ((ck !== undefined && agreedFail(ck, rn, refused)) || (refused && ck?.status === 'unknown'));
    if (rn?.status === 'failed' && !predictedFail) bad(`task ${t.kind} failed in the run: ${show(rn)}`);
    if (ck && rn && unsafeBoth(ck, rn)) refused = true;
    if (rn?.changed && !echo) v.changed += 1;
    const recheckOk = predictedFail && rc?.status === 'failed' && !rc.changed && (!unsafe(rn) || unsafe(rc));
    if (!recheckOk && (!rc || rc.changed || rc.status === 'unknown' || rc.status === 'failed'))
      bad(`task ${t.kind}: the second --check said ${show(rc)}`);
    if (ck?.status !== 'changed') continue;
    const pred = r.predictions.get(key) ?? {};
    const { required: req, units } = predictedKeys(pred, c);
    req.forEach((k) => required.add(k));
    units.forEach((k) => allowed.add(k));
    unitStates.push(...Object.entries(pred.units ?? {}));
  }
  // a unit file written or removed changes what systemd says about the unit (LoadState) without a reload
  if (required.has(c.names.unitFile)) allowed.add(`unit:${c.names.unit}`);
  const diff = fingerprintDiff(fp1, fp2);
  const inDiff = new Set(diff);
  for (const k of required) if (!inDiff.has(k)) bad(`predicted ${k} to change; it did not (${fp2.get(k) ?? 'absent'})`);
  for (const [u, st] of unitStates) {
    const wrong = unitMismatch(st, fp2.get(`unit:${u}`));
    if (wrong) bad(`predicted unit ${u} ${JSON.stringify(st)}; after the run systemd says ${wrong}`);
  }
  const explained = (k: string): boolean => {
    if (required.has(k) || allowed.has(k)) return true;
    // a directory whose only change is its ctime, because an entry in it was created, removed or replaced
    if (noCtime(fp1.get(k)) === noCtime(fp2.get(k)) && diff.some((d) => parent(d) === k && explained(d))) return true;
    // below a predicted (or an unknown task's) path that was removed, or a predicted tree
    return [...required, ...allowed].some((p) => k.startsWith(`${p}/`) && (fp2.get(p) === 'absent' || fp2.get(p) === undefined));
  };
  const unexplained = diff.filter((k) => !explained(k));
  if (unexplained.length) bad(`the run changed what no plan predicted:\n${explainDiff(fp1, fp2, unexplained)}`);
  return v;
}
