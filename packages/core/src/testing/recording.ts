import type { Connection } from '../connection.js';
import { LocalConnection } from '../local.js';

/** Tests: a local connection that records its execs (each is one round trip on a real host). */
export function recording(execs: string[]): (name: string) => Connection {
  return (name) =>
    new Proxy(new LocalConnection(name), {
      get(t, p, r) {
        if (p === 'exec') return (cmd: string, o?: Parameters<Connection['exec']>[1]) => (execs.push(cmd), t.exec(cmd, o));
        const v = Reflect.get(t, p, r) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
      },
    });
}
