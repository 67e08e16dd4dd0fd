/**
 * Coalesces the messages a thread sends during one turn of its event loop into one
 * postMessage per peer. Under load a node handles a burst of arriving messages in one turn
 * and answers many of them; sending each answer separately paid the fixed cost of a
 * structured-clone message and a wake-up of the receiving thread every time. The flush runs
 * in the same turn (setImmediate, after the burst), so a lone request waits only for the
 * end of the turn that produced it.
 */
/** What crosses a MessagePort: the messages of one turn (in their wire shape), in the order they were sent. */
export type Batch = readonly unknown[];

export class Batcher {
  /**
   * A new Map each turn rather than one cleared: clearing a Map that has reached the old
   * generation links its old table to the new one and keeps the old table's batches alive
   * until the next full collection (see src/core/id-map.ts).
   */
  private outbox = new Map<string, unknown[]>();
  private scheduled = false;
  messages = 0;
  batches = 0;
  /** Messages that could not be sent at all (not cloneable). */
  dropped = 0;

  /** @param post delivers one batch to a peer (false when the peer is unknown: dropped). */
  constructor(private readonly post: (peer: string, batch: Batch) => void) {}

  send(peer: string, msg: unknown): void {
    let queue = this.outbox.get(peer);
    if (!queue) this.outbox.set(peer, (queue = []));
    queue.push(msg);
    this.messages++;
    this.schedule();
  }

  /** Makes sure a flush runs at the end of this turn, even if nothing more is sent in it. */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.flush);
  }

  /**
   * Runs first in every flush: a durable node commits its turn's writes there, so that the
   * messages the commit releases (commit-gate.ts) leave in this flush, not in one more.
   */
  beforeFlush: () => void = () => undefined;

  /** Sends everything queued now (also called before closing). */
  readonly flush = (): void => {
    this.scheduled = false;
    this.beforeFlush();
    if (this.outbox.size === 0) return;
    const pending = this.outbox;
    this.outbox = new Map();
    for (const [peer, batch] of pending) {
      this.batches++;
      try {
        this.post(peer, batch);
      } catch {
        this.postOneByOne(peer, batch);
      }
    }
  };

  /**
   * A batch that cannot be cloned is sent message by message, so that only the message at
   * fault is lost (its request then fails by its deadline) and nothing throws out of the
   * event loop.
   */
  private postOneByOne(peer: string, batch: Batch): void {
    for (const msg of batch) {
      try {
        this.post(peer, [msg]);
      } catch {
        this.dropped++;
      }
    }
  }

  /** Drops what is queued for `peer` (it went away). */
  discard(peer: string): void {
    this.outbox.delete(peer);
  }
}

/** Unpacks what arrived on a port: a batch of messages, each still to be validated. */
export function unbatch(data: unknown): readonly unknown[] | null {
  return Array.isArray(data) ? data : null;
}
