import { describe, expect, it } from 'vitest';
import { putScript, tempPathFor } from './put-script.js';

describe('putScript', () => {
  it('writes to a dot-temp in the same directory, checks the size, syncs, sets mode/owner, renames', () => {
    const s = putScript("/etc/it's here.conf", 12, { mode: 0o640, owner: 'root', group: 'etcd' }, "/etc/.it's here.conf.tsplay-abc");
    const q = `'/etc/.it'\\''s here.conf.tsplay-abc'`;
    expect(s.split('\n')).toEqual([
      'umask 077',
      `trap 'rm -f -- '\\''/etc/.it'\\''\\'\\'''\\''s here.conf.tsplay-abc'\\''' EXIT`,
      `trap 'exit 1' HUP INT TERM PIPE`,
      `cat > ${q} || exit 1`,
      `n=$(wc -c < ${q}) && [ "$n" -eq 12 ] || { echo "tsplay: incomplete upload ($n of 12 bytes)" >&2; exit 1; }`,
      `sync -- ${q} 2>/dev/null || sync`,
      `chmod 640 ${q} || exit 1`,
      `chown root:etcd ${q} || exit 1`,
      `mv -f -- ${q} '/etc/it'\\''s here.conf' || exit 1`,
      'sync -- /etc 2>/dev/null || true',
    ]);
  });

  it('names temp files beside the target', () => {
    expect(tempPathFor('/var/lib/x.bin')).toMatch(/^\/var\/lib\/\.x\.bin\.tsplay-[0-9a-f]{12}$/);
  });
});
