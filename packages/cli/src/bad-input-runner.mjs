/**
 * bad-input.test.ts's case runner: one node process (forked by the test, plain node, no loader) that runs
 * `tsplay` command lines one after another through `main` of dist/fast.js, the very function bin/tsplay.js
 * calls, so the CLI's modules are loaded once instead of once per case (a node start and the CLI's imports
 * were ~0.5 s of CPU per case: 50 s of a 2-core CI machine for the suite).
 *
 * Per case, like a process of its own: the given environment (and nothing else of the last case's), stdout
 * and stderr captured from `process.stdout/stderr.write` (all the CLI's output goes through them), the exit
 * code that bin/tsplay.js would exit with (`process.exitCode` when `main` resolves), and a rejection of
 * `main` reported as node reports a crash (exit 1, the stack on stderr). Messages: {id, argv, env} in,
 * {id, code, stdout, stderr} out, over the IPC channel; cases run in arrival order.
 */
const { main } = await import(new URL('../dist/fast.js', import.meta.url).href);

const baseEnv = { ...process.env };

/** Replace process.env's content by `env` (delete what it does not name). */
function setEnv(env) {
  for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
  Object.assign(process.env, env);
}

function capture(stream, into) {
  const write = stream.write;
  stream.write = (chunk, encoding, cb) => {
    into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const done = typeof encoding === 'function' ? encoding : cb;
    if (done) process.nextTick(done);
    return true;
  };
  const listeners = stream.listeners('error');
  return () => {
    stream.write = write;
    // main adds an EPIPE handler per call: drop the ones this case added
    for (const l of stream.listeners('error')) if (!listeners.includes(l)) stream.off('error', l);
  };
}

async function runCase(argv, env) {
  const out = [];
  const err = [];
  setEnv({ ...baseEnv, ...env });
  const restore = [capture(process.stdout, out), capture(process.stderr, err)];
  process.exitCode = undefined;
  let crash;
  try {
    await main(argv);
  } catch (e) {
    crash = e;
  } finally {
    restore.forEach((r) => r());
    setEnv(baseEnv);
  }
  const code = crash === undefined ? (process.exitCode ?? 0) : 1;
  process.exitCode = undefined;
  if (crash !== undefined) err.push(`${crash instanceof Error ? crash.stack : String(crash)}\n`);
  return { code: Number(code), stdout: out.join(''), stderr: err.join('') };
}

let queue = Promise.resolve();
process.on('message', (m) => {
  queue = queue.then(async () => process.send({ id: m.id, ...(await runCase(m.argv, m.env)) }));
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
