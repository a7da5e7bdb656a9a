// A measurement prototype of the "resident runner" option of bench/warm-start.mjs (not shipped, not secure:
// no token, one run at a time, no stdin, no signals, no env or cwd swap, no staleness check).
//   node bench/warm-start-resident.mjs serve SOCKET   a process that keeps the CLI's modules loaded and runs
//                                                     `tsplay run` requests with its stdout sent to the client
//   node bench/warm-start-resident.mjs client SOCKET run PLAYBOOK -i INVENTORY --json
//                                                     the thin client: sends argv, prints what comes back
// It gives the lower bound of that option on the bench's no-op: a node start, one unix-socket round trip,
// and the run itself in a process where core, modules, zod and the playbook's bundle are already loaded.
import { createServer, connect } from 'node:net';
import { rmSync } from 'node:fs';

const [mode, sock, ...argv] = process.argv.slice(2);

async function serve() {
  const { parseRunFast } = await import('../packages/cli/dist/fast.js');
  const { runCommand } = await import('../packages/cli/dist/index.js');
  rmSync(sock, { force: true });
  const server = createServer((c) => {
    let buf = '';
    c.on('data', async (d) => {
      buf += d;
      if (!buf.endsWith('\n')) return;
      const args = parseRunFast(JSON.parse(buf));
      const write = process.stdout.write;
      process.stdout.write = (s) => c.write(s); // the json reporter's only output
      let code = 1;
      try {
        code = await runCommand(args);
      } finally {
        process.stdout.write = write;
        c.end(`\0${code}`);
      }
    });
  });
  server.listen(sock, () => process.stdout.write('ready\n'));
}

function client() {
  let code;
  const c = connect(sock, () => c.write(`${JSON.stringify(argv)}\n`));
  c.on('data', (d) => {
    const s = String(d);
    if (code !== undefined) return void (code += s);
    const i = s.indexOf('\0');
    process.stdout.write(i < 0 ? s : s.slice(0, i));
    if (i >= 0) code = s.slice(i + 1);
  });
  c.on('end', () => (process.exitCode = Number(code ?? 1)));
}

if (mode === 'serve') await serve();
else client();
