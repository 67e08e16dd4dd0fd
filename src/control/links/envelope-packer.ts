/**
 * Turns the envelopes queued for a peer in one turn into frame payloads. Normally that is
 * one payload, one v8.serialize of the whole list. Two cases need more care, and both must
 * cost only the envelopes at fault: an envelope v8 cannot clone (a function inside a
 * message) would make the whole serialize throw, and a batch above the peer's frame limit
 * would be a protocol error at the peer, closing the link for everyone.
 */
import type { Envelope } from '../../transport/envelope.js';
import { encodeValue } from './frame-codec.js';

export interface PackedEnvelopes {
  readonly payloads: Buffer[];
  /** Envelopes that could not be serialized, or that alone exceed the frame limit. */
  readonly dropped: number;
}

export function packEnvelopes(envelopes: readonly Envelope[], maxFrameBytes: number): PackedEnvelopes {
  const whole = trySerialize(envelopes);
  if (whole !== null && whole.length <= maxFrameBytes) return { payloads: [whole], dropped: 0 };
  return packOneByOne(envelopes, maxFrameBytes);
}

/**
 * Measures each envelope alone and groups them greedily. A list serializes to no more than
 * the sum of its elements serialized as one-element lists (each of those repeats the header
 * and list tags the group writes once), so a group within the sum fits the limit.
 */
function packOneByOne(envelopes: readonly Envelope[], maxFrameBytes: number): PackedEnvelopes {
  const payloads: Buffer[] = [];
  let dropped = 0;
  let group: Envelope[] = [];
  let groupBytes = 0;
  const emit = (): void => {
    if (group.length === 0) return;
    const payload = trySerialize(group);
    if (payload !== null && payload.length <= maxFrameBytes) payloads.push(payload);
    else dropped += group.length;
    group = [];
    groupBytes = 0;
  };
  for (const envelope of envelopes) {
    const alone = trySerialize([envelope]);
    if (alone === null || alone.length > maxFrameBytes) {
      dropped++;
      continue;
    }
    if (groupBytes + alone.length > maxFrameBytes) emit();
    group.push(envelope);
    groupBytes += alone.length;
  }
  emit();
  return { payloads, dropped };
}

function trySerialize(value: readonly Envelope[]): Buffer | null {
  try {
    return encodeValue(value);
  } catch {
    return null;
  }
}
