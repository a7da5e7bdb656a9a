import { TsplayError } from '@tsplay/core';

/** What a hidden prompt needs: a terminal to read from (raw mode) and one to write the question to. */
export interface PromptIO {
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown };
  output: NodeJS.WritableStream;
}

/**
 * Ask for a password on the terminal without echo. Enter ends it, Backspace erases, Ctrl-C and
 * Ctrl-D abort (INTERRUPTED). Without a terminal it fails with VAULT_PASSWORD_SOURCE.
 */
export function promptHidden(question: string, io: PromptIO = { input: process.stdin, output: process.stderr }): Promise<string> {
  const { input, output } = io;
  if (!input.isTTY || !input.setRawMode)
    return Promise.reject(
      new TsplayError('VAULT_PASSWORD_SOURCE', `${question.trim()} needs a terminal, and stdin is not one`, {
        hint: 'give the password in a file: --vault-password-file FILE or --vault-id label@FILE',
      }),
    );
  const setRaw = input.setRawMode.bind(input);
  // raw (no echo) before the question shows: an answer typed (or sent) on seeing it is never echoed
  setRaw(true);
  output.write(question);
  input.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (err?: Error) => {
      input.off('data', onData);
      setRaw(false);
      input.pause();
      output.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || ch === '\u0004') return done(new TsplayError('INTERRUPTED', 'password prompt interrupted'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    input.on('data', onData);
  });
}
