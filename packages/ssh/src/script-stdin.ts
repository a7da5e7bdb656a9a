/**
 * A long script (the probe, a host's batched apply) goes to the host on the channel's stdin, not in the exec
 * request: on the command line it would be the argv of the login shell and of sudo, readable by every user of
 * the host in `ps`, and sudo logs the whole command line (a 43 KB probe is ~50 lines of the host's journal on
 * every run). It would also meet two hard limits: one argument of at most 128 KiB (Linux's MAX_ARG_STRLEN: the
 * login shell cannot start, E2BIG) and an exec request within sshd's packet size (256 KiB: sshd drops the
 * connection), which forty file writes in one exec pass. The script is sent as one brace group: the shell parses
 * a whole command before it runs any of it, so it has read the script to its end first, and nothing the script
 * runs can read the script's own text from stdin; a script that does not parse (or came short) runs none of its
 * commands. Short commands stay readable in sudo's log.
 *
 * Without stdin of its own, the short command left replaces its shell with `/bin/sh -s`, which reads the script
 * (no `cat`, no second shell): its stdin was empty before, and it is at its end now, so the script sees what it
 * saw. With stdin of its own (a batched apply's file contents), the script goes first and the short command
 * reads exactly its bytes with `head -c` (which reads no further, as the steps read their contents) and `eval`s
 * them: `/bin/sh -s` would read ahead into the contents.
 */
export const MAX_ARGV_SCRIPT = 2048;

/** The command line that runs a script sent on stdin. */
export const SCRIPT_FROM_STDIN = 'exec /bin/sh -s';

/** The command line that runs a script of `bytes` bytes sent on stdin ahead of the command's own stdin. */
export const scriptAhead = (bytes: number): string =>
  `__tsplay_script=$(head -c ${bytes}) && eval 'unset __tsplay_script;' "$__tsplay_script"`;

/** The stdin that carries `script` to SCRIPT_FROM_STDIN: the script as one command (a brace group). */
export const scriptAsStdin = (script: string): string => `{\n${script}\n}\n`;

/** `command` and `stdin` as they go to the host: a long command moves into stdin, ahead of the stdin it has. */
export function scriptOnStdin(
  command: string,
  stdin: string | Buffer | undefined,
): { command: string; stdin: string | Buffer | undefined } {
  if (Buffer.byteLength(command, 'utf8') <= MAX_ARGV_SCRIPT) return { command, stdin };
  if (stdin === undefined) return { command: SCRIPT_FROM_STDIN, stdin: scriptAsStdin(command) };
  const script = Buffer.from(scriptAsStdin(command), 'utf8');
  const own = typeof stdin === 'string' ? Buffer.from(stdin, 'utf8') : stdin;
  return { command: scriptAhead(script.length), stdin: Buffer.concat([script, own]) };
}
