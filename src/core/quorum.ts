/** Where a quorum stands: still open, reached, or out of reach. */
export type QuorumState = 'pending' | 'won' | 'lost';

/**
 * Quorum arithmetic in one place: `needed` answers out of those that can still come.
 * `stillPossible` counts the attempts that have neither answered nor failed plus the
 * replacements that could still be tried.
 */
export function quorumState(answered: number, needed: number, stillPossible: number): QuorumState {
  if (answered >= needed) return 'won';
  if (answered + stillPossible < needed) return 'lost';
  return 'pending';
}
