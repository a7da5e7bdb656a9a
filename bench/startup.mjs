// The start of `tsplay run` in steps, as the CLI does it (dist packages, no tsx): prints JSON (ms).
// Used by profile.ts; run from the repo root: `node bench/startup.mjs [inventory]`.
const t = () => performance.now();
const a = t();
const cli = await import('../packages/cli/dist/index.js');
const b = t();
const core = await import('@tsplay/core');
await cli.importTs('playbooks/etcd.ts');
const c = t();
await core.loadInventory(process.argv[2] ?? '.lab/inventory');
const d = t();
await import('@tsplay/ssh');
const e = t();
const r = (x) => Math.round(x * 10) / 10;
process.stdout.write(
  `${JSON.stringify({ nodeBoot: r(a), cliImport: r(b - a), playbookImport: r(c - b), inventoryLoad: r(d - c), sshImport: r(e - d) })}\n`,
);
