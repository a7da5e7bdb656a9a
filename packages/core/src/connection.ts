/** The transport contract. `exec` never throws on a non-zero exit: the caller decides what is an error. */
export interface ExecOptions {
  /** Run as root (`true`) or as the named user, with `sudo -n`. */
  become?: boolean | string | undefined;
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
}

export interface StatOptions {
  become?: boolean | string | undefined;
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

export interface Connection {
  /** Inventory name of the host. */
  readonly host: string;
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  /** Atomic write: temp file in the same directory, fsync, rename, then mode/owner. */
  put(path: string, data: string | Buffer, opts?: PutOptions): Promise<void>;
  read(path: string, opts?: { become?: boolean | string | undefined }): Promise<Buffer>;
  stat(path: string, opts?: StatOptions): Promise<PathState>;
  close(): Promise<void>;
}
