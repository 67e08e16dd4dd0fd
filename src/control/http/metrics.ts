/**
 * GET /metrics: the Prometheus text format, from a registry of this app's own (never
 * prom-client's global one, so that two apps in one process do not mix). The cluster's
 * metrics are filled on each scrape by collect() callbacks from one `service.stats()`
 * snapshot; cumulative counts are counters (they restart with a node, which rate() takes in
 * its stride), levels are gauges. Process metrics (CPU, RSS, event loop) come from
 * prom-client's default collectors. Without a cluster (stats() null) only those are served.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { ClusterStats } from '../../api/cluster.js';
import type { WorkerStats } from '../../runtime/control-api.js';
import type { ControllerService } from '../service.js';
import { describe } from './errors.js';

type NodeStat = (s: WorkerStats) => number;

/** Per-node levels: `dynamo_node_<name>{node}`. */
const NODE_GAUGES: readonly (readonly [name: string, help: string, pick: NodeStat])[] = [
  ['keys', 'Keys the node holds (its own data, not hints)', (s) => s.keys],
  ['hints_pending', 'Hinted writes the node keeps for unreachable owners (paper 4.6)', (s) => s.hintsPending],
  ['handoffs_pending', 'Keys the node still has to hand off after a ring change', (s) => s.handoffsPending],
  ['in_flight', 'Requests the node coordinates right now', (s) => s.inFlight],
  ['suspects', 'Peers the node suspects to be down', (s) => s.suspects.length],
  ['anti_entropy_max_since_match_seconds', "Longest time since one of the node's ranges last matched every replica", (s) => s.antiEntropyMaxSinceMatchMs / 1000],
];

/** Per-node cumulative counts: `dynamo_node_<name>_total{node}`. */
const NODE_COUNTERS: readonly (readonly [name: string, help: string, pick: NodeStat])[] = [
  ['messages_in', 'Messages the node received', (s) => s.messagesIn],
  ['messages_out', 'Messages the node sent', (s) => s.messagesOut],
  ['messages_lost', 'Messages to the node lost to a chaos rule', (s) => s.messagesLost],
  ['messages_duplicated', 'Extra copies delivered to the node by a chaos rule', (s) => s.messagesDuplicated],
  ['messages_delayed', 'Messages to the node held back by a chaos rule', (s) => s.messagesDelayed],
  ['messages_dropped', 'Messages to the node dropped by a partition', (s) => s.messagesDropped],
  ['invalid_messages', 'Messages the node refused as malformed', (s) => s.invalidMessages],
  ['gets', 'Reads the node coordinated', (s) => s.gets],
  ['puts', 'Writes the node coordinated', (s) => s.puts],
  ['read_repairs', 'Stale replicas the node repaired after a read', (s) => s.readRepairs],
  ['sibling_reads', 'Reads the node coordinated that found concurrent versions', (s) => s.siblingReads],
  ['quorum_failures', 'Requests the node coordinated that did not reach their quorum', (s) => s.quorumFailures],
  ['hints_delivered', 'Hinted writes the node handed back to their owner', (s) => s.hintsDelivered],
  ['anti_entropy_exchanges', 'Anti-entropy exchanges (paper 4.7) the node ran to their end', (s) => s.antiEntropyExchangesCompleted],
  ['anti_entropy_keys_sent', 'Keys whose versions the node sent in anti-entropy repairs', (s) => s.antiEntropyKeysSent],
  ['anti_entropy_keys_received', 'Keys that changed at the node by anti-entropy repairs', (s) => s.antiEntropyKeysReceived],
  ['tombstones_reaped', 'Tombstones the node deleted once every replica had them', (s) => s.tombstonesReaped],
];

type ClusterStat = (s: ClusterStats) => number;

/** The client's cumulative counts: `dynamo_client_<name>_total`. */
const CLIENT_COUNTERS: readonly (readonly [name: string, help: string, pick: ClusterStat])[] = [
  ['timeouts', 'Client requests no coordinator answered in time', (s) => s.client.timeouts],
  ['quorum_failures', 'Client requests that did not reach their quorum', (s) => s.client.quorumFailures],
  ['read_repairs', 'Stale replicas the client repaired after a read (client coordination)', (s) => s.client.readRepairs],
  ['sibling_reads', 'Client reads that found concurrent versions', (s) => s.client.siblingReads],
  ['messages_lost', 'Messages to the client lost to a chaos rule', (s) => s.clientFaults.messagesLost],
  ['messages_duplicated', 'Extra copies delivered to the client by a chaos rule', (s) => s.clientFaults.messagesDuplicated],
  ['messages_delayed', 'Messages to the client held back by a chaos rule', (s) => s.clientFaults.messagesDelayed],
  ['messages_dropped', 'Messages to the client dropped by a partition', (s) => s.clientFaults.messagesDropped],
];

/** The /metrics endpoint of one app. */
export interface Metrics {
  /** The exposition text and its content type. */
  scrape(): Promise<{ readonly text: string; readonly contentType: string }>;
  /** Counts one answered HTTP request (route: the registered path pattern, bounded). */
  countRequest(method: string, route: string, status: number): void;
}

/**
 * The app's metrics. `warn` gets one line when stats() fails (a scrape then serves the
 * process metrics only).
 */
export function createMetrics(service: ControllerService, warn: (message: string) => void): Metrics {
  const cluster = new Registry();
  const processRegistry = new Registry();
  // Created on the first scrape: the default collectors start an event-loop monitor.
  let processReady = false;
  /** The snapshot the collect() callbacks read, set for the length of one scrape. */
  let snapshot: ClusterStats | null = null;
  const each = (fill: (s: ClusterStats) => void) =>
    function collect(this: Gauge | Counter): void {
      this.reset();
      if (snapshot !== null) fill(snapshot);
    };

  for (const [name, help, pick] of NODE_GAUGES) {
    const gauge: Gauge<'node'> = new Gauge({
      name: `dynamo_node_${name}`, help, labelNames: ['node'], registers: [cluster],
      collect: each((s) => s.nodes.forEach((node) => gauge.set({ node: node.nodeId }, pick(node)))),
    });
  }
  for (const [name, help, pick] of NODE_COUNTERS) {
    const counter: Counter<'node'> = new Counter({
      name: `dynamo_node_${name}_total`, help, labelNames: ['node'], registers: [cluster],
      collect: each((s) => s.nodes.forEach((node) => counter.inc({ node: node.nodeId }, nonNegative(pick(node))))),
    });
  }
  const up: Gauge<'node'> = new Gauge({
    name: 'dynamo_node_up', help: 'Whether the node worker runs (1) or is stopped (0)', labelNames: ['node'], registers: [cluster],
    collect: each((s) => {
      s.nodes.forEach((node) => up.set({ node: node.nodeId }, 1));
      s.stopped.forEach((node) => up.set({ node }, 0));
    }),
  });
  const chaosRules: Gauge = new Gauge({
    name: 'dynamo_chaos_rules', help: 'Chaos rules in force', registers: [cluster],
    collect: each((s) => chaosRules.set(s.chaos.length)),
  });
  const clientRequests: Counter<'op'> = new Counter({
    name: 'dynamo_client_requests_total', help: 'Requests the client made, by operation', labelNames: ['op'], registers: [cluster],
    collect: each((s) => {
      clientRequests.inc({ op: 'get' }, nonNegative(s.client.gets));
      clientRequests.inc({ op: 'put' }, nonNegative(s.client.puts));
    }),
  });
  for (const [name, help, pick] of CLIENT_COUNTERS) {
    const counter: Counter = new Counter({
      name: `dynamo_client_${name}_total`, help, registers: [cluster],
      collect: each((s) => counter.inc(nonNegative(pick(s)))),
    });
  }
  const httpRequests = new Counter({
    name: 'dynamo_http_requests_total', help: "Requests this node controller's HTTP API answered",
    labelNames: ['method', 'route', 'status'], registers: [processRegistry],
  });

  let queue: Promise<unknown> = Promise.resolve();
  const scrapeOnce = async (): Promise<{ text: string; contentType: string }> => {
    if (!processReady) {
      collectDefaultMetrics({ register: processRegistry });
      processReady = true;
    }
    try {
      snapshot = await service.stats();
    } catch (error) {
      warn(`/metrics: the cluster's stats could not be read: ${describe(error)}`);
      snapshot = null;
    }
    try {
      const text = (await processRegistry.metrics()) + (snapshot === null ? '' : await cluster.metrics());
      return { text, contentType: processRegistry.contentType };
    } finally {
      snapshot = null;
    }
  };

  return {
    // One scrape at a time: the collect() callbacks of a scrape read one snapshot.
    scrape() {
      const next = queue.then(scrapeOnce, scrapeOnce);
      queue = next.catch(() => undefined);
      return next;
    },
    countRequest(method, route, status) {
      httpRequests.inc({ method: KNOWN_METHODS.has(method) ? method : 'OTHER', route, status: String(status) });
    },
  };
}

const KNOWN_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']);

/** A counter only goes up: a count below zero (never expected) is reported as zero. */
function nonNegative(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}
