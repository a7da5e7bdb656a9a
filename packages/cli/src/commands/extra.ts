import type { Argv, CommandModule } from 'yargs';

type Mod = { kind: string; name: string };

/**
 * `tsplay modules`: each built-in module with its one-line summary; `tsplay modules NAME`: its args
 * (name, type, default, description), read from the module's zod schema so the text cannot drift.
 */
export const extraCommands = (setExit: (code: number) => void): CommandModule => ({
  command: 'modules [name]',
  describe: 'list the built-in modules, or show the arguments of one',
  builder: (y: Argv) => y.positional('name', { type: 'string', describe: 'a module name, e.g. lineinfile' }),
  handler: async (argv) => {
    const m = await import('@tsplay/modules');
    const all = (Object.values(m) as unknown[])
      .filter((v): v is Mod => typeof v === 'object' && v !== null && (v as { kind?: string }).kind === 'tsplay-module')
      .sort((a, b) => a.name.localeCompare(b.name));
    const docs = all.map((x) => m.moduleReference(x as Parameters<typeof m.moduleReference>[0]));
    const name = (argv as { name?: string }).name;
    if (name === undefined) {
      const w = Math.max(...docs.map((d) => d.name.length));
      process.stdout.write(`${docs.map((d) => `${d.name.padEnd(w)}  ${d.summary}`).join('\n')}\n`);
      return;
    }
    const doc = docs.find((d) => d.name === name);
    if (!doc) {
      process.stderr.write(
        `error[UNKNOWN_MODULE]: no module ${JSON.stringify(name)}\n  hint: the modules are ${docs.map((d) => d.name).join(', ')}\n`,
      );
      setExit(1);
      return;
    }
    process.stdout.write(`${m.formatReference(doc)}\n`);
  },
});
