/**
 * The daemon's wire format over the unix socket: one frame = u32 header length, u32 body length,
 * the header as UTF-8 JSON, then the body bytes (stdin, stdout+stderr, file contents) untouched.
 */
export interface Frame {
  head: Record<string, unknown>;
  body: Buffer;
}

/** A frame larger than this ends the connection (a client cannot make the daemon buffer without bound). */
export const MAX_FRAME_BYTES = 1024 * 1024 * 1024;

export function encodeFrame(head: Record<string, unknown>, body: Buffer = Buffer.alloc(0)): Buffer {
  const h = Buffer.from(JSON.stringify(head), 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32BE(h.length, 0);
  prefix.writeUInt32BE(body.length, 4);
  return Buffer.concat([prefix, h, body]);
}

/** Feed socket chunks in; get whole frames out. Throws on a malformed or oversized frame. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Bytes the frame being read needs in all (known once its 8-byte prefix is in). */
  private need = 0;

  push(chunk: Buffer): Frame[] {
    this.chunks.push(chunk);
    this.size += chunk.length;
    const out: Frame[] = [];
    for (;;) {
      if (this.size < 8) return out;
      if (this.need === 0) {
        const first = this.join(8);
        const hl = first.readUInt32BE(0);
        const bl = first.readUInt32BE(4);
        if (hl + bl > MAX_FRAME_BYTES) throw new Error(`frame of ${hl + bl} bytes is over the ${MAX_FRAME_BYTES} limit`);
        this.need = 8 + hl + bl;
      }
      // A big body arrives in many chunks: join them once, when all of it is here.
      if (this.size < this.need) return out;
      const buf = this.join(this.need);
      const hl = buf.readUInt32BE(0);
      const head = JSON.parse(buf.subarray(8, 8 + hl).toString('utf8')) as unknown;
      if (!head || typeof head !== 'object' || Array.isArray(head)) throw new Error('frame header is not a JSON object');
      out.push({ head: head as Record<string, unknown>, body: Buffer.from(buf.subarray(8 + hl, this.need)) });
      const rest = buf.subarray(this.need);
      this.chunks = rest.length ? [rest, ...this.chunks.slice(1)] : this.chunks.slice(1);
      this.size -= this.need;
      this.need = 0;
    }
  }

  /** Make the first chunk at least `n` bytes long (joining as few chunks as needed) and return it. */
  private join(n: number): Buffer {
    let first = this.chunks[0] as Buffer;
    if (first.length >= n) return first;
    let k = 1;
    let len = first.length;
    while (len < n) len += (this.chunks[k++] as Buffer).length;
    first = Buffer.concat(this.chunks.slice(0, k));
    this.chunks = [first, ...this.chunks.slice(k)];
    return first;
  }
}
