/** How become gains privileges on a host. */
export type BecomeMethod = 'sudo' | 'su' | 'doas';

/** The transport contract. `exec` never throws on a non-zero exit: the caller decides what is an error. */
export interface ExecOptions {
  /** Run as root (`true`) or as the named user, with `sudo -n`. */
  become?: boolean | string | undefined;
  /** This call's become method (a play's or task's `becomeMethod`); default: the host's. */
  becomeMethod?: BecomeMethod | undefined;
  stdin?: string | Buffer | undefined;
  env?: Record<string, string> | undefined;
  cwd?: string | undefined;
  /** Kill the command after this many ms; the result then has `timedOut: true`. */
  timeoutMs?: number | undefined;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
  timedOut?: boolean;
}

export interface PutOptions {
  mode?: number | undefined;
  owner?: string | undefined;
  group?: string | undefined;
  become?: boolean | string | undefined;
  becomeMethod?: BecomeMethod | undefined;
}

export interface StatOptions {
  become?: boolean | string | undefined;
  becomeMethod?: BecomeMethod | undefined;
  /** Also compute the sha256 of a regular file. */
  hash?: boolean | undefined;
}

export type PathType = 'file' | 'dir' | 'link' | 'other';

/** What is at a path. `exists: false` means nothing is there. */
export interface PathState {
  exists: boolean;
  type?: PathType | undefined;
  /** Permission bits, e.g. 0o644. */
  mode?: number | undefined;
  owner?: string | undefined;
  group?: string | undefined;
  size?: number | undefined;
  /** Hex sha256 of a regular file, when asked for; `undefined` when unknown (e.g. predicted but not computable). */
  sha256?: string | undefined;
  /** Target of a symbolic link. */
  target?: string | undefined;
}

/** A long-lived command (e.g. one holding a lock): it runs until released or until the connection ends. */
export interface HoldOptions {
  become?: boolean | string | undefined;
  becomeMethod?: BecomeMethod | undefined;
  env?: Record<string, string> | undefined;
  /** `hold` resolves once the stdout printed so far satisfies this (or the command exits first). */
  ready(stdout: string): boolean;
}

export interface Held {
  /** stdout up to the moment `ready` said yes, or all of it when the command exited first. */
  readonly stdout: string;
  /** Set when the command exited before it was ready. */
  readonly exit?: ExecResult | undefined;
  /** Resolves when the command has ended (released, exited by itself, or the connection went). */
  readonly ended: Promise<void>;
  /** Close the command's stdin (it should exit on EOF) and wait for it to end. */
  release(): Promise<void>;
}

export interface Connection {
  /** Inventory name of the host. */
  readonly host: string;
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  /** Atomic write: temp file in the same directory, fsync, rename, then mode/owner. */
  put(path: string, data: string | Buffer, opts?: PutOptions): Promise<void>;
  read(path: string, opts?: { become?: boolean | string | undefined; becomeMethod?: BecomeMethod | undefined }): Promise<Buffer>;
  stat(path: string, opts?: StatOptions): Promise<PathState>;
  /**
   * `read`, with the bytes handed to `onData` piece by piece as they arrive, so a large file (a snapshot)
   * is never held whole. Optional: callers fall back to `read` (the `fetch` module does).
   */
  readChunks?(
    path: string,
    onData: (chunk: Buffer) => void,
    opts?: { become?: boolean | string | undefined; becomeMethod?: BecomeMethod | undefined },
  ): Promise<void>;
  /**
   * Start a command that keeps running with its stdin open; it sees EOF when released, when the
   * connection is closed, or when the workstation side dies. Optional: transports without it cannot
   * hold run locks.
   */
  hold?(command: string, opts: HoldOptions): Promise<Held>;
  close(): Promise<void>;
}
