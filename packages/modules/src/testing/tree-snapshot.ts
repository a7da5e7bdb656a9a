import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A fingerprint of everything under `dir`: one line per entry with type, mode, owner and content
 * hash (or link target). Equal snapshots before/after prove a check run touched nothing there.
 */
export function snapshotTree(dir: string): string[] {
  const lines: string[] = [];
  const walk = (abs: string, rel: string) => {
    const st = lstatSync(abs);
    const mode = (st.mode & 0o7777).toString(8);
    const own = `${st.uid}:${st.gid}`;
    if (st.isSymbolicLink()) lines.push(`l ${rel} ${own} -> ${readlinkSync(abs)}`);
    else if (st.isFile()) lines.push(`f ${rel} ${mode} ${own} ${createHash('sha256').update(readFileSync(abs)).digest('hex')}`);
    else if (st.isDirectory()) {
      lines.push(`d ${rel} ${mode} ${own}`);
      for (const name of readdirSync(abs).sort()) walk(join(abs, name), rel === '.' ? name : `${rel}/${name}`);
    } else lines.push(`o ${rel} ${mode} ${own}`);
  };
  walk(dir, '.');
  return lines;
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
