/**
 * The job's controllers a topology card does not show (pure, tested without a browser): what
 * a shown controller knows of them from the job's placement and its links.
 */
import type { RingView } from './contracts.js';
import { compareNames } from './natural-order.js';

/** One controller of the job, as `seenFrom` knows it. */
export interface JobPeer {
  readonly name: string;
  readonly seenFrom: string;
  readonly linked: boolean;
  readonly nodes: readonly string[];
  readonly clients: readonly string[];
}

/** The job's controllers that no card shows, from each shown controller's ring and links. */
export function jobPeers(views: readonly { readonly self: string; readonly ring: RingView; readonly linked: readonly string[] }[]): JobPeer[] {
  const shown = new Set(views.map((view) => view.self));
  const peers = new Map<string, JobPeer>();
  for (const view of views) {
    const hosts = new Set([...Object.values(view.ring.placement), ...Object.values(view.ring.clients)]);
    for (const host of hosts) {
      if (shown.has(host) || peers.has(host)) continue;
      const on = (placement: Record<string, string>): string[] => Object.keys(placement).filter((id) => placement[id] === host).sort(compareNames);
      peers.set(host, { name: host, seenFrom: view.self, linked: view.linked.includes(host), nodes: on(view.ring.placement), clients: on(view.ring.clients) });
    }
  }
  return [...peers.values()].sort((a, b) => compareNames(a.name, b.name));
}

