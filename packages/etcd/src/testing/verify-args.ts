/** Test helpers: the verification's args for KTHW's controllers with the chapter's certificates. */
import { verifyArgs, type VerifyArgs } from '../verify.js';

export const CERTS = { caFile: '/etc/etcd/ca.pem', certFile: '/etc/etcd/kubernetes.pem', keyFile: '/etc/etcd/kubernetes-key.pem' };

/** The first `n` controllers (name + internal IP). */
export const controllers = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `controller-${i}`, ip: `10.240.0.1${i}` }));

/** The `members` and `health` checks' args for the first `n` controllers. */
export function checksFor(n: number): { m: VerifyArgs; h: VerifyArgs } {
  const members = controllers(n);
  return { m: verifyArgs.parse({ check: 'members', members, ...CERTS }), h: verifyArgs.parse({ check: 'health', members, ...CERTS }) };
}
