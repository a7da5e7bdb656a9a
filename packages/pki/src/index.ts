/** @tsplay/pki: a CA and leaf certificates made on the workstation (KTHW chapter 04 for etcd). */
import './error-codes.js';
export { pkiCa, pkiCaArgs } from './ca/index.js';
export type { PkiCaArgs } from './ca/index.js';
export { pkiCert, pkiCertArgs } from './cert/index.js';
export type { PkiCertArgs } from './cert/index.js';
export { pkiCertInfo, pkiCertInfoArgs } from './info/index.js';
export type { PkiCertInfo, PkiCertInfoArgs } from './info/index.js';
export { pkiError } from './errors.js';
export { kubernetesSans, KTHW_KUBERNETES_IPS, KTHW_KUBERNETES_NAMES } from './sans.js';
export type { SanHost } from './sans.js';
