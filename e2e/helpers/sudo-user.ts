/** A user on a lab host who logs in with the lab's key and whose sudo asks for its password (no NOPASSWD). */
import { hostOutput, labHostExec } from './lab.js';

export async function addPasswordSudoUser(host: string, user: string, password: string): Promise<void> {
  await hostOutput(
    host,
    `id ${user} >/dev/null 2>&1 || useradd -m -s /bin/bash ${user}; printf '%s:%s\\n' ${user} '${password}' | chpasswd; ` +
      `install -d -m 0700 -o ${user} -g ${user} /home/${user}/.ssh; install -m 0600 -o ${user} -g ${user} /home/admin/.ssh/authorized_keys /home/${user}/.ssh/authorized_keys; ` +
      `echo '${user} ALL=(ALL) ALL' > /etc/sudoers.d/${user}; chmod 0440 /etc/sudoers.d/${user}`,
    { become: true },
  );
}

/** Remove the user and its sudo rule (nothing when they are gone already). */
export async function removeSudoUser(host: string, user: string): Promise<void> {
  await labHostExec(host, `rm -f /etc/sudoers.d/${user}; userdel -r ${user} 2>/dev/null; true`, { become: true });
}
