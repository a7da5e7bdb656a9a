import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { TsplayError, type ErrorCode } from '@tsplay/core';
import type { LocalFileOpener } from '@tsplay/core/module';
import type { SecretKeys } from '@tsplay/secrets';

/**
 * The run's opener of encrypted workstation files (`copy` sources). Module facts are built
 * synchronously and age decryption is async, so @tsplay/secrets runs in a worker thread and the
 * caller blocks on an Atomics flag until the answer is on the port (read with
 * receiveMessageOnPort). The keys are fetched once, before the run (a prompt is asked up front).
 */
const WORKER = `
const { workerData } = require('node:worker_threads');
const { port, flag, secretsUrl, material } = workerData;
const asSecret = (v) => ({ reveal: () => v });
let secrets;
port.on('message', async ({ path, bytes }) => {
  let reply;
  try {
    if (material.error) throw material.error;
    secrets ??= await import(secretsUrl);
    const keys = {
      vault: material.vault.map((v) => ({ label: v.label, source: v.source, get: async () => asSecret(v.password) })),
      ageIdentities: async () => material.identities.map(asSecret),
    };
    const d = await secrets.decryptFile(path, Buffer.from(bytes), keys);
    reply = d.encryption ? { bytes: d.bytes.reveal() } : { plain: true };
  } catch (e) {
    reply = { error: { code: e.code ?? 'INTERNAL', message: String(e.message), file: e.file, field: e.field, hint: e.hint } };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

interface Material {
  vault: { label: string; source: string; password: string }[];
  identities: string[];
  error?: { code: string; message: string; file?: string | undefined; field?: string | undefined; hint?: string | undefined } | undefined;
}

/** The keys' passwords and identities, read (or asked) now; a source that fails is kept and raised when a file needs it. */
async function materialOf(keys: SecretKeys): Promise<Material> {
  try {
    const vault = await Promise.all(
      keys.vault.map(async (k) => ({ label: k.label, source: k.source, password: (await k.get()).reveal() })),
    );
    return { vault, identities: (await keys.ageIdentities()).map((i) => i.reveal()) };
  } catch (e) {
    const t = e as TsplayError;
    return {
      vault: [],
      identities: [],
      error: { code: t.code ?? 'INTERNAL', message: t.message, file: t.file, field: t.field, hint: t.hint },
    };
  }
}

export interface Opener {
  open: LocalFileOpener;
  close(): Promise<void>;
}

const TIMEOUT_MS = 120_000;

/** The worker loads built modules: a `--conditions` of the parent (tests resolve to TypeScript sources) is dropped. */
const withoutConditions = (argv: readonly string[]): string[] =>
  argv.filter((a, i) => !/^(?:--conditions|-C)(?:=|$)/.test(a) && !/^(?:--conditions|-C)$/.test(argv[i - 1] ?? ''));

/** Start the worker with the keys; `secretsUrl` is where @tsplay/secrets' built module is. */
export async function workerOpener(keys: SecretKeys, secretsUrl: string): Promise<Opener> {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER, {
    eval: true,
    execArgv: withoutConditions(process.execArgv),
    workerData: { port: port2, flag, secretsUrl, material: await materialOf(keys) },
    transferList: [port2],
  });
  worker.unref();
  const open: LocalFileOpener = (path, bytes) => {
    Atomics.store(flag, 0, 0);
    port1.postMessage({ path, bytes });
    const deadline = Date.now() + TIMEOUT_MS;
    while (Atomics.load(flag, 0) === 0 && Date.now() < deadline) Atomics.wait(flag, 0, 0, deadline - Date.now());
    const reply = receiveMessageOnPort(port1)?.message as { bytes?: Uint8Array; plain?: true; error?: Material['error'] } | undefined;
    if (!reply) throw new TsplayError('INTERNAL', `decrypting ${path} did not answer within ${TIMEOUT_MS / 1000}s`, { file: path });
    if (reply.error)
      throw new TsplayError(reply.error.code as ErrorCode, reply.error.message, {
        file: reply.error.file,
        field: reply.error.field,
        hint: reply.error.hint,
      });
    return reply.bytes ? Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset, reply.bytes.byteLength) : undefined;
  };
  return {
    open,
    close: async () => {
      port1.close();
      await worker.terminate();
    },
  };
}
