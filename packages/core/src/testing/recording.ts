import type { Connection } from '../connection.js';
import { LocalConnection } from '../local.js';

type ExecOpts = Parameters<Connection['exec']>[1];

/** Tests: a local connection that records its execs (each is one round trip on a real host), and their options. */
export function recording(execs: string[], options: ExecOpts[] = []): (name: string) => Connection {
  return (name) =>
    new Proxy(new LocalConnection(name), {
      get(t, p, r) {
        if (p === 'exec') return (cmd: string, o?: ExecOpts) => (execs.push(cmd), options.push(o), t.exec(cmd, o));
        const v = Reflect.get(t, p, r) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
      },
    });
}
