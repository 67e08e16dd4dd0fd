/** What PeerLinks counts, as stats() reports it. Frames and bytes are those of envelope frames (handshakes excluded). */
export interface LinkStats {
  framesSent: number;
  framesReceived: number;
  bytesSent: number;
  bytesReceived: number;
  /** Envelopes sent without an authenticated connection, above the write-buffer bound, or unserializable. */
  envelopesDropped: number;
  /** Handshakes that failed authentication, on either side (including refusals by the peer). */
  connectionsRefused: number;
  /** Connections closed for garbage, oversized or truncated frames, wrong messages, or a handshake timeout. */
  protocolErrors: number;
  /** Dial attempts after the first, per dial(). */
  reconnects: number;
}

export function newLinkStats(): LinkStats {
  return { framesSent: 0, framesReceived: 0, bytesSent: 0, bytesReceived: 0, envelopesDropped: 0, connectionsRefused: 0, protocolErrors: 0, reconnects: 0 };
}
