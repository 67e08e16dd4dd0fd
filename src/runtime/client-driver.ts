/**
 * Runs the client state machine on the main thread: one MessagePort to each node, real
 * timers, and a promise per request. Every promise settles: the core answers each request
 * by its deadline, and closing the driver answers the rest with STOPPED.
 */
import type { MessagePort } from 'node:worker_threads';
import type { ClientCore, ClientGetOutcome, ClientGetSpec, ClientPutOutcome, ClientPutSpec } from '../core/client.js';
import { isMessage } from '../protocol/guards.js';
import { Batcher, unbatch } from '../transport/batcher.js';

export type StoppedOutcome = { readonly ok: false; readonly code: 'STOPPED'; readonly message: string };

export class ClientDriver {
  private readonly ports = new Map<string, MessagePort>();
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly inflight = new Set<(outcome: StoppedOutcome) => void>();
  /** Nodes a partition cut off from the client: nothing goes to them or comes from them. */
  private blocked = new Set<string>();
  private readonly batcher = new Batcher((nodeId, batch) => this.ports.get(nodeId)?.postMessage(batch));
  invalidMessages = 0;

  constructor(readonly core: ClientCore) {}

  attach(nodeId: string, port: MessagePort): void {
    this.detach(nodeId);
    this.ports.set(nodeId, port);
    port.on('message', (data: unknown) => {
      if (this.blocked.has(nodeId)) return;
      const batch = unbatch(data) ?? [data];
      const nowMs = performance.now();
      for (const msg of batch) {
        if (isMessage(msg)) this.core.receive(nodeId, msg, nowMs);
        else this.invalidMessages++;
      }
      this.flush();
    });
  }

  setBlocked(nodes: readonly string[]): void {
    this.blocked = new Set(nodes);
  }

  isBlocked(nodeId: string): boolean {
    return this.blocked.has(nodeId);
  }

  detach(nodeId: string): void {
    this.batcher.discard(nodeId);
    this.ports.get(nodeId)?.close();
    this.ports.delete(nodeId);
  }

  get(spec: ClientGetSpec): Promise<ClientGetOutcome | StoppedOutcome> {
    return this.track((done) => this.core.get(spec, performance.now(), done));
  }

  put(spec: ClientPutSpec): Promise<ClientPutOutcome | StoppedOutcome> {
    return this.track((done) => this.core.put(spec, performance.now(), done));
  }

  /** Settles every request still waiting with STOPPED and releases ports and timers. */
  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const nodeId of [...this.ports.keys()]) this.detach(nodeId);
    const waiting = [...this.inflight];
    this.inflight.clear();
    for (const stop of waiting) stop({ ok: false, code: 'STOPPED', message: 'the cluster was stopped' });
  }

  private track<T>(start: (done: (outcome: T) => void) => void): Promise<T | StoppedOutcome> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (outcome: T | StoppedOutcome): void => {
        if (settled) return;
        settled = true;
        this.inflight.delete(settle);
        resolve(outcome);
      };
      this.inflight.add(settle);
      start(settle);
      this.flush();
    });
  }

  private flush(): void {
    for (const effect of this.core.drain()) {
      switch (effect.kind) {
        case 'send':
          if (!this.blocked.has(effect.to) && this.ports.has(effect.to)) this.batcher.send(effect.to, effect.msg);
          break;
        case 'setTimer':
          this.timers.set(
            effect.timerId,
            setTimeout(() => {
              this.timers.delete(effect.timerId);
              this.core.timer(effect.timerId, performance.now());
              this.flush();
            }, effect.delayMs),
          );
          break;
        case 'cancelTimer':
          clearTimeout(this.timers.get(effect.timerId));
          this.timers.delete(effect.timerId);
          break;
      }
    }
  }
}
