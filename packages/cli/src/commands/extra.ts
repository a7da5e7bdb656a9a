import type { Argv, CommandModule } from 'yargs';

/** Commands registered by other packages (lab). Kept in one place so the CLI core stays small. */
export const extraCommands = (_setExit: (code: number) => void): CommandModule => ({
  command: 'modules',
  describe: 'list the built-in modules',
  builder: (y: Argv) => y,
  handler: async () => {
    const m = (await import('@tsplay/modules')) as Record<string, unknown>;
    const names = Object.values(m)
      .filter((v): v is { kind: string; name: string } => typeof v === 'object' && v !== null && (v as { kind?: string }).kind === 'tsplay-module')
      .map((v) => v.name)
      .sort();
    process.stdout.write(`${names.join('\n')}\n`);
  },
});
