/**
 * Local failure detection (paper §4.8): a node that stops answering is suspected by the
 * node that noticed, and only by it. It is cleared as soon as it answers anything again,
 * and in any case after `suspectForMs`: then it is tried again with the next request, so a
 * host without probes of its own (the client) never shuns a node that came back.
 */
export class FailureDetector {
  private readonly suspectSince = new Map<string, number>();

  constructor(
    private readonly nowMs: () => number,
    private readonly suspectForMs: number,
  ) {}

  /** A field, not a method: requests pass it on as it is, with no closure each. */
  readonly isSuspect = (node: string): boolean => {
    const since = this.suspectSince.get(node);
    if (since === undefined) return false;
    if (this.nowMs() - since < this.suspectForMs) return true;
    this.suspectSince.delete(node);
    return false;
  };

  suspect(node: string, nowMs: number): void {
    if (!this.isSuspect(node)) this.suspectSince.set(node, nowMs);
  }

  /** Called on any message from `node`: it is alive. */
  heardFrom(node: string): void {
    this.suspectSince.delete(node);
  }

  forget(node: string): void {
    this.suspectSince.delete(node);
  }

  /** Whether any node may be suspected (some suspicion was recorded and has not been cleared; it may have lapsed). */
  get anySuspected(): boolean {
    return this.suspectSince.size > 0;
  }

  /** Nodes suspected now. */
  list(): string[] {
    return [...this.suspectSince.keys()].filter((node) => this.isSuspect(node)).sort();
  }
}
