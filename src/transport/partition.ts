/**
 * Partition arithmetic shared by the worker runtime and the simulator, so both cut the same
 * links. Nodes in different groups cannot reach each other; nodes listed in no group form one
 * more group together. The client stays on the side of the largest group (the first one
 * listed on a tie), like a client whose data centre kept the majority: nodes cut off from it
 * are cut off from the client too.
 */
import { NO_CUT, type LinkCut } from './fault-layer.js';

/**
 * The cut of each endpoint (a node of `everyone`, or `clientId`) under a partition into
 * `groups`; [] is no partition.
 */
export function partitionCuts(groups: readonly (readonly string[])[], everyone: readonly string[], clientId: string): (endpoint: string) => LinkCut {
  if (groups.length === 0) return () => NO_CUT;
  const side = new Map<string, number>();
  groups.forEach((group, index) => group.forEach((id) => side.set(id, index)));
  const sideOf = (id: string): number => side.get(id) ?? -1;
  const sizes = new Map<number, number>();
  for (const id of everyone) sizes.set(sideOf(id), (sizes.get(sideOf(id)) ?? 0) + 1);
  let clientSide = 0;
  let best = -1;
  for (const candidate of [...groups.keys(), -1]) {
    const size = sizes.get(candidate) ?? 0;
    if (size > best) {
      best = size;
      clientSide = candidate;
    }
  }
  const endpointSide = (id: string): number => (id === clientId ? clientSide : sideOf(id));
  const endpoints = [...everyone, clientId];
  return (self) => {
    const blocked = endpoints.filter((other) => other !== self && endpointSide(other) !== endpointSide(self));
    return { outbound: blocked, inbound: blocked };
  };
}
