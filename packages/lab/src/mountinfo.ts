/** One line of /proc/self/mountinfo: where, what type, from what source. */
export interface MountEntry {
  point: string;
  fstype: string;
  source: string;
}

/** The kernel escapes space, tab, newline and backslash in mountinfo as \ooo (octal). */
const unescape = (s: string): string => s.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** Parse /proc/self/mountinfo: field 5 is the mount point; after the ' - ' separator come fstype and source. */
export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    const sep = f.indexOf('-', 6);
    if (f.length < 5 || sep < 0) continue;
    out.push({ point: unescape(f[4] ?? ''), fstype: f[sep + 1] ?? '', source: unescape(f[sep + 2] ?? '') });
  }
  return out;
}

/** The overlay source name `lab up` mounts every host (and the common layer) with. */
export const OVERLAY_SOURCE = 'tsplay-lab';

/** A lab overlay's mount point: `<state dir>/hosts/hN/merged` or `<state dir>/layer/merged`. */
const LAB_OVERLAY_POINT = /^(\/.*)\/(?:hosts\/h\d+|layer)\/merged$/;

/** The state dir of a lab overlay's mount point, or undefined when it is not one. */
export function overlayStateDir(point: string): string | undefined {
  return LAB_OVERLAY_POINT.exec(point)?.[1];
}

/**
 * Overlays of another checkout's lab (a killed CI run in a fresh clone, another TSPLAY_LAB_DIR): the lab's
 * overlay type and source, at a host's (or the common layer's) merged dir outside `stateDir`. Deepest first.
 */
export function foreignLabOverlays(mountinfo: string, stateDir: string): string[] {
  const points = parseMountinfo(mountinfo)
    .filter((m) => m.fstype === 'overlay' && m.source === OVERLAY_SOURCE && overlayStateDir(m.point) !== undefined)
    .map((m) => m.point)
    .filter((p) => p !== stateDir && !p.startsWith(`${stateDir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** Mount points at or under `dir`, deepest first. */
export function mountsUnder(mountinfo: string, dir: string): string[] {
  const points = parseMountinfo(mountinfo)
    .map((m) => m.point)
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}
