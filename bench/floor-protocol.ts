/**
 * The protocol of the replicated floor (bench/floor.ts on the main thread,
 * bench/floor-worker.ts in each node thread): its types and one constant, nothing that runs
 * on import, so the worker entry stays free of main-side code and the reverse.
 *
 * Two kinds of traffic share each port. Requests and replies travel as batches, an array of
 * FloorMessage per postMessage, exactly as the engine's Batcher sends its messages. Control
 * (set up a run, report counters) travels as a single object outside any batch and is never
 * timed.
 */
import type { MessagePort } from 'node:worker_threads';

/** Who coordinates a request, as the engine's `--coordination` says. */
export type FloorCoordination = 'node' | 'client';

/** The peer id of the main thread (the client) in a worker's batcher; nodes are 0..nodes-1. */
export const CLIENT_PEER = -1;

/**
 * A test seam: the worker of node `node` misbehaves once it has received `afterMessages`
 * request or reply messages. `throw` throws from its message handler (the worker dies with an
 * error); `silence` keeps it alive but deaf, as a thread stuck in a loop would look;
 * `miscount` works as it should but reports one message more than it received (the main
 * thread's check of the counts then fails the measurement), whatever `afterMessages` says.
 */
export interface FloorFault {
  readonly node: number;
  readonly afterMessages: number;
  readonly how: 'throw' | 'silence' | 'miscount';
}

/** What a floor worker receives through workerData. */
export interface FloorWorkerData {
  /** This node's index, 0..nodes-1. */
  readonly node: number;
  /** The port to the main thread (the client). */
  readonly clientPort: MessagePort;
  /** peerPorts[i] is the port to node i; null at this node's own index. */
  readonly peerPorts: readonly (MessagePort | null)[];
  readonly fault: FloorFault | null;
}

/**
 * One request or reply: flat plain data, as small as the engine's messages are not (they also
 * carry clocks, contexts and siblings; the floor leaves those out).
 * - `get`/`put`: client to coordinator (node coordination).
 * - `rget`/`rput`: to a replica, from the coordinator or (client coordination) the client.
 * - `rgot`/`rputok`: a replica's answer.
 * - `got`/`putok`: the coordinator's answer to the client.
 */
export type FloorMessage =
  | { readonly k: 'get'; readonly id: number; readonly key: string }
  | { readonly k: 'put'; readonly id: number; readonly key: string; readonly value: string }
  | { readonly k: 'rget'; readonly id: number; readonly key: string }
  | { readonly k: 'rput'; readonly id: number; readonly key: string; readonly value: string }
  | { readonly k: 'rgot'; readonly id: number; readonly value: string | null }
  | { readonly k: 'rputok'; readonly id: number }
  | { readonly k: 'got'; readonly id: number; readonly value: string | null }
  | { readonly k: 'putok'; readonly id: number };

/** What crosses a port for requests and replies: the messages of one event-loop turn. */
export type FloorBatch = readonly FloorMessage[];

/** Main thread to worker, outside batches. */
export type FloorControl =
  | {
      readonly kind: 'setup';
      readonly coordination: FloorCoordination;
      readonly n: number;
      readonly w: number;
      readonly r: number;
      /** Every key with its N replicas (node indices), the first being its coordinator. */
      readonly placement: readonly (readonly [key: string, replicas: readonly number[]])[];
      /** The keys this node replicates, with their preloaded values. */
      readonly held: readonly (readonly [key: string, value: string])[];
    }
  /** Say 'drained' once every request this node coordinates has all its replies. */
  | { readonly kind: 'drain' }
  /**
   * Report the counters now. Asked only once every node has drained: then every request and
   * reply of the run has been received, so every thread's counters are whole.
   */
  | { readonly kind: 'report' };

/** Messages and value bytes one thread sent and received since the last setup. */
export interface FloorCounters {
  readonly messagesOut: number;
  readonly messagesIn: number;
  /** postMessage calls for those messages (one per peer per event-loop turn). */
  readonly batchesOut: number;
  /** Characters of value strings in the messages sent (one byte each: the bench's values are ASCII). */
  readonly valueBytesOut: number;
  /** Keys held by the node's store. */
  readonly keysHeld: number;
}

/** Worker to main thread, outside batches. */
export type FloorReport =
  | { readonly kind: 'ready'; readonly node: number }
  | { readonly kind: 'set-up'; readonly node: number }
  | { readonly kind: 'drained'; readonly node: number }
  | { readonly kind: 'counters'; readonly node: number; readonly counters: FloorCounters };
