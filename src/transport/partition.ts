/**
 * Partition arithmetic shared by the worker runtime and the simulator. Nodes in different
 * groups cannot reach each other; nodes listed in no group form one more group together.
 * The client stays on the side of the largest group (the first one listed on a tie), like
 * a client whose data centre kept the majority: nodes cut off from it are cut off from the
 * client too.
 */
export interface PartitionSides {
  /** The side of a node; -1 is the group of the unlisted nodes. */
  sideOf(nodeId: string): number;
  readonly clientSide: number;
}

export function partitionSides(groups: readonly (readonly string[])[], everyone: readonly string[]): PartitionSides {
  const side = new Map<string, number>();
  groups.forEach((group, index) => group.forEach((id) => side.set(id, index)));
  const sideOf = (id: string): number => side.get(id) ?? -1;
  const sizes = new Map<number, number>();
  for (const id of everyone) sizes.set(sideOf(id), (sizes.get(sideOf(id)) ?? 0) + 1);
  let clientSide = groups.length === 0 ? -1 : 0;
  let best = -1;
  for (const candidate of [...groups.keys(), -1]) {
    const size = sizes.get(candidate) ?? 0;
    if (size > best) {
      best = size;
      clientSide = candidate;
    }
  }
  return { sideOf, clientSide };
}

/** Peers `self` cannot reach under the partition (every node, for the client's view too). */
export function blockedPeers(sides: PartitionSides, self: string | 'client', everyone: readonly string[]): string[] {
  const mySide = self === 'client' ? sides.clientSide : sides.sideOf(self);
  return everyone.filter((other) => other !== self && sides.sideOf(other) !== mySide);
}
