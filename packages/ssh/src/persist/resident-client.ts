import { createConnection, type Socket } from 'node:net';
import { FrameReader, encodeFrame, type Frame } from './frame.js';
import type { RunRequest } from './resident-wire.js';
import { type DaemonInfo, PERSIST_PROTOCOL, isUnsafe, ownedProblem, parentsProblem, peerProblem, readInfoChecked } from './safe.js';

/** The run's outcome: its exit code, or why the daemon did not take it (the caller runs it itself). */
export type ResidentOutcome = { code: number } | { fallback: string; noDaemon?: boolean };

export interface ResidentStreams {
  stdout: { write(b: Uint8Array): unknown };
  stderr: { write(b: Uint8Array): unknown };
}

/** The published daemon of `dir`, checked as the persist client checks it; a reason when it cannot be used. */
function findDaemon(dir: string): DaemonInfo | { fallback: string; noDaemon?: boolean } {
  try {
    const up = parentsProblem(dir) ?? ownedProblem(dir, 'dir');
    if (up) return { fallback: `${up.path} ${up.why}` };
    const info = readInfoChecked(dir);
    if (!info) return { fallback: 'no resident runner is up', noDaemon: true };
    if (isUnsafe(info)) return { fallback: `${info.path} ${info.why}` };
    const peer = peerProblem(dir, info);
    return peer ? { fallback: `${peer.path} ${peer.why}`, noDaemon: true } : info;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { fallback: 'no resident runner is up', noDaemon: true } : { fallback: (e as Error).message };
  }
}

function connect(socket: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createConnection(socket);
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });
}

/** Hand the whole run to the daemon of `dir`: hello, the request, then its output and exit code streamed back. */
export async function residentRun(dir: string, req: RunRequest, io: ResidentStreams): Promise<ResidentOutcome> {
  const info = findDaemon(dir);
  if ('fallback' in info) return info;
  let sock: Socket;
  try {
    sock = await connect(info.socket);
  } catch (e) {
    return { fallback: `cannot connect to the resident runner (${(e as Error).message})`, noDaemon: true };
  }
  return converse(sock, info.token, req, io);
}

/** One run over an open socket (resident-wire.ts); any protocol trouble before `accepted` is a fall-back. */
function converse(sock: Socket, token: string, req: RunRequest, io: ResidentStreams): Promise<ResidentOutcome> {
  return new Promise((resolve) => {
    const reader = new FrameReader();
    let accepted = false;
    let settled = false;
    let signals = 0;
    const done = (o: ResidentOutcome): void => {
      if (settled) return;
      settled = true;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      sock.end();
      resolve(o);
    };
    const onSignal = (sig: NodeJS.Signals): void => {
      sock.write(encodeFrame({ t: 'signal', sig }));
      // the second Ctrl-C quits now, as the direct path's does (the daemon sees this client go and stops the run)
      if (++signals >= 2) process.exit(130);
    };
    const onFrame = (f: Frame): void => {
      const h = f.head;
      if (h.t === 'res' && h.id === 1) {
        if (h.ok !== true) return done({ fallback: 'the resident runner refused the client (token or protocol)' });
        sock.write(encodeFrame({ ...req, t: 'run', id: 2 }));
      } else if (h.t === 'res' && h.id === 2) {
        if (h.ok !== true)
          return done({ fallback: typeof h.fallback === 'string' ? h.fallback : 'the resident runner did not take the run' });
        accepted = true;
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      } else if (accepted && h.t === 'out') (h.fd === 2 ? io.stderr : io.stdout).write(f.body);
      else if (accepted && h.t === 'exit') done({ code: typeof h.code === 'number' ? h.code : 1 });
    };
    sock.on('data', (b: Buffer) => {
      try {
        for (const f of reader.push(b)) onFrame(f);
      } catch {
        sock.destroy();
      }
    });
    sock.on('error', () => undefined);
    sock.on('close', () => {
      if (settled) return;
      if (!accepted) return done({ fallback: 'the resident runner closed the connection' });
      io.stderr.write(Buffer.from('tsplay: the resident runner went away during the run\n'));
      done({ code: 1 });
    });
    sock.write(encodeFrame({ t: 'hello', id: 1, token, protocol: PERSIST_PROTOCOL }));
  });
}
