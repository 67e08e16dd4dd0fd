// Client coordination for the lean paths (scripts/lean-path.mjs with `client`): the client
// on the main thread asks every replica of the key itself, as the engine's ClientCore does in
// client coordination. It mints a put's dot with its own actor (above what it minted and what
// the put's context shows), sends the write to all N replicas and answers at W
// acknowledgements; a get asks all N, merges what comes and answers at R, and once every
// replica has answered, sends the merge to each one that lacked some of it (read repair). The
// node threads only serve replica reads, writes and repairs.
import { decodeMessage, encodeMessage } from '../dist/src/protocol/wire.js';
import { isMessage } from '../dist/src/protocol/guards.js';
import { Code } from './lean-compact-data.mjs';

/** The engine's own messages and codec (the lean path). */
export function engineCodec(check) {
  return {
    read: (reqId, key) => encodeMessage({ kind: 'replica.read', reqId, key }),
    write: (reqId, key, siblings) => encodeMessage({ kind: 'replica.write', reqId, key, siblings, hintFor: null }),
    repair: (key, siblings) => encodeMessage({ kind: 'replica.repair', key, siblings }),
    /** [reqId, siblings (null for an acknowledgement)], or null when it is no replica answer. */
    reply(wire) {
      const msg = decodeMessage(wire);
      if (check && !isMessage(msg)) return null;
      if (msg.kind === 'replica.readReply') return [msg.reqId, msg.siblings];
      return msg.kind === 'replica.writeAck' ? [msg.reqId, null] : null;
    },
  };
}

/** Flat messages read with checks (the checked and compact paths), their data as `data` keeps it. */
export function flatCodec(data) {
  return {
    read: (reqId, key) => [Code.ReplicaRead, reqId, key],
    write: (reqId, key, siblings) => data.appendSiblings([Code.ReplicaWrite, reqId, key, null], siblings),
    repair: (key, siblings) => data.appendSiblings([Code.ReplicaRepair, key], siblings),
    reply(w) {
      if (!Array.isArray(w) || typeof w[1] !== 'number') return null;
      if (w[0] === Code.ReplicaWriteAck) return [w[1], null];
      if (w[0] !== Code.ReplicaReadReply) return null;
      const siblings = data.readSiblings(w, 2);
      return siblings === null ? null : [w[1], siblings];
    },
  };
}

/** The client side of client coordination over `send(node, wire)`, for one lean path. */
export class ClientCoordinator {
  constructor({ codec, data, actor, placement, send }) {
    this.codec = codec;
    this.data = data;
    this.actor = actor;
    this.placement = placement;
    this.send = send;
    /** The last counter minted per key (the engine's minter, without its bound). */
    this.minted = new Map();
    /** Read repairs sent. */
    this.repairs = 0;
  }

  /** Starts a get for the pending request `request` (resolve, reject, dueMs set by the caller). */
  get(reqId, request, key, r) {
    Object.assign(request, { op: 'get', key, needed: r, counted: 0, outstanding: 0, merged: this.data.EMPTY, replies: [] });
    for (const node of this.placement.get(key)) {
      this.send(node, this.codec.read(reqId, key));
      request.outstanding++;
    }
  }

  /** Starts a put over `context` as the caller has it (undefined: a blind write). */
  put(reqId, request, key, value, context, w) {
    const seen = context === undefined ? this.data.contextOf(this.data.EMPTY) : this.data.fromCaller(context);
    const counter = Math.max(this.minted.get(key) ?? 0, this.data.highest(seen, this.actor)) + 1;
    this.minted.set(key, counter);
    const write = this.data.writeOf(value, this.actor, counter, Date.now(), seen);
    Object.assign(request, { op: 'put', key, needed: w, counted: 0, outstanding: 0, merged: write, replies: null });
    for (const node of this.placement.get(key)) {
      this.send(node, this.codec.write(reqId, key, write));
      request.outstanding++;
    }
  }

  /** Takes one replica's answer; true when the request is over (every replica answered). */
  answered(from, request, siblings) {
    if (siblings !== null) {
      request.merged = this.data.merge(request.merged, siblings);
      request.replies.push(from, siblings);
    }
    request.counted++;
    if (!request.answered && request.counted >= request.needed) {
      request.answered = true;
      const handedOut = this.data.handedOut(request.merged);
      const context = this.data.toCaller(this.data.contextOf(handedOut));
      request.resolve(request.op === 'get' ? { values: this.data.values(handedOut), context } : { context });
    }
    if (--request.outstanding > 0) return false;
    if (request.replies !== null) this.readRepair(request);
    return true;
  }

  readRepair({ key, merged, replies }) {
    for (let i = 0; i < replies.length; i += 2) {
      if (this.data.merge(replies[i + 1], merged) === replies[i + 1]) continue;
      this.repairs++;
      this.send(replies[i], this.codec.repair(key, merged));
    }
  }
}
