/**
 * The pure parts of the controller links: the frame decoder (frames split across any chunk
 * boundaries, several in one chunk, the size limit), the packing of a turn's envelopes into
 * frames, the dialer's backoff, and the handshake proofs.
 */
import { deserialize } from 'node:v8';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../src/control/links/backoff.js';
import { packEnvelopes } from '../src/control/links/envelope-packer.js';
import { FrameDecoder, encodeFrame } from '../src/control/links/frame-codec.js';
import { makeProver, parseHandshakeMessage, proofMatches } from '../src/control/links/handshake-messages.js';
import { ProtocolError } from '../src/control/links/protocol-error.js';
import type { Envelope } from '../src/transport/envelope.js';

/** Cuts `bytes` at the given offsets (taken modulo its length, in any order). */
function cut(bytes: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets.map((offset) => (bytes.length === 0 ? 0 : offset % bytes.length)))].sort((x, y) => x - y);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  return chunks;
}

describe('control links - frame decoder', () => {
  it('yields every payload whatever the chunk boundaries', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 40 }), (payloads, offsets) => {
        const stream = Buffer.concat(payloads.map((payload) => encodeFrame(Buffer.from(payload))));
        const decoder = new FrameDecoder(300);
        const out: Buffer[] = [];
        for (const chunk of cut(stream, offsets)) {
          decoder.push(chunk);
          out.push(...decoder.drain());
        }
        expect(out.map((payload) => [...payload])).toEqual(payloads.map((payload) => [...payload]));
        expect(decoder.bufferedBytes).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('yields several frames pushed in one chunk, and keeps the unfinished rest', () => {
    const decoder = new FrameDecoder();
    const frames = [Buffer.from('one'), Buffer.alloc(0), Buffer.from('three')].map(encodeFrame);
    decoder.push(Buffer.concat([...frames, encodeFrame(Buffer.from('four')).subarray(0, 6)]));
    expect(decoder.drain().map(String)).toEqual(['one', '', 'three']);
    expect(decoder.bufferedBytes).toBe(6);
  });

  it('rejects a length above the limit as soon as the header is in, and keeps rejecting', () => {
    const decoder = new FrameDecoder(1024);
    decoder.push(encodeFrame(Buffer.alloc(1024)));
    expect(decoder.next()?.length).toBe(1024);
    decoder.push(Buffer.from([0, 0, 4, 1])); // 1025: the body never needs to arrive
    expect(() => decoder.next()).toThrow(ProtocolError);
    expect(() => decoder.next()).toThrow(/exceeds the limit of 1024/);
    const huge = new FrameDecoder();
    huge.push(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    expect(() => huge.next()).toThrow(expect.objectContaining({ code: 'FRAME_TOO_LARGE' }));
  });

  it('a raised limit applies from the next frame on', () => {
    const decoder = new FrameDecoder(8);
    decoder.push(encodeFrame(Buffer.alloc(8)));
    decoder.push(encodeFrame(Buffer.alloc(100)));
    expect(decoder.next()?.length).toBe(8);
    decoder.setMaxFrameBytes(100);
    expect(decoder.next()?.length).toBe(100);
  });
});

describe('control links - packing a turn of envelopes', () => {
  const envelope = (i: number, bytes = 10): Envelope => ({ from: 'n1', to: 'n2', msgs: [{ i, pad: 'x'.repeat(bytes) }] });

  it('packs a turn into one payload when it fits', () => {
    const batch = [envelope(1), envelope(2)];
    const { payloads, dropped } = packEnvelopes(batch, 1024);
    expect(dropped).toBe(0);
    expect(payloads.map((payload) => deserialize(payload))).toEqual([batch]);
  });

  it('splits a turn above the frame limit into frames within it, dropping only what alone is too large', () => {
    const batch = [...Array.from({ length: 30 }, (_, i) => envelope(i, 100)), envelope(99, 5000), envelope(100, 100)];
    const max = 1000;
    const { payloads, dropped } = packEnvelopes(batch, max);
    expect(dropped).toBe(1);
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expect(payload.length).toBeLessThanOrEqual(max);
    expect(payloads.flatMap((payload) => deserialize(payload) as Envelope[])).toEqual(batch.filter((e) => e !== batch[30]));
  });

  it('drops only the envelope that cannot be cloned', () => {
    const { payloads, dropped } = packEnvelopes([envelope(1), { from: 'n1', to: 'n2', msgs: [Symbol('no')] }, envelope(3)], 1024);
    expect(dropped).toBe(1);
    expect(payloads.flatMap((payload) => deserialize(payload) as Envelope[])).toEqual([envelope(1), envelope(3)]);
  });
});

describe('control links - backoff', () => {
  const backoff = { initialMs: 100, maxMs: 5000 };

  it('doubles from the initial delay up to the cap, with half of it jittered', () => {
    expect([0, 1, 2, 3, 10, 1000].map((failures) => backoffDelayMs(failures, backoff, 0.999999))).toEqual([100, 200, 400, 800, 5000, 5000].map((ms) => expect.closeTo(ms, 0)));
    expect([0, 1, 10].map((failures) => backoffDelayMs(failures, backoff, 0))).toEqual([50, 100, 2500]);
  });
});

describe('control links - handshake proofs', () => {
  const transcript = { acceptorName: 'b', acceptorNonce: Buffer.alloc(32, 1), dialerName: 'a', dialerNonce: Buffer.alloc(32, 2) };

  it('a proof holds only for the same secret, direction, nonces and names', () => {
    const prover = makeProver('s3cret');
    const proof = prover.dialProof(transcript);
    expect(proofMatches(proof, makeProver('s3cret').dialProof(transcript))).toBe(true);
    expect(proofMatches(proof, makeProver('other').dialProof(transcript))).toBe(false);
    expect(proofMatches(proof, prover.acceptProof(transcript))).toBe(false);
    expect(proofMatches(proof, prover.dialProof({ ...transcript, acceptorNonce: Buffer.alloc(32, 3) }))).toBe(false);
    // Names are length-prefixed: moving a character from one name to the other changes the proof.
    expect(proofMatches(prover.dialProof({ ...transcript, dialerName: 'ab', acceptorName: 'c' }), prover.dialProof({ ...transcript, dialerName: 'a', acceptorName: 'bc' }))).toBe(false);
    expect(proofMatches(proof, proof.subarray(0, 16))).toBe(false);
  });

  it('the parser accepts only well-formed handshake messages', () => {
    expect(parseHandshakeMessage({ kind: 'hello', version: 1, name: 'b', nonce: Buffer.alloc(32) })).not.toBeNull();
    for (const bad of [null, 42, [], { kind: 'hello', version: 1, name: 'b', nonce: Buffer.alloc(31) }, { kind: 'hello', version: 1, name: '', nonce: Buffer.alloc(32) }, { kind: 'auth', version: 1, name: 'a', nonce: Buffer.alloc(32) }, { kind: 'welcome', proof: 'x' }, { kind: 'refused' }, { kind: 'other' }]) {
      expect(parseHandshakeMessage(bad)).toBeNull();
    }
  });
});
