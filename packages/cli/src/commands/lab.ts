import { spawn } from 'node:child_process';
import { quote } from '@tsplay/core';
import type { Argv, CommandModule } from 'yargs';
import { TsplayError } from '@tsplay/core';

/** @tsplay/lab (and zx) load only here, and only when installed: it is an optional peer of the CLI. */
async function lab(): Promise<typeof import('@tsplay/lab')> {
  try {
    return await import('@tsplay/lab');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    throw new TsplayError('LAB_NOT_INSTALLED', '`tsplay lab` needs @tsplay/lab, which is not installed', {
      cause: e,
      hint: 'the lab lives in the tsplay repository (packages/lab); run `tsplay lab` from a checkout of it',
    });
  }
}

const progress = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

const up: CommandModule<object, { hosts: number }> = {
  command: 'up',
  describe: 'boot the lab hosts (controller-0.., 10.240.0.10..) and write the lab inventory',
  builder: (y: Argv) => y.option('hosts', { type: 'number', default: 3, describe: 'how many hosts (1-1000)' }),
  handler: async (argv) => {
    const r = await (await lab()).labUp({ hosts: argv.hosts, log: progress });
    const other = r.alreadyUp && r.hosts.length !== argv.hosts ? ` (not ${argv.hosts}: run \`tsplay lab down\` first to change it)` : '';
    const what = r.alreadyUp
      ? `lab already up: ${r.hosts.length} hosts${other}`
      : `${r.hosts.length} hosts up in ${(r.durationMs / 1000).toFixed(1)} s`;
    process.stdout.write(`${what}\ninventory: ${r.inventoryFile}\n`);
  },
};

const down: CommandModule = {
  command: 'down',
  describe: 'stop the lab and remove everything it made (the cached rootfs stays)',
  handler: async () => {
    const r = await (await lab()).labDown();
    process.stdout.write(r.removed ? 'lab down\n' : 'lab was not up (nothing to remove)\n');
  },
};

const status: CommandModule<object, { json: boolean }> = {
  command: 'status',
  describe: 'show the lab hosts, their addresses and state',
  builder: (y: Argv) => y.option('json', { type: 'boolean', default: false, describe: 'machine-readable output' }),
  handler: async (argv) => {
    const s = await (await lab()).labStatus();
    if (argv.json) {
      process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
      return;
    }
    const lines = [`lab: ${s.state}  (state dir ${s.stateDir}; guard route ${s.guard ? 'installed' : 'missing'})`];
    for (const h of s.hosts) lines.push(`  ${h.name.padEnd(14)} ${h.address.padEnd(13)} ${h.state}`);
    if (s.hosts.length > 0) lines.push(`  file server    10.240.0.1:8443 ${s.fileServer}`);
    if (s.inventoryFile) lines.push(`inventory: ${s.inventoryFile}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    if (s.state !== 'up') process.exitCode = s.state === 'down' ? 3 : 1;
  },
};

const ssh: CommandModule<object, { host: string; command: string[] | undefined; _: (string | number)[] }> = {
  command: 'ssh <host> [command..]',
  describe: 'log in to a lab host as admin (strict host-key checking)',
  builder: (y: Argv) =>
    y
      .positional('host', { type: 'string', demandOption: true, describe: 'controller-N, N or 10.240.0.x' })
      .positional('command', { type: 'string', array: true, describe: 'command to run instead of a shell' }),
  handler: async (argv) => {
    const m = await lab();
    const labInfo = m.requireLab();
    const target = /^\d+$/.test(argv.host) ? Number(argv.host) : argv.host;
    const h = m.findLabHost(labInfo.hosts, target);
    // words after `--` land in argv._ (after the command path `lab ssh`)
    const positional = argv._.map(String);
    const afterDashes = positional.slice(positional.indexOf('ssh') + 1);
    const cmd = [...(argv.command ?? []), ...afterDashes];
    const args = [
      ...(cmd.length === 0 && process.stdin.isTTY ? ['-t'] : []),
      ...m.sshArgs({ privateKey: labInfo.paths.privateKey, knownHosts: labInfo.paths.knownHosts, address: h.address }),
    ];
    const child = spawn('ssh', [...args, ...cmd], { stdio: 'inherit' });
    process.exitCode = await new Promise<number>((resolve) => child.once('close', (code) => resolve(code ?? 255)));
  },
};

const env: CommandModule = {
  command: 'env',
  describe: 'print shell exports for the lab (eval "$(tsplay lab env)")',
  handler: async () => {
    const p = (await lab()).labPaths();
    const vars: Record<string, string> = {
      TSPLAY_LAB_DIR: p.stateDir,
      TSPLAY_LAB_INVENTORY: p.inventoryFile,
      TSPLAY_LAB_KEY: p.privateKey,
      TSPLAY_LAB_KNOWN_HOSTS: p.knownHosts,
      TSPLAY_LAB_CA: p.caCert,
    };
    process.stdout.write(
      Object.entries(vars)
        .map(([k, v]) => `export ${k}=${quote(v)}\n`)
        .join(''),
    );
  },
};

/** `tsplay lab up [--hosts N] | down | status | ssh HOST | env` */
export const labCommand: CommandModule = {
  command: 'lab',
  describe: 'the local systemd-nspawn lab (controller-0.. at 10.240.0.10..)',
  builder: (y: Argv) =>
    y.command(up).command(down).command(status).command(ssh).command(env).demandCommand(1, 'lab: choose up, down, status, ssh or env'),
  handler: () => {},
};
