/**
 * What a peer did wrong on the wire. A protocol error closes that one connection and is
 * counted; it never escapes the event loop, so a confused or hostile peer cannot take the
 * controller down or disturb its other connections.
 */

/** Why a connection was closed for breaking the protocol. */
export const ProtocolErrorCode = {
  /** A length prefix above the connection's limit: rejected before anything is allocated. */
  FrameTooLarge: 'FRAME_TOO_LARGE',
  /** The peer closed in the middle of a frame. */
  TruncatedFrame: 'TRUNCATED_FRAME',
  /** A payload v8.deserialize could not read. */
  BadPayload: 'BAD_PAYLOAD',
  /** A well-formed value that is not what this step of the protocol expects. */
  UnexpectedMessage: 'UNEXPECTED_MESSAGE',
  /** The handshake did not finish in time. */
  HandshakeTimeout: 'HANDSHAKE_TIMEOUT',
} as const;
export type ProtocolErrorCode = (typeof ProtocolErrorCode)[keyof typeof ProtocolErrorCode];

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';

  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
  }
}
