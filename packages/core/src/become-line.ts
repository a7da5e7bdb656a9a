import { quote } from './sh.js';

/**
 * The host-side command lines of each become method. The password (when there is one) is always the
 * first line of the channel's stdin: the host's shell reads it with its `read` builtin (byte by byte,
 * so the rest of stdin stays for the command) into an unexported variable, and hands it on through a
 * pipe from its `printf` builtin. No exec'd process ever has it on argv or in its environment.
 */

/** What `su` prints on stderr once it has let the command start: everything before it is su's own talk (its prompt). */
export const SU_STARTED = '\u001etsplay-become-started\u001e\n';

/** `-u USER ` for sudo and doas. */
const userFlag = (user: string | undefined): string => (user !== undefined ? `-u ${quote(user)} ` : '');

/**
 * sudo. Without a password: `sudo -n` (never prompts). With one: sudo is asked first with `-n` whether
 * it needs a password at all; if not, the password line is read off stdin and dropped (so the command
 * never sees it), else `sudo -k -S -p ''` reads it as stdin's first line.
 */
export function sudoLine(inner: string, user: string | undefined, exe: string | undefined, password: boolean): string {
  const sudo = exe ? quote(exe) : 'sudo';
  const u = userFlag(user);
  const sh = `-- /bin/sh -c ${quote(inner)}`;
  if (!password) return `${sudo} -n ${u}${sh}`;
  return `if ${sudo} -n ${u}true 2>/dev/null; then IFS= read -r _tsplay_pw; exec ${sudo} -n ${u}${sh}; else exec ${sudo} -k -S -p '' ${u}${sh}; fi`;
}

/**
 * su. su (util-linux, through PAM) reads the password from its stdin when that is not a terminal, so its
 * stdin is a pipe holding the password line only (or /dev/null without a password: su never reads the
 * command's stdin), and the command gets the channel's stdin back from fd 3. The started marker on stderr
 * lets the connection strip su's prompt, and tells a refusal from the command's own failure.
 */
export function suLine(inner: string, user: string | undefined, exe: string | undefined, password: boolean): string {
  const su = `${exe ? quote(exe) : 'su'} ${quote(user ?? 'root')} -s /bin/sh -c`;
  const started = `exec 0<&3 3<&-; printf '\\036tsplay-become-started\\036\\n' >&2; ${inner}`;
  if (!password) return `{ ${su} ${quote(`exec 0<&3 3<&-; ${inner}`)} </dev/null; } 3<&0`;
  return `IFS= read -r _tsplay_pw; { printf '%s\\n' "$_tsplay_pw" | ${su} ${quote(started)}; } 3<&0`;
}

/**
 * doas. Without a password: `doas -n` (a `permit nopass` rule). With one, `doas -n` is tried first (a
 * nopass rule, or a fresh `persist` timestamp). Else doas must read the password from a terminal: `script`
 * (util-linux) runs it on a new pty, with doas's own stdin, stdout and stderr the channel's (fds 3, 4, 5).
 * The pty's output goes to a fifo (unlinked at once) that nothing but `head -c1` reads: its first byte is
 * doas's prompt, written after doas turned echo off and flushed the terminal's input; only then does the
 * password go to the pty. The prompt never reaches the channel. `printf .` wakes the waiter when doas
 * never prompts.
 */
export function doasLine(inner: string, user: string | undefined, exe: string | undefined, password: boolean): string {
  const doas = exe ? quote(exe) : 'doas';
  const u = userFlag(user);
  const direct = `${doas} -n ${u}/bin/sh -c ${quote(inner)}`;
  if (!password) return direct;
  const onPty = `exec ${doas} ${u}/bin/sh -c ${quote(inner)} <&3 >&4 2>&5 3<&- 4>&- 5>&- 6>&-`;
  return [
    `if ${doas} -n ${u}true 2>/dev/null; then IFS= read -r _tsplay_pw; exec ${direct}; fi`,
    'IFS= read -r _tsplay_pw',
    '_tsplay_d=$(mktemp -d) && mkfifo "$_tsplay_d/p" && exec 6<>"$_tsplay_d/p" && rm -rf "$_tsplay_d" || exit 125',
    `{ { head -c1 <&6 >/dev/null; printf '%s\\n' "$_tsplay_pw"; } | { SHELL=/bin/sh script -qec ${quote(onPty)} /dev/null >&6 2>&5; _tsplay_rc=$?; printf . >&6; exit $_tsplay_rc; }; } 3<&0 4>&1 5>&2`,
  ].join('\n');
}
