/** The files `tsplay init` writes, as pure functions of the project's name and paths. */

export interface InitVersions {
  /** Version spec per package name, e.g. `^0.1.0`. */
  tsplay: Record<'@tsplay/core' | '@tsplay/modules' | '@tsplay/cli', string>;
  zod: string;
  typescript: string;
  typesNode: string;
}

export function packageJson(name: string, v: InitVersions): string {
  const pkg: Record<string, unknown> = {
    name,
    version: '0.0.0',
    private: true,
    type: 'module',
    scripts: {
      check: 'tsplay check-types && tsplay run playbooks/site.ts -i inventories/local --check',
      converge: 'tsplay run playbooks/site.ts -i inventories/local',
    },
    dependencies: { '@tsplay/core': v.tsplay['@tsplay/core'], '@tsplay/modules': v.tsplay['@tsplay/modules'], zod: v.zod },
    devDependencies: { '@tsplay/cli': v.tsplay['@tsplay/cli'], typescript: v.typescript, '@types/node': v.typesNode },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

export const TSCONFIG = `{
  "extends": "@tsplay/cli/tsconfig.playbooks.json",
  "include": ["playbooks/**/*.ts", "inventories/**/*.ts"]
}
`;

export const SITE = `import { definePlaybook } from '@tsplay/core';
import { command, file, template, templateArgs } from '@tsplay/modules';
import { z } from 'zod';

/** A first playbook: a directory, a file rendered from the host's vars, and a command that runs once. */
const motd = (v: { host: string; greeting: string }): string => \`\${v.greeting} from \${v.host}\\n\`;

export default definePlaybook({
  name: 'site',
  vars: z.object({ siteDir: z.string().startsWith('/'), greeting: z.string().default('hello') }),
  plays: ({ task }) => [
    {
      name: 'site',
      hosts: 'all',
      tasks: [
        task(file, (ctx) => ({ path: ctx.vars.siteDir, state: 'directory', mode: '0755' }), { name: 'site directory' }),
        task(
          template,
          (ctx) => templateArgs({ dest: \`\${ctx.vars.siteDir}/motd\`, template: motd, vars: { host: ctx.host.name, greeting: ctx.vars.greeting }, mode: '0644' }),
          { name: 'motd' },
        ),
        task(command, (ctx) => ({ argv: ['sh', '-c', 'uname -a > "$1"', 'sh', \`\${ctx.vars.siteDir}/uname\`], creates: \`\${ctx.vars.siteDir}/uname\` }), {
          name: 'record uname once',
        }),
      ],
    },
  ],
});
`;

export function hostsYaml(siteDir: string): string {
  return `# This machine as a host (connection: local). Add SSH hosts with address/user, or use -i with an Ansible inventory.
defaults:
  connection: local
hosts:
  local:
    vars:
      siteDir: ${JSON.stringify(siteDir)}
`;
}

export const GITIGNORE = `node_modules/
*.tgz
out/
`;
