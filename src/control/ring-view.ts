/** GET /ring: every virtual node of the job's ring as a 32-bit token, and where each node runs. */
import { md5Hex } from '../util/md5.js';
import type { ClusterDeployment } from './deployment.js';
import type { RingView } from './service.js';

export function ringView(deployment: ClusterDeployment): RingView {
  const { nodes, n, r, w, vnodes } = deployment.ring;
  const tokens = nodes.flatMap((node) =>
    // The ring's own token names (src/core/ring.ts): md5 of "node:i"; its first 32 bits place it on the circle.
    Array.from({ length: vnodes }, (_, i) => ({ token: Number.parseInt(md5Hex(`${node}:${i}`).slice(0, 8), 16), node })),
  );
  tokens.sort((a, b) => a.token - b.token);
  return { nodes: [...nodes], placement: { ...deployment.placement }, clients: { ...deployment.clients }, vnodes: tokens, n, r, w };
}
