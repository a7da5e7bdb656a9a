import { definePlaybook, task } from '@tsplay/core';
import { command, file, template, templateArgs } from '@tsplay/modules';

/**
 * The scaling bench: 10 idempotent tasks (file, template, command readOnly) on every host.
 * After a first (untimed) run, every run changes nothing. bench/ansible/noop.yml is the same job
 * for Ansible; each tool keeps its own directory so neither sees the other's files.
 */
const DIR = '/etc/tsplay-bench/tsplay';
const DATA = '/var/lib/tsplay-bench-tsplay';

interface Conf {
  host: string;
  address: string;
  role: string;
}
const conf = (v: Conf): string => `# managed by the bench\nhost=${v.host}\naddress=${v.address}\nrole=${v.role}\n`;
const conf3 = (role: string) =>
  task(
    template,
    (c) =>
      templateArgs({
        dest: `${DIR}/${role}.conf`,
        mode: '0644',
        template: conf,
        vars: { host: c.host.name, address: c.host.address, role },
      }),
    {
      name: `${role}.conf`,
    },
  );

export default definePlaybook({
  name: 'noop',
  plays: [
    {
      name: 'noop',
      hosts: 'all',
      become: true,
      tasks: [
        task(file, { path: '/etc/tsplay-bench', state: 'directory', mode: '0755' }, { name: 'bench dir' }),
        task(file, { path: DIR, state: 'directory', mode: '0755' }, { name: 'tool dir' }),
        task(file, { path: DATA, state: 'directory', mode: '0700' }, { name: 'data dir' }),
        conf3('a'),
        conf3('b'),
        conf3('c'),
        task(file, { path: '/etc/hostname', state: 'file', mode: '0644' }, { name: 'hostname file' }),
        task(command, { argv: ['hostname', '-s'], readOnly: true }, { name: 'hostname' }),
        task(command, { argv: ['cat', `${DIR}/a.conf`], readOnly: true }, { name: 'read a.conf' }),
        task(command, { argv: ['test', '-d', DATA], readOnly: true }, { name: 'data dir there' }),
      ],
    },
  ],
});
