/**
 * Keeps LMDB from ever meeting a full disk on a durable node: before the node lets LMDB write,
 * it makes sure the disk has room for what LMDB may write, with a reserve to spare, and
 * otherwise fails the write itself, as a failed commit fails it (nothing more is
 * acknowledged, the node stops, the error names the path and says to free space).
 *
 * Why not let LMDB report the full disk: lmdb-js 3.5.6, when a page write fails, formats its
 * error message into a heap buffer of 100 bytes that the message can outgrow (it prints the
 * lengths of two I/O vectors it may never have set), and the corrupted heap aborts the whole
 * process now and then ("double free or corruption", four runs in ten of the full-disk test
 * here). The node's data is safe either way (what was acknowledged was committed), but a full
 * disk must not take down every node of the process.
 *
 * What this cannot see: another process filling the disk faster than the reserve between two
 * looks. The reserve is large for that reason, and the nodes of one process each look again
 * after writing an eighth of it, so that up to eight of them together stay about within it
 * (each may also take one transaction's bytes at a look).
 */
import { statfsSync } from 'node:fs';

/** Free space kept on the disk: LMDB is never let write into it. */
export const RESERVE_BYTES = 8 * 1024 * 1024;
/** Every put may dirty a few of LMDB's pages besides its record (the path to its leaf, a split). */
const PAGES_PER_PUT = 3;
/** A transaction's own pages besides its puts': the free list's, the main database's, the meta page. */
const PAGES_PER_TRANSACTION = 4;
/** The largest page LMDB may use (the system's page size, 4 KB here): assumed until the environment says. */
const LARGEST_PAGE_BYTES = 64 * 1024;

/** The most bytes a transaction of these writes can add to the environment's file. */
export function transactionBytes(writes: number, recordBytes: number, pageBytes: number): number {
  return recordBytes + (writes * PAGES_PER_PUT + PAGES_PER_TRANSACTION) * pageBytes;
}

/** Bytes free to this process on the disk holding `path`. */
function freeBytes(path: string): number {
  const stats = statfsSync(path);
  return stats.bavail * stats.bsize;
}

export class DiskRoom {
  /** Bytes that may still be written before looking at the disk again. */
  private allowance = 0;
  /** The environment's page size, once it is open. */
  pageBytes = LARGEST_PAGE_BYTES;

  constructor(
    private readonly path: string,
    private readonly reserve: number = RESERVE_BYTES,
    private readonly free: (path: string) => number = freeBytes,
  ) {}

  /** Claims room for a transaction of `writes` writes of `recordBytes` in all (see `claim`). */
  claimTransaction(writes: number, recordBytes: number): void {
    this.claim(transactionBytes(writes, recordBytes, this.pageBytes));
  }

  /** Counts `bytes` as about to be written; throws (code ENOSPC) when the disk has no room for them above the reserve. */
  claim(bytes: number): void {
    if (bytes <= this.allowance) {
      this.allowance -= bytes;
      return;
    }
    const free = this.free(this.path);
    const room = free - this.reserve;
    if (room < bytes) {
      throw Object.assign(new Error(`no space left on the disk: ${free} bytes free, fewer than the ${bytes} this write may take and the ${this.reserve} kept free`), { code: 'ENOSPC' });
    }
    this.allowance = Math.min(room - bytes, this.reserve / 8);
  }
}
