/** @tsplay/pki: placeholder until its first module lands. */
export {};
