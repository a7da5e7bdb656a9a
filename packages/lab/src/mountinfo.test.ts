import { describe, expect, test } from 'vitest';
import { foreignLabOverlays, mountsUnder, overlayStateDir, parseMountinfo } from './mountinfo.js';

// lines as this machine writes them: a lab up in /srv/tsplay and a killed CI run's lab in /tmp/ci-Ab12/p, plus
// look-alikes that are not a lab's overlays (another overlay source, an nsfs named tsplay-lab, a plain dir)
const MOUNTINFO = [
  '27 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw',
  '46 45 0:4 net:[4026532178] /run/netns/tsplay-lab rw shared:2 - nsfs nsfs rw',
  '61 27 0:40 / /srv/tsplay/.lab/hosts/h1/merged rw,relatime - overlay tsplay-lab rw,lowerdir=/srv/tsplay/.lab/layer/upper:/root/.cache/tsplay/lab/rootfs,upperdir=/srv/tsplay/.lab/hosts/h1/upper,workdir=/srv/tsplay/.lab/hosts/h1/work,uuid=on',
  '65 27 0:43 / /srv/tsplay/.lab/hosts/h0/merged rw,relatime - overlay tsplay-lab rw,lowerdir=/srv/tsplay/.lab/layer/upper:/root/.cache/tsplay/lab/rootfs,upperdir=/srv/tsplay/.lab/hosts/h0/upper,workdir=/srv/tsplay/.lab/hosts/h0/work,uuid=on',
  '70 27 0:50 / /tmp/ci-Ab12/p/.lab/hosts/h0/merged rw,relatime shared:40 - overlay tsplay-lab rw,lowerdir=/tmp/ci-Ab12/p/.lab/layer/upper:/root/.cache/tsplay/lab/rootfs,upperdir=/tmp/ci-Ab12/p/.lab/hosts/h0/upper,workdir=/tmp/ci-Ab12/p/.lab/hosts/h0/work',
  '71 27 0:51 / /tmp/ci-Ab12/p/.lab/hosts/h12/merged rw,relatime - overlay tsplay-lab rw,lowerdir=/x,upperdir=/y,workdir=/z',
  '72 27 0:52 / /tmp/ci-Ab12/p/.lab/layer/merged rw,relatime - overlay tsplay-lab rw,lowerdir=/root/.cache/tsplay/lab/rootfs,upperdir=/u,workdir=/w',
  '73 70 0:53 / /tmp/ci-Ab12/p/.lab/hosts/h0/merged/proc rw,nosuid - proc proc rw',
  '74 27 0:54 / /var/lib/docker/hosts/h0/merged rw,relatime - overlay overlay rw,lowerdir=/a,upperdir=/b,workdir=/c',
  '75 27 0:55 / /tmp/other/hosts/h0/merged/x rw,relatime - overlay tsplay-lab rw,lowerdir=/a,upperdir=/b,workdir=/c',
  '76 27 0:56 / /tmp/with\\040spaces/.lab/hosts/h3/merged rw,relatime - overlay tsplay-lab rw,lowerdir=/a,upperdir=/b,workdir=/c',
  '',
].join('\n');

describe('parseMountinfo', () => {
  test('reads mount point, type and source across the optional fields, unescaping octal', () => {
    const m = parseMountinfo(MOUNTINFO);
    expect(m).toHaveLength(11);
    expect(m[1]).toEqual({ point: '/run/netns/tsplay-lab', fstype: 'nsfs', source: 'nsfs' });
    expect(m[4]).toEqual({ point: '/tmp/ci-Ab12/p/.lab/hosts/h0/merged', fstype: 'overlay', source: 'tsplay-lab' });
    expect(m[10]?.point).toBe('/tmp/with spaces/.lab/hosts/h3/merged');
  });
});

describe('foreignLabOverlays', () => {
  test("chooses the lab overlays of other state dirs, deepest first, and none of this lab's or look-alikes", () => {
    expect(foreignLabOverlays(MOUNTINFO, '/srv/tsplay/.lab')).toEqual([
      '/tmp/with spaces/.lab/hosts/h3/merged',
      '/tmp/ci-Ab12/p/.lab/hosts/h12/merged',
      '/tmp/ci-Ab12/p/.lab/hosts/h0/merged',
      '/tmp/ci-Ab12/p/.lab/layer/merged',
    ]);
  });

  test("from the other checkout's side, this lab's overlays are the foreign ones", () => {
    expect(foreignLabOverlays(MOUNTINFO, '/tmp/ci-Ab12/p/.lab')).toEqual([
      '/tmp/with spaces/.lab/hosts/h3/merged',
      '/srv/tsplay/.lab/hosts/h1/merged',
      '/srv/tsplay/.lab/hosts/h0/merged',
    ]);
  });

  test('a state dir that is a prefix of another is not taken for it', () => {
    expect(foreignLabOverlays(MOUNTINFO, '/tmp/ci-Ab12/p/.la')).toContain('/tmp/ci-Ab12/p/.lab/hosts/h0/merged');
    expect(foreignLabOverlays('', '/srv/tsplay/.lab')).toEqual([]);
  });
});

describe('overlayStateDir and mountsUnder', () => {
  test('the state dir of a host or layer overlay; undefined for anything else', () => {
    expect(overlayStateDir('/tmp/ci-Ab12/p/.lab/hosts/h7/merged')).toBe('/tmp/ci-Ab12/p/.lab');
    expect(overlayStateDir('/srv/lab/layer/merged')).toBe('/srv/lab');
    expect(overlayStateDir('/srv/lab/hosts/h7/merged/proc')).toBeUndefined();
    expect(overlayStateDir('/srv/lab/hosts/x7/merged')).toBeUndefined();
  });

  test('mounts at or under a dir, deepest first', () => {
    expect(mountsUnder(MOUNTINFO, '/tmp/ci-Ab12/p/.lab/hosts/h0')).toEqual([
      '/tmp/ci-Ab12/p/.lab/hosts/h0/merged/proc',
      '/tmp/ci-Ab12/p/.lab/hosts/h0/merged',
    ]);
    expect(mountsUnder(MOUNTINFO, '/srv/tsplay/.lab')).toEqual(['/srv/tsplay/.lab/hosts/h1/merged', '/srv/tsplay/.lab/hosts/h0/merged']);
  });
});
