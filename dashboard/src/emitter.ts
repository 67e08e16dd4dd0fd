/** A typed publish/subscribe: `Events` maps each event name to the value it carries. */
export class Emitter<Events extends object> {
  private readonly listeners: { [K in keyof Events]?: Set<(value: Events[K]) => void> } = {};

  /** Calls `listener` with every `type` event until the returned function is called. */
  on<K extends keyof Events>(type: K, listener: (value: Events[K]) => void): () => void {
    const set = this.listeners[type] ?? new Set<(value: Events[K]) => void>();
    this.listeners[type] = set;
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<K extends keyof Events>(type: K, value: Events[K]): void {
    for (const listener of this.listeners[type] ?? []) listener(value);
  }
}
