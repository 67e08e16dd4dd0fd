/** One well-formed message of every kind, shared by the guard and wire-shape tests. */
import type { CausalContext, Siblings } from '../../src/protocol/data.js';
import type { Message, MessageKind } from '../../src/protocol/messages.js';
import { clockFromView } from './clocks.js';

export const context: CausalContext = {
  clock: clockFromView({ 'n1#1': { counter: 3, timeMs: 130 }, 'n2#1': { counter: 6, timeMs: 131, gaps: [[1, 1], [3, 4]] } }),
};

export const siblings: Siblings = {
  versions: [
    { value: { cart: ['book'] }, deleted: false, dot: { actor: 'n1#1', counter: 3, timeMs: 130 } },
    { value: null, deleted: true, dot: { actor: 'n2#1', counter: 6, timeMs: 131 } },
  ],
  context,
};

export const HASH = '0123456789abcdef0123456789abcdef';

/** One well-formed message of every kind; the mapped type makes a missing kind a compile error. */
export const examples: { readonly [K in MessageKind]: Extract<Message, { kind: K }> } = {
  'client.get': { kind: 'client.get', reqId: 1, key: 'k', r: 2, timeoutMs: 500, hops: 0, replyTo: 'client' },
  'client.put': {
    kind: 'client.put',
    reqId: 2,
    key: 'k',
    value: 'v',
    deleted: false,
    context,
    w: 2,
    timeoutMs: 500,
    hops: 1,
    replyTo: 'client',
  },
  'forward.ack': { kind: 'forward.ack', reqId: 2, replyTo: 'client' },
  'reply.get': { kind: 'reply.get', reqId: 3, versions: siblings.versions, context, repliedBy: ['n1', 'n2'] },
  'reply.put': { kind: 'reply.put', reqId: 4, context, ackedBy: ['n1'] },
  'reply.error': { kind: 'reply.error', reqId: 5, code: 'QUORUM_FAILED', message: 'only 1 of 2 replicas answered' },
  'replica.read': { kind: 'replica.read', reqId: 6, key: 'k' },
  'replica.readReply': { kind: 'replica.readReply', reqId: 7, siblings },
  'replica.write': { kind: 'replica.write', reqId: 8, key: 'k', siblings, hintFor: null },
  'replica.writeAck': { kind: 'replica.writeAck', reqId: 9 },
  'replica.repair': { kind: 'replica.repair', key: 'k', siblings },
  ping: { kind: 'ping', seq: 10 },
  pong: { kind: 'pong', seq: 10 },
  'hint.deliver': { kind: 'hint.deliver', key: 'k', seq: 11, siblings },
  'hint.ack': { kind: 'hint.ack', key: 'k', seq: 11 },
  handoff: { kind: 'handoff', key: 'k', seq: 12, siblings, epoch: 2 },
  'handoff.ack': { kind: 'handoff.ack', key: 'k', seq: 12 },
  'reap.query': { kind: 'reap.query', key: 'k', round: 13, siblings },
  'reap.vote': { kind: 'reap.vote', key: 'k', round: 13, ok: true },
  'reap.commit': { kind: 'reap.commit', key: 'k', siblings },
  'ae.compare': { kind: 'ae.compare', xid: 13, initiator: 'n1', range: 'n1,n2,n3', epoch: 1, level: 1, parents: [0], nodes: [[0, HASH], [15, HASH]] },
  'ae.leaves': {
    kind: 'ae.leaves',
    xid: 13,
    initiator: 'n1',
    range: 'n1,n2,n3',
    epoch: 1,
    leaves: [{ leaf: 4095, all: true, keys: [['k', HASH]] }, { leaf: 7, all: false, keys: [] }],
  },
  'ae.sync': { kind: 'ae.sync', xid: 13, initiator: 'n1', range: 'n1,n2,n3', epoch: 1, entries: [{ key: 'k', siblings }], want: ['j'] },
  'ae.done': { kind: 'ae.done', xid: 13, initiator: 'n1', range: 'n1,n2,n3', epoch: 1, matched: true },
};

export const allExamples: readonly Message[] = Object.values(examples);
