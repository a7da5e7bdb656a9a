/**
 * The Debian mirror apt already uses, read from its sources (deb822 `.sources` and one-line `.list`).
 * Pure: takes the files' texts, so it is tested with a table of real files.
 */
export interface SourceFile {
  name: string;
  text: string;
}

interface Source {
  uris: string[];
  suites: string[];
}

function parseDeb822(text: string): Source[] {
  const out: Source[] = [];
  for (const para of text.split(/\n\s*\n/)) {
    const fields: Record<string, string> = {};
    for (const line of para.split('\n')) {
      if (line.startsWith('#')) continue;
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (m?.[1] && m[2] !== undefined) fields[m[1].toLowerCase()] = m[2];
    }
    const types = (fields['types'] ?? '').split(/\s+/);
    if (!types.includes('deb') || fields['enabled']?.toLowerCase() === 'no') continue;
    out.push({ uris: (fields['uris'] ?? '').split(/\s+/).filter(Boolean), suites: (fields['suites'] ?? '').split(/\s+/) });
  }
  return out;
}

function parseOneLine(text: string): Source[] {
  const out: Source[] = [];
  for (const raw of text.split('\n')) {
    const line = raw
      .replace(/#.*/, '')
      .replace(/\[[^\]]*\]/, ' ')
      .trim();
    const parts = line.split(/\s+/);
    if (parts[0] !== 'deb' || !parts[1] || !parts[2]) continue;
    out.push({ uris: [parts[1]], suites: [parts[2]] });
  }
  return out;
}

/** The first enabled `deb` URI that carries `suite` itself (not -security / -updates). */
export function findMirror(files: readonly SourceFile[], suite = 'bookworm'): string | undefined {
  for (const f of files) {
    const sources = f.name.endsWith('.sources') ? parseDeb822(f.text) : f.name.endsWith('.list') ? parseOneLine(f.text) : [];
    for (const s of sources) {
      const uri = s.uris.find((u) => /^https?:\/\//.test(u));
      if (uri && s.suites.includes(suite)) return uri.replace(/\/+$/, '');
    }
  }
  return undefined;
}
