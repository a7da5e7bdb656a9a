import { definePlaybook, task, type TaskContext } from '@tsplay/core';
import { copy } from '@tsplay/modules';
import { EtcdRotateCaVars, certRoll, etcdCaState, etcdPreflight, hostCertPaths, ipOf, memberName, rotationFiles } from '@tsplay/etcd';
import { pkiCert, pkiCertInfo } from '@tsplay/pki';

/**
 * etcd day 2: CA rotation with dual trust (packages/etcd/README.md, "CA rotation"), one phase per run:
 *   -e etcdCaPhase=trust   the members' CA file becomes old CA + new CA (the new leaf is issued on the workstation)
 *   -e etcdCaPhase=leaf    the leaf signed by the new CA (same subject, SANs and key)
 *   -e etcdCaPhase=finish  the CA file becomes the new CA alone
 * trust and finish rolled in one member at a time (the role's rolling restart, leader last: etcd loads its CA
 * file only when it starts); leaf with no restart (etcd reads its certificate at every new TLS handshake), then
 * every member is checked to serve it on both ports. Between the phases, clients
 * move too: trust both CAs before `leaf`, present a client certificate of the new CA before `finish`. A member
 * not ready for a phase refuses it with ETCD_CA_PHASE before any host changes; every phase may be re-run, and
 * a run that stopped half-way is completed by the next one. After `finish`, point etcdCaFile and etcdCertFile
 * at the new files.
 */
type Ctx = TaskContext<EtcdRotateCaVars>;
const onWorkstation = { runOnce: true, delegateTo: 'localhost', become: false } as const;
const phase = (c: Ctx) => c.vars.etcdCaPhase;

const oldCa = task(pkiCertInfo, (c: Ctx) => ({ cert: c.vars.etcdCaFile }), { name: 'the CA the members trust now', ...onWorkstation });
const newCa = task(pkiCertInfo, (c: Ctx) => ({ cert: c.vars.etcdNewCaFile }), { name: 'the new CA', ...onWorkstation });
const leafNow = task(pkiCertInfo, (c: Ctx) => ({ cert: c.vars.etcdCertFile }), { name: 'the leaf the members hold now', ...onWorkstation });
/** One PEM block ending in a newline (so that two of them concatenate into a valid bundle). */
const pemOf = (c: Ctx, t: typeof oldCa) => `${(c.result(t)?.data?.pem ?? '').trim()}\n`;

const members = (c: Ctx) => c.hosts(c.vars.etcdGroup).map((h) => ({ name: memberName(h), ip: ipOf(h) }));
const healthy = task(etcdPreflight, (c: Ctx) => ({ op: 'healthy' as const, target: members(c), ...hostCertPaths(c.vars) }), {
  name: 'etcd cluster healthy',
});
const stateArgs = (c: Ctx, after: boolean) => ({
  phase: phase(c),
  ip: ipOf(c.host),
  oldCa: pemOf(c, oldCa),
  newCa: pemOf(c, newCa),
  after,
  ...hostCertPaths(c.vars),
});
const ready = task(etcdCaState, (c: Ctx) => stateArgs(c, false), { name: 'ready for this phase' });

// trust: the new leaf is made now (on the workstation), so that clients can be given it before `leaf`
const newLeaf = task(
  pkiCert,
  (c: Ctx) => {
    const i = c.result(leafNow)?.data;
    const f = rotationFiles(c.vars);
    return {
      cert: f.newCert,
      key: c.vars.etcdKeyFile,
      ca: c.vars.etcdNewCaFile,
      caKey: f.newCaKey,
      ...(i ? { subject: i.subject, ips: i.ips, dnsNames: i.dnsNames } : {}),
      days: c.vars.pkiCertDays,
      renewDays: c.vars.etcdCertMinDays,
    };
  },
  { name: 'the leaf of the new CA (same subject, SANs and key)', ...onWorkstation, when: (c: Ctx) => phase(c) === 'trust' },
);

const ca = task(
  copy,
  // finish: the new CA's file byte for byte (what etcd.ts copies once the inventory names it)
  (c: Ctx) => ({
    ...(phase(c) === 'finish' ? { src: c.vars.etcdNewCaFile } : { content: `${pemOf(c, oldCa)}${pemOf(c, newCa)}` }),
    dest: hostCertPaths(c.vars).caFile,
    mode: '0644',
  }),
  { name: 'etcd ca (trust bundle, then the new CA alone)' },
);
const cert = task(copy, (c: Ctx) => ({ src: rotationFiles(c.vars).newCert, dest: hostCertPaths(c.vars).certFile, mode: '0644' }), {
  name: 'etcd cert (the leaf of the new CA)',
  when: (c: Ctx) => phase(c) !== 'trust',
});
// only the CA file needs the rolling restart (trust, finish); the new leaf is read at the next handshake
const roll = certRoll<EtcdRotateCaVars>('', (c) => c.changed(ca));
const done = task(etcdCaState, (c: Ctx) => stateArgs(c, true), {
  name: 'phase complete',
  when: (c: Ctx) => !c.check || !c.changed(ca, cert),
});

const healthyAfter = task(etcdPreflight, (c: Ctx) => ({ op: 'healthy' as const, target: members(c), ...hostCertPaths(c.vars) }), {
  name: 'etcd cluster healthy after the phase',
});

export default definePlaybook({
  name: 'etcd-rotate-ca',
  vars: EtcdRotateCaVars,
  plays: [
    { name: 'etcd CA rotation: the certificates on the workstation', hosts: 'controllers', tasks: [oldCa, newCa, leafNow] },
    {
      name: 'etcd CA rotation: preflight (no host is changed when it refuses)',
      hosts: 'controllers',
      become: true,
      maxFailPercentage: 0,
      tasks: [healthy, ready],
    },
    { name: 'etcd CA rotation: the new leaf on the workstation', hosts: 'controllers', tasks: [newLeaf] },
    { name: 'etcd CA rotation: copy', hosts: 'controllers', become: true, maxFailPercentage: 0, tasks: [ca, cert, roll.state] },
    ...roll.plays('etcd CA rotation'),
    { name: 'etcd CA rotation: complete on every member', hosts: 'controllers', become: true, tasks: [done, healthyAfter] },
  ],
});
