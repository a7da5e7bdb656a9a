/** A 3-node etcd cluster started by hand on the lab hosts (no playbook), from the lab tarball and PKI. */
import { readFile } from 'node:fs/promises';
import { quote } from '@tsplay/core';
import { ETCD_TARBALL, ETCD_URL_BASE, ETCD_VERSION, type LabHost } from '@tsplay/lab';
import { onAllHosts } from './lab.js';

export const HAND_DIR = '/tmp/tsplay-e2e-etcd';
export const HAND_UNIT = 'tsplay-e2e-etcd';
/** Ports of its own, so it can neither clash with nor be mistaken for a playbook's etcd (2379/2380). */
export const CLIENT_PORT = 12379;
export const PEER_PORT = 12380;

/** A quoted heredoc writing `text` (PEM: no delimiter line inside) to `path` with `mode`. */
function put(path: string, text: string, mode: string): string {
  return `cat > ${quote(path)} <<'TSPLAY_EOF'\n${text.trimEnd()}\nTSPLAY_EOF\nchmod ${mode} ${quote(path)}\n`;
}

export function initialCluster(hosts: readonly LabHost[]): string {
  return hosts.map((h) => `${h.name}=https://${h.address}:${PEER_PORT}`).join(',');
}

/** Shell script (run with sudo) that installs the tarball's etcd under HAND_DIR and starts it with systemd-run. */
export async function startScript(h: LabHost, hosts: readonly LabHost[], pki: { ca: string; cert: string; key: string }): Promise<string> {
  const [ca, cert, key] = await Promise.all([readFile(pki.ca, 'utf8'), readFile(pki.cert, 'utf8'), readFile(pki.key, 'utf8')]);
  const d = HAND_DIR;
  const url = `${ETCD_URL_BASE}/v${ETCD_VERSION}/${ETCD_TARBALL}`;
  const flags = [
    `--name=${h.name}`,
    `--cert-file=${d}/kubernetes.pem`,
    `--key-file=${d}/kubernetes-key.pem`,
    `--peer-cert-file=${d}/kubernetes.pem`,
    `--peer-key-file=${d}/kubernetes-key.pem`,
    `--trusted-ca-file=${d}/ca.pem`,
    `--peer-trusted-ca-file=${d}/ca.pem`,
    '--peer-client-cert-auth',
    '--client-cert-auth',
    `--initial-advertise-peer-urls=https://${h.address}:${PEER_PORT}`,
    `--listen-peer-urls=https://${h.address}:${PEER_PORT}`,
    `--listen-client-urls=https://${h.address}:${CLIENT_PORT},https://127.0.0.1:${CLIENT_PORT}`,
    `--advertise-client-urls=https://${h.address}:${CLIENT_PORT}`,
    '--initial-cluster-token=etcd-cluster-0',
    `--initial-cluster=${initialCluster(hosts)}`,
    '--initial-cluster-state=new',
    `--data-dir=${d}/data`,
  ];
  return [
    'set -e',
    `if ss -Hltn '( sport = :${CLIENT_PORT} or sport = :${PEER_PORT} )' | grep -q .; then echo 'etcd ports ${CLIENT_PORT}/${PEER_PORT} already in use' >&2; exit 3; fi`,
    `rm -rf ${d}; mkdir -p ${d}/data; chmod 700 ${d}/data; cd ${d}`,
    `curl -fsS --proto =https -o ${ETCD_TARBALL} ${quote(url)}`,
    `tar -xzf ${ETCD_TARBALL}`,
    put(`${d}/ca.pem`, ca, '0644'),
    put(`${d}/kubernetes.pem`, cert, '0644'),
    put(`${d}/kubernetes-key.pem`, key, '0600'),
    `systemd-run --unit=${HAND_UNIT} --collect --quiet ${d}/etcd-v${ETCD_VERSION}-linux-amd64/etcd ${flags.map((f) => quote(f)).join(' ')}`,
  ].join('\n');
}

export const memberListScript = `ETCDCTL_API=3 ${HAND_DIR}/etcd-v${ETCD_VERSION}-linux-amd64/etcdctl member list --dial-timeout=1s --command-timeout=2s \\
  --endpoints=https://127.0.0.1:${CLIENT_PORT} --cacert=${HAND_DIR}/ca.pem --cert=${HAND_DIR}/kubernetes.pem --key=${HAND_DIR}/kubernetes-key.pem`;

/** Exit 0 when the hand-started etcd unit is running. */
export const unitActiveScript = `systemctl is-active -q ${HAND_UNIT}`;

/** Kill (not stop: a graceful stop waits for leader transfer) the unit, then remove everything it used. */
export const cleanupScript = `systemctl kill --signal=SIGKILL ${HAND_UNIT} 2>/dev/null; systemctl stop ${HAND_UNIT} 2>/dev/null; systemctl reset-failed ${HAND_UNIT} 2>/dev/null; rm -rf ${HAND_DIR}; true`;

export async function cleanupEtcdByHand(): Promise<void> {
  await onAllHosts(cleanupScript, { become: true });
}
