/**
 * Runs the handshake (handshake-messages.ts) on a fresh connection, as the acceptor or as
 * the dialer, and reports one outcome. A message of the wrong shape or at the wrong step is
 * a protocol error (the connection fails with it); a peer that cannot prove the secret, or
 * is not the peer we dialed, is refused. On success the connection has stopped reading: the
 * caller hands it to its link, which starts reading, so no frame is read in between.
 */
import type { FramedSocket } from './framed-socket.js';
import type { Prover, Transcript } from './handshake-messages.js';
import { HANDSHAKE_MAX_FRAME_BYTES, LINK_PROTOCOL_VERSION, newNonce, parseHandshakeMessage, proofMatches, quoted } from './handshake-messages.js';
import { ProtocolError, ProtocolErrorCode } from './protocol-error.js';

export interface HandshakeParams {
  /** This controller's name. */
  readonly self: string;
  readonly prover: Prover;
  readonly timeoutMs: number;
}

export type HandshakeOutcome =
  | { readonly ok: true; readonly peer: string }
  /** `refused`: authentication failed (by us or by the peer); otherwise the connection ended first. */
  | { readonly ok: false; readonly refused: boolean; readonly reason: string; readonly peer: string | null };

type Done = (outcome: HandshakeOutcome) => void;

/** Waits for a dialer to prove the secret; answers with our own proof, or refuses and closes. */
export function acceptHandshake(channel: FramedSocket, params: HandshakeParams, done: Done): void {
  const settle = settleOnce(channel, params.timeoutMs, done);
  const acceptorNonce = newNonce();
  channel.send({ kind: 'hello', version: LINK_PROTOCOL_VERSION, name: params.self, nonce: acceptorNonce });
  channel.read((value) => {
    const msg = parseHandshakeMessage(value);
    if (msg?.kind !== 'auth') return channel.fail(unexpected('an auth message'));
    const refuse = (reason: string): void => {
      channel.send({ kind: 'refused', reason });
      settle({ ok: false, refused: true, reason, peer: msg.name });
      channel.close();
    };
    if (msg.version !== LINK_PROTOCOL_VERSION) return refuse(`protocol version ${msg.version}, this controller speaks ${LINK_PROTOCOL_VERSION}`);
    if (msg.name === params.self) return refuse(`the peer claims this controller's own name ${quoted(msg.name)}`);
    const transcript = { acceptorName: params.self, acceptorNonce, dialerName: msg.name, dialerNonce: msg.nonce };
    if (!proofMatches(params.prover.dialProof(transcript), msg.proof)) return refuse('wrong proof: the peer does not hold the cluster secret');
    channel.send({ kind: 'welcome', proof: params.prover.acceptProof(transcript) });
    settle({ ok: true, peer: msg.name });
  });
}

/** Proves the secret to the acceptor, which must be `peer` and must prove it back. */
export function dialHandshake(channel: FramedSocket, params: HandshakeParams & { readonly peer: string }, done: Done): void {
  const settle = settleOnce(channel, params.timeoutMs, done);
  const refuse = (reason: string): void => {
    settle({ ok: false, refused: true, reason, peer: params.peer });
    channel.close();
  };
  let transcript: Transcript | null = null;
  channel.read((value) => {
    const msg = parseHandshakeMessage(value);
    if (msg?.kind === 'refused') return refuse(`refused by the peer: ${quoted(msg.reason)}`);
    if (transcript === null) {
      if (msg?.kind !== 'hello') return channel.fail(unexpected('a hello message'));
      if (msg.version !== LINK_PROTOCOL_VERSION) return refuse(`the peer speaks protocol version ${msg.version}, this controller ${LINK_PROTOCOL_VERSION}`);
      if (msg.name !== params.peer) return refuse(`dialed ${quoted(params.peer)} but reached ${quoted(msg.name)}`);
      transcript = { acceptorName: msg.name, acceptorNonce: msg.nonce, dialerName: params.self, dialerNonce: newNonce() };
      channel.send({ kind: 'auth', version: LINK_PROTOCOL_VERSION, name: params.self, nonce: transcript.dialerNonce, proof: params.prover.dialProof(transcript) });
      return;
    }
    if (msg?.kind !== 'welcome') return channel.fail(unexpected('a welcome message'));
    if (!proofMatches(params.prover.acceptProof(transcript), msg.proof)) return refuse('wrong proof from the acceptor: it does not hold the cluster secret');
    settle({ ok: true, peer: params.peer });
  });
}

/**
 * The outcome callback, called once: on success the connection stops reading; the timer
 * (unref'd: the socket itself keeps the process alive while it matters) fails a handshake
 * that takes too long; a connection ending first is reported as a failure.
 */
function settleOnce(channel: FramedSocket, timeoutMs: number, done: Done): Done {
  channel.setMaxFrameBytes(HANDSHAKE_MAX_FRAME_BYTES);
  let settled = false;
  const timer = setTimeout(() => {
    // A peer that never answered the connect is unreachable, not misbehaving.
    if (channel.connecting) channel.abort(new Error(`connect timed out after ${timeoutMs} ms`));
    else channel.fail(new ProtocolError(ProtocolErrorCode.HandshakeTimeout, `no handshake within ${timeoutMs} ms`));
  }, timeoutMs).unref();
  const settle: Done = (outcome) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    if (outcome.ok) channel.read(null);
    done(outcome);
  };
  channel.whenEnded((cause) => {
    const reason = cause.kind === 'protocol' || cause.kind === 'socket' ? cause.error.message : `closed (${cause.kind}) before the handshake completed`;
    settle({ ok: false, refused: false, reason, peer: null });
  });
  return settle;
}

function unexpected(expected: string): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.UnexpectedMessage, `expected ${expected} during the handshake`);
}
