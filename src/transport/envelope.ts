/**
 * What crosses a host's uplink and a TCP link between node controllers: the messages of one
 * turn from one endpoint to another, exactly as a MessagePort batch carries them. Endpoints
 * are node ids and client ids, unique across the whole cluster, so a controller can route an
 * envelope by its `to` alone.
 */
export interface Envelope {
  readonly from: string;
  readonly to: string;
  /** Messages, each still to be validated by the receiving endpoint (src/protocol/guards.ts). */
  readonly msgs: readonly unknown[];
}

/** Longest endpoint id accepted from outside the process. */
export const MAX_ENDPOINT_ID_LENGTH = 256;

/** True for a well-formed envelope (the messages inside are checked later, by their receiver). */
export function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null) return false;
  const { from, to, msgs } = value as Record<string, unknown>;
  return isEndpointId(from) && isEndpointId(to) && Array.isArray(msgs);
}

/** The envelopes of one frame or uplink batch, or null when `value` is not a list of them. */
export function envelopeList(value: unknown): Envelope[] | null {
  if (!Array.isArray(value)) return null;
  for (const item of value) if (!isEnvelope(item)) return null;
  return value as Envelope[];
}

function isEndpointId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ENDPOINT_ID_LENGTH;
}
