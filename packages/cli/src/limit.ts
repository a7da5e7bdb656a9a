/** Handshakes in flight at once (`TSPLAY_CONNECT_LIMIT`, default 32): 200 key exchanges at once starve a small workstation. */
export function connectLimit(env: Record<string, string | undefined> = process.env): number {
  const n = Number(env['TSPLAY_CONNECT_LIMIT']);
  return Number.isInteger(n) && n > 0 ? n : 32;
}
