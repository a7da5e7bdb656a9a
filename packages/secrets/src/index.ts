/** @tsplay/secrets: placeholder until its first module lands. */
export {};
