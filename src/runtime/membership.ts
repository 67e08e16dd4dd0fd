/**
 * Who hears of a new ring, shared by the worker runtime and the simulator so both tell the
 * same nodes: every running node of the new ring, the node leaving now, and every node still
 * handing off from an earlier leave (it must know the current owners, or it would wait for
 * ever on owners that left after it).
 */
export function nodesToTell(next: readonly string[], running: Iterable<string>, leaving: ReadonlySet<string>): string[] {
  return [...running].filter((id) => next.includes(id) || leaving.has(id));
}
