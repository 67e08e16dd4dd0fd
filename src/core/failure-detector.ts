/**
 * Local failure detection (paper §4.8): a node that stops answering is suspected by the
 * node that noticed, and only by it; it is cleared as soon as it answers anything again.
 */
export class FailureDetector {
  private readonly suspectSince = new Map<string, number>();

  isSuspect(node: string): boolean {
    return this.suspectSince.has(node);
  }

  suspect(node: string, nowMs: number): void {
    if (!this.suspectSince.has(node)) this.suspectSince.set(node, nowMs);
  }

  /** Called on any message from `node`: it is alive. */
  heardFrom(node: string): void {
    this.suspectSince.delete(node);
  }

  forget(node: string): void {
    this.suspectSince.delete(node);
  }

  list(): string[] {
    return [...this.suspectSince.keys()].sort();
  }
}
