/**
 * A flat record (state-records.ts) packed as bytes: the array's strings, numbers, booleans
 * and nulls one after another, each behind a type byte, written straight into an arena.
 *
 * Why not JSON text, as format 3 wrote them: on a durable node every write of every replica
 * encodes a record, and JSON.stringify makes a string of the record (escaping the client's
 * value, printing each number in decimal) that Buffer.from then copies and the collector
 * later reclaims. Packing copies each string's bytes once into memory that is reused: a
 * turn's records go into one arena, which a `commit` node's writer reuses once their
 * transaction is over (turn-writer.ts; a `flush` node's never, since lmdb-js reads those
 * values later). docs/PERFORMANCE.md ("Durable storage (LMDB)") has what it saved.
 *
 * Numbers are written as their 8 bytes, so every number comes back as it was (-0 and NaN
 * too). A string that is not well formed (a lone surrogate, which UTF-8 cannot hold) makes
 * `pack` give up, and the record goes as JSON text instead, which escapes it. The record
 * starts with its number of elements, so that bytes cut short never read as a shorter record.
 *
 *   record: PACKED_START, count u32le, then per element:
 *           NULL | FALSE | TRUE | NUMBER f64le | STRING length-u32le utf8
 */
export const PACKED_START = 0x01;
const NULL = 0;
const FALSE = 1;
const TRUE = 2;
const NUMBER = 3;
const STRING = 4;
/** The most bytes one UTF-16 unit takes in UTF-8. */
const UTF8_PER_UNIT = 3;
const SLAB_BYTES = 64 * 1024;

/** Memory that records are packed into, in slabs; `reset` reuses the slab once nothing reads the records in it. */
export class RecordArena {
  private slab: Buffer | null = null;
  /** The slab's bytes for numbers (endianness said, so any machine writes the same record). */
  private view: DataView | null = null;
  private used = 0;

  /**
   * The record's bytes (a view into the arena, valid until `reset`), or null when an element
   * is not a string, number, boolean or null, or a string is not well formed.
   */
  pack(flat: readonly unknown[]): Buffer | null {
    let bound = 5;
    for (const element of flat) bound += typeof element === 'string' ? 5 + UTF8_PER_UNIT * element.length : 9;
    // A record larger than a slab gets memory of its own, which goes with the record: a slab
    // kept for reuse is never larger than SLAB_BYTES, whatever the largest value written.
    if (bound > SLAB_BYTES) {
      const own = Buffer.allocUnsafeSlow(bound);
      return packInto(own, viewOf(own), 0, flat);
    }
    if (this.slab === null || this.view === null || this.used + bound > this.slab.length) {
      // The old slab stays alive for as long as a view of it is held.
      this.slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
      this.view = viewOf(this.slab);
      this.used = 0;
    }
    const record = packInto(this.slab, this.view, this.used, flat);
    if (record !== null) this.used += record.length;
    return record;
  }

  /** Packs from the start of the slab again: call only once no record packed so far is read any more. */
  reset(): void {
    this.used = 0;
  }
}

function viewOf(slab: Buffer): DataView {
  return new DataView(slab.buffer, slab.byteOffset, slab.length);
}

/**
 * `flat` packed into `slab` (`view` over the same bytes) from `start` (room checked by the
 * caller); null when it cannot be packed.
 */
function packInto(slab: Buffer, view: DataView, start: number, flat: readonly unknown[]): Buffer | null {
  let at = start;
  slab[at] = PACKED_START;
  view.setUint32(at + 1, flat.length, true);
  at += 5;
  for (const element of flat) {
    switch (typeof element) {
      case 'string': {
        const length = writeUtf8(slab, at + 5, element);
        if (length < 0) return null;
        slab[at] = STRING;
        view.setUint32(at + 1, length, true);
        at += 5 + length;
        break;
      }
      case 'number':
        slab[at] = NUMBER;
        view.setFloat64(at + 1, element, true);
        at += 9;
        break;
      case 'boolean':
        slab[at++] = element ? TRUE : FALSE;
        break;
      default:
        if (element !== null) return null;
        slab[at++] = NULL;
    }
  }
  return slab.subarray(start, at);
}

/**
 * `text` as UTF-8 at `at` in `slab`: the number of bytes written, or -1 when it is not well
 * formed (a lone surrogate). A record's strings are short and nearly always ASCII (keys,
 * actors, most values), and copying their characters here costs less than Buffer's write,
 * which crosses into C++ and checks its arguments first; anything else goes through it.
 */
function writeUtf8(slab: Buffer, at: number, text: string): number {
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x80) {
      if (!(text as unknown as { isWellFormed(): boolean }).isWellFormed()) return -1;
      return slab.write(text, at, 'utf8');
    }
    slab[at + i] = unit;
  }
  return length;
}

/** Strict: bytes that are not UTF-8 make the record unreadable instead of turning into U+FFFD. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The flat array a packed record holds, or null when the bytes are not a packed record. */
export function unpack(bytes: Buffer): unknown[] | null {
  if (bytes[0] !== PACKED_START || bytes.length < 5) return null;
  const count = bytes.readUInt32LE(1);
  const flat: unknown[] = [];
  let at = 5;
  while (at < bytes.length && flat.length < count) {
    const type = bytes[at++];
    if (type === NULL) flat.push(null);
    else if (type === FALSE || type === TRUE) flat.push(type === TRUE);
    else if (type === NUMBER) {
      if (at + 8 > bytes.length) return null;
      flat.push(bytes.readDoubleLE(at));
      at += 8;
    } else if (type === STRING) {
      if (at + 4 > bytes.length) return null;
      const end = at + 4 + bytes.readUInt32LE(at);
      if (end > bytes.length) return null;
      try {
        flat.push(utf8.decode(bytes.subarray(at + 4, end)));
      } catch {
        return null;
      }
      at = end;
    } else return null;
  }
  return at === bytes.length && flat.length === count ? flat : null;
}
