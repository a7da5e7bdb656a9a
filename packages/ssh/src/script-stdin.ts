/**
 * A long script (the probe, a host's batched apply) goes to the host on the channel's stdin, not in the exec
 * request: on the command line it would be the argv of the login shell and of sudo, readable by every user of
 * the host in `ps`, and sudo logs the whole command line (a 43 KB probe is ~50 lines of the host's journal on
 * every run). The short command left replaces its shell with `/bin/sh -s`, which reads the script from stdin
 * (no `cat`, no second shell). The script is sent as one brace group: the shell parses a whole command before it
 * runs any of it, so it has read the script to its end first, and nothing the script runs can read the script's
 * own text from stdin; a script that does not parse runs none of its commands (as `eval` did). Only for a
 * command that has no stdin of its own: its stdin was empty before, and it is at its end now, so the script
 * sees what it saw. Short commands stay readable in sudo's log.
 */
export const MAX_ARGV_SCRIPT = 2048;

/** The command line that runs a script sent on stdin. */
export const SCRIPT_FROM_STDIN = 'exec /bin/sh -s';

/** The stdin that carries `script` to SCRIPT_FROM_STDIN: the script as one command (a brace group). */
export const scriptAsStdin = (script: string): string => `{\n${script}\n}\n`;

/** `command` and `stdin` as they go to the host: a long command without stdin of its own moves into stdin. */
export function scriptOnStdin(
  command: string,
  stdin: string | Buffer | undefined,
): { command: string; stdin: string | Buffer | undefined } {
  if (stdin !== undefined || Buffer.byteLength(command, 'utf8') <= MAX_ARGV_SCRIPT) return { command, stdin };
  return { command: SCRIPT_FROM_STDIN, stdin: scriptAsStdin(command) };
}
