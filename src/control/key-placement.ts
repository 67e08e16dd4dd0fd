/**
 * GET /preference/<key>: where a key lives, computed by the engine's own Ring (the one every
 * node and client routes with), so the dashboard shows what the engine does, not a copy of it.
 */
import { Ring } from '../core/ring.js';
import { md5Hex } from '../util/md5.js';
import type { ClusterDeployment } from './deployment.js';
import type { KeyPlacement } from './service.js';

/**
 * One Ring per deployment: building one hashes every virtual node (nodes × vnodes md5s), and
 * a dashboard may ask for many keys. A deployment is replaced, never changed, when a job ends.
 */
const RINGS = new WeakMap<ClusterDeployment, Ring>();

export function keyPlacement(deployment: ClusterDeployment, key: string): KeyPlacement {
  let ring = RINGS.get(deployment);
  if (ring === undefined) {
    ring = Ring.of(deployment.ring.nodes, deployment.ring.vnodes, md5Hex);
    RINGS.set(deployment, ring);
  }
  const walk = ring.preferenceList(key);
  const n = deployment.ring.n;
  return {
    key,
    // As RingVnode.token (ring-view.ts): the first 32 bits of the md5 place it on the circle.
    token: Number.parseInt(md5Hex(key).slice(0, 8), 16),
    preferenceList: walk.slice(0, n),
    fallbacks: walk.slice(n),
  };
}
