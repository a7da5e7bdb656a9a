import { describe, expect, it } from 'vitest';
import { isSecret, secret } from '../secret.js';
import { connectionFields, plainVars } from './ansible-connection.js';

describe('Ansible become vars', () => {
  it('ansible_become_method/_password/_exe become becomeMethod, becomePassword, becomeExe and leave the vars', () => {
    const vars = {
      ansible_become: 'yes',
      ansible_become_method: 'community.general.doas',
      ansible_become_password: 'pw-one',
      ansible_become_exe: '/usr/local/bin/doas',
      x: 1,
    };
    expect(connectionFields(vars, 'h', '/inv/hosts')).toEqual({
      become: true,
      becomeMethod: 'doas',
      becomePassword: 'pw-one',
      becomeExe: '/usr/local/bin/doas',
    });
    expect(plainVars(vars)).toEqual({ x: 1 });
  });

  it('ansible_become_pass is the same setting; a vault Secret stays a Secret', () => {
    expect(connectionFields({ ansible_become_pass: 'p2' }, 'h', 'f').becomePassword).toBe('p2');
    const s = secret('from-vault');
    const out = connectionFields({ ansible_become_password: s }, 'h', 'f').becomePassword;
    expect(isSecret(out)).toBe(true);
    expect(plainVars({ ansible_become_pass: 'p', ansible_become_password: s })).toEqual({});
  });

  it('an unknown method is INVENTORY_INVALID naming the var', () => {
    expect(() => connectionFields({ ansible_become_method: 'runas' }, 'h1', 'f')).toThrow(
      expect.objectContaining({ code: 'INVENTORY_INVALID', field: 'h1.ansible_become_method' }),
    );
  });
});
