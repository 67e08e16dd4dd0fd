/**
 * The handshake's messages and proofs. Both sides prove they hold the cluster secret without
 * sending it: each answers the other's fresh random nonce with an HMAC-SHA256 over both
 * nonces and both names, so a proof cannot be replayed on another connection, reflected
 * back (the two directions use different labels) or reused between other controllers.
 *
 *   acceptor -> dialer   { kind: 'hello', version, name, nonce }
 *   dialer -> acceptor   { kind: 'auth', version, name, nonce, proof: dial proof }
 *   acceptor -> dialer   { kind: 'welcome', proof: accept proof }  or  { kind: 'refused', reason }
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { MAX_ENDPOINT_ID_LENGTH } from '../../transport/envelope.js';

/**
 * Bumped whenever the link protocol changes incompatibly; a mismatch is refused by name.
 * 2: the messages of every request flat, nothing nested in them (src/protocol/wire.ts).
 */
export const LINK_PROTOCOL_VERSION = 2;
export const NONCE_BYTES = 32;
const PROOF_BYTES = 32;
/** Handshake messages are tiny: a larger frame before authentication is a protocol error. */
export const HANDSHAKE_MAX_FRAME_BYTES = 4096;
const MAX_REASON_LENGTH = 512;

export interface Hello {
  readonly kind: 'hello';
  readonly version: number;
  readonly name: string;
  readonly nonce: Uint8Array;
}

export interface Auth {
  readonly kind: 'auth';
  readonly version: number;
  readonly name: string;
  readonly nonce: Uint8Array;
  readonly proof: Uint8Array;
}

export interface Welcome {
  readonly kind: 'welcome';
  readonly proof: Uint8Array;
}

export interface Refused {
  readonly kind: 'refused';
  readonly reason: string;
}

export type HandshakeMessage = Hello | Auth | Welcome | Refused;

/** What one connection's handshake binds a proof to. */
export interface Transcript {
  readonly acceptorName: string;
  readonly acceptorNonce: Uint8Array;
  readonly dialerName: string;
  readonly dialerNonce: Uint8Array;
}

/**
 * Computes and checks proofs. The secret lives only in this closure: it is not a field any
 * object dump (util.inspect, a logged options object) could show.
 */
export interface Prover {
  dialProof(transcript: Transcript): Buffer;
  acceptProof(transcript: Transcript): Buffer;
}

export function makeProver(secret: string): Prover {
  const key = Buffer.from(secret, 'utf8');
  const prove = (label: string, t: Transcript): Buffer => {
    const hmac = createHmac('sha256', key);
    // Every field is length-prefixed, so no two different transcripts hash the same bytes
    // (names are free-form: 'ab' + 'c' must not equal 'a' + 'bc').
    for (const field of [Buffer.from(`dynamo-links/${LINK_PROTOCOL_VERSION} ${label}`), t.acceptorNonce, t.dialerNonce, Buffer.from(t.dialerName), Buffer.from(t.acceptorName)]) {
      const length = Buffer.allocUnsafe(4);
      length.writeUInt32BE(field.length, 0);
      hmac.update(length);
      hmac.update(field);
    }
    return hmac.digest();
  };
  return { dialProof: (t) => prove('dial', t), acceptProof: (t) => prove('accept', t) };
}

/** Constant-time comparison of a received proof with the expected one. */
export function proofMatches(expected: Buffer, received: Uint8Array): boolean {
  return received.length === expected.length && timingSafeEqual(expected, received);
}

export function newNonce(): Buffer {
  return randomBytes(NONCE_BYTES);
}

/** A handshake message, or null when `value` is not one (a protocol error at the caller). */
export function parseHandshakeMessage(value: unknown): HandshakeMessage | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  switch (v.kind) {
    case 'hello':
      return isVersion(v.version) && isName(v.name) && isBytes(v.nonce, NONCE_BYTES) ? { kind: 'hello', version: v.version, name: v.name, nonce: v.nonce } : null;
    case 'auth':
      return isVersion(v.version) && isName(v.name) && isBytes(v.nonce, NONCE_BYTES) && isBytes(v.proof, PROOF_BYTES)
        ? { kind: 'auth', version: v.version, name: v.name, nonce: v.nonce, proof: v.proof }
        : null;
    case 'welcome':
      return isBytes(v.proof, PROOF_BYTES) ? { kind: 'welcome', proof: v.proof } : null;
    case 'refused':
      return typeof v.reason === 'string' ? { kind: 'refused', reason: v.reason.slice(0, MAX_REASON_LENGTH) } : null;
    default:
      return null;
  }
}

/** A peer-chosen string as it may appear in a log line: quoted, escaped, bounded. */
export function quoted(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text);
}

function isName(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ENDPOINT_ID_LENGTH;
}

function isVersion(value: unknown): value is number {
  return Number.isSafeInteger(value);
}

function isBytes(value: unknown, length: number): value is Uint8Array {
  return value instanceof Uint8Array && value.length === length;
}
