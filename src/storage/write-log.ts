/**
 * What a durable node knows of its own writes: how many it has issued and how many of those
 * are safe, by the chosen durability. The node acknowledges nothing before the writes made
 * before it are safe (src/transport/commit-gate.ts reads these counts). The writers
 * (turn-writer.ts) report to it.
 *
 * For writes handed to lmdb-js (`track`): it gathers every write of one event-loop turn into
 * one transaction and hands each of them the same promise, resolved when that transaction
 * commits; transactions commit in order. So one callback a turn serves every write of the
 * turn: it confirms up to the last write issued under that promise.
 */
export type Durability = 'commit' | 'flush';

export class WriteLog {
  issued = 0;
  confirmed = 0;
  /** Transactions the writes went in: one a turn that wrote. */
  commits = 0;
  failure: Error | null = null;
  private lastCommit: PromiseLike<unknown> | null = null;
  /** The last write issued under `lastCommit`: what its settling confirms. */
  private lastUnderCommit = { seq: 0 };

  constructor(
    /** Resolves when everything committed so far is on disk (LMDB's `flushed`), for 'flush'. */
    private readonly flushed: () => PromiseLike<unknown>,
    private readonly durability: Durability,
    /** More writes are safe: held messages may go. */
    private readonly progressed: () => void,
    /** A write failed: nothing after it may be acknowledged. */
    private readonly failed: (error: Error) => void,
  ) {}

  get pending(): boolean {
    return this.issued > this.confirmed;
  }

  /** Records a write whose commit `commit` reports (and counts its transaction). */
  track(commit: PromiseLike<unknown>): void {
    const seq = ++this.issued;
    if (commit === this.lastCommit) {
      this.lastUnderCommit.seq = seq;
      return;
    }
    const upTo = { seq };
    this.commits++;
    this.lastCommit = commit;
    this.lastUnderCommit = upTo;
    const safe = this.durability === 'flush' ? Promise.resolve(commit).then(() => this.flushed()) : commit;
    safe.then(
      () => this.confirm(upTo.seq),
      (error: unknown) => this.fail(error),
    );
  }

  /** The first `seq` writes issued are safe. */
  confirm(seq: number): void {
    if (this.failure !== null || seq <= this.confirmed) return;
    this.confirmed = seq;
    this.progressed();
  }

  /** A write failed: nothing more is confirmed. */
  fail(error: unknown): void {
    if (this.failure !== null) return;
    this.failure = error instanceof Error ? error : new Error(String(error));
    // lmdb-js rejects with "Commit failed" and keeps the system's own error (ENOSPC, EACCES)
    // in a promise beside it: that one is the cause worth naming.
    const detail = (error as { commitError?: unknown } | null)?.commitError;
    if (detail instanceof Promise) {
      detail.then(
        () => this.failed(this.failure!),
        (cause: unknown) => this.failed(cause instanceof Error ? cause : this.failure!),
      );
      return;
    }
    this.failed(this.failure);
  }
}

/**
 * True for the rejection lmdb-js makes, besides each write's own, when a commit fails (a full
 * disk): the write log has reported that failure already, so nobody needs to await it.
 */
export function isCommitFailure(reason: unknown): boolean {
  return reason instanceof Error && 'commitError' in reason;
}
