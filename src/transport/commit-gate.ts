/**
 * A durable node's outgoing messages wait for its writes: a message leaves only once every
 * write the node made before sending it is safe (committed, or flushed, by the durability).
 * So an acknowledgement never goes out for a write a crash could still lose, and no held
 * message overtakes one held before it. While nothing waits and every write is safe,
 * messages pass straight through.
 *
 * Requests that acknowledge nothing never wait (UNHELD): a coordinator's writes to the other
 * replicas and its reads of them. They tell their receivers nothing of this node's state
 * that a crash could take back: a write's version, minted under an actor no later start of
 * the node uses (lmdb-stores.ts), is stored by whoever receives it, and the client hears of
 * the write only through the coordinator's reply, which waits for the coordinator's own
 * write as every reply does. So a PUT's replicas store it while its coordinator commits,
 * instead of after, and the coordinator's write can ride with a later commit
 * (turn-writer.ts). Messages between nodes are not ordered by anything else: a network
 * reorders them too.
 *
 * After a write failed nothing more leaves: whatever waited is dropped (its requests time
 * out at their coordinators, as with a node that crashed), and the node is stopped.
 */
import type { Message } from '../protocol/messages.js';
import type { Transport } from './transport.js';

/** What the gate reads of the node's writes (src/storage/write-log.ts keeps them). */
export interface WriteProgress {
  /** Writes issued so far. */
  readonly issued: number;
  /** Writes known safe: the first `confirmed` issued ones. */
  readonly confirmed: number;
  /** The write that failed (nothing leaves after it), or null. */
  readonly failure: Error | null;
}

/**
 * Messages that may wait at once. A disk that stalls (a slow flush) must not let a node's
 * memory grow without bound under traffic: past this, new messages are dropped, as a network
 * drops them, and their requests end by their deadlines. Nothing is acknowledged early.
 */
export const MAX_WAITING = 65_536;

/**
 * Requests that acknowledge nothing: they leave at once, written or not (see above). Only a
 * coordinator sends them (src/core/put-request.ts, get-request.ts); a message that reports
 * this node's state (a repair, a handoff, a hint's delivery) must not take one of these kinds.
 */
const UNHELD: ReadonlySet<Message['kind']> = new Set<Message['kind']>(['replica.write', 'replica.read']);

interface Held {
  readonly to: string;
  readonly msg: Message;
  /** Writes issued before it: it leaves when that many are safe. */
  readonly after: number;
}

export class CommitGate implements Transport {
  private held: Held[] = [];
  private first = 0;
  /** Messages that had to wait for a commit. */
  waited = 0;
  /** Messages dropped because a write failed, or because too many waited. */
  dropped = 0;

  constructor(
    private readonly inner: Transport,
    private readonly writes: WriteProgress,
    /** Sends what was released now (port-mesh.ts `flushNow`), so that it leaves in one batch. */
    private readonly released: () => void = () => undefined,
    /**
     * A message began to wait: the turn must end with a commit (port-mesh.ts `scheduleFlush`,
     * whose flush commits first), even if nothing else is sent in it.
     */
    private readonly holding: () => void = () => undefined,
  ) {}

  get waiting(): number {
    return this.held.length - this.first;
  }

  send(to: string, msg: Message): void {
    if (this.writes.failure !== null) {
      this.dropped++;
      return;
    }
    if ((this.waiting === 0 && this.writes.confirmed >= this.writes.issued) || UNHELD.has(msg.kind)) {
      this.inner.send(to, msg);
      return;
    }
    if (this.waiting >= MAX_WAITING) {
      this.dropped++;
      return;
    }
    this.waited++;
    if (this.waiting === 0) this.holding();
    this.held.push({ to, msg, after: this.writes.issued });
  }

  onMessage(handler: (from: string, msg: unknown) => void): void {
    this.inner.onMessage(handler);
  }

  /** More writes are safe: sends, in order, what waited for them. */
  release(): void {
    const { confirmed } = this.writes;
    const from = this.first;
    while (this.first < this.held.length && this.held[this.first]!.after <= confirmed) {
      const { to, msg } = this.held[this.first]!;
      this.first++;
      this.inner.send(to, msg);
    }
    if (this.first > from) this.released();
    if (this.first === this.held.length) {
      this.held = [];
      this.first = 0;
    }
  }

  /** A write failed: what waited never leaves. */
  drop(): void {
    this.dropped += this.waiting;
    this.held = [];
    this.first = 0;
  }
}
