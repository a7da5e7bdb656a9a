import { errorCodes } from '@tsplay/modules/kit';

/** The codes @tsplay/pki raises. */
export const pkiError = errorCodes(['PKI_CA_INVALID', 'PKI_CERT_INVALID', 'PKI_WRITE_FAILED']);
