/** Thrown when an invariant inside the core is broken: a bug, never an expected failure. */
export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}

/** Asserts an invariant of the core. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}

/** Makes a `switch` over a discriminated union exhaustive at compile time. */
export function assertNever(value: never, what = 'value'): never {
  throw new InvariantError(`unexpected ${what}: ${JSON.stringify(value)}`);
}
