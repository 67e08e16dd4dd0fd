import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../src/protocol/messages.js';
import { envelopeList } from '../src/transport/envelope.js';
import { PortMesh } from '../src/transport/port-mesh.js';
import { examples } from './helpers/message-examples.js';

const meshes: PortMesh[] = [];
const loose: MessagePort[] = [];
afterEach(() => {
  for (const mesh of meshes.splice(0)) mesh.closeAll();
  for (const port of loose.splice(0)) port.close();
});

/** A mesh for `self` whose arrivals are collected, with `next(n)` resolving at the n-th. */
function meshFor(): { mesh: PortMesh; arrived: [string, unknown][]; next: (count: number) => Promise<void> } {
  const mesh = new PortMesh();
  meshes.push(mesh);
  const arrived: [string, unknown][] = [];
  let waiter: { count: number; resolve: () => void } | undefined;
  mesh.onMessage((from, msg) => {
    arrived.push([from, msg]);
    if (waiter && arrived.length >= waiter.count) waiter.resolve();
  });
  const next = (count: number): Promise<void> =>
    arrived.length >= count ? Promise.resolve() : new Promise((resolve) => (waiter = { count, resolve }));
  return { mesh, arrived, next };
}

function link(a: PortMesh, aName: string, b: PortMesh, bName: string): void {
  const { port1, port2 } = new MessageChannel();
  a.connect(bName, port1);
  b.connect(aName, port2);
}

const traffic: Message[] = [examples['client.put'], examples['replica.write'], examples['reply.get'], examples['client.put'], examples['replica.write'], examples['reply.put']];

describe('the port mesh', () => {
  it('carries messages between two threads\' ports as they were sent, ids coded, definitions not counted as messages', async () => {
    const a = meshFor();
    const b = meshFor();
    link(a.mesh, 'a', b.mesh, 'b');
    for (const msg of traffic) a.mesh.send('b', msg);
    await b.next(traffic.length);
    expect(b.arrived).toEqual(traffic.map((msg) => ['a', msg]));
    expect(a.mesh.sent).toBe(traffic.length);
    expect(b.mesh.received).toBe(traffic.length);
    expect(b.mesh.malformed).toBe(0);
  });

  it('a new port starts its codes afresh on both sides', async () => {
    const a = meshFor();
    const b = meshFor();
    link(a.mesh, 'a', b.mesh, 'b');
    for (const msg of traffic) a.mesh.send('b', msg);
    await b.next(traffic.length);
    // The peer restarted: a new channel, and new meshes' worth of codes on it.
    link(a.mesh, 'a', b.mesh, 'b');
    for (const msg of traffic) a.mesh.send('b', msg);
    await b.next(2 * traffic.length);
    expect(b.arrived.slice(traffic.length)).toEqual(traffic.map((msg) => ['a', msg]));
    expect(b.mesh.malformed).toBe(0);
  });

  it('messages queued for a port that is replaced in the same turn are dropped with its codes, never read with the new port\'s', async () => {
    const a = meshFor();
    const b = meshFor();
    link(a.mesh, 'a', b.mesh, 'b');
    a.mesh.send('b', { kind: 'forward.ack', reqId: 1, replyTo: 'client-A' });
    link(a.mesh, 'a', b.mesh, 'b');
    a.mesh.send('b', { kind: 'forward.ack', reqId: 2, replyTo: 'client-B' });
    await b.next(1);
    // A turn more for anything else that might come.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(b.arrived).toEqual([['a', { kind: 'forward.ack', reqId: 2, replyTo: 'client-B' }]]);
  });

  it('a batch that cannot be cloned still delivers its definitions and its good messages', async () => {
    const a = meshFor();
    const b = meshFor();
    link(a.mesh, 'a', b.mesh, 'b');
    a.mesh.send('b', { ...examples['client.put'], value: () => 'not cloneable' });
    a.mesh.send('b', examples['reply.put']);
    await b.next(1);
    expect(b.arrived).toEqual([['a', examples['reply.put']]]);
    expect(b.mesh.malformed).toBe(0);
  });

  it('a malformed definition is counted and taken no further', async () => {
    const b = meshFor();
    const { port1, port2 } = new MessageChannel();
    loose.push(port1);
    b.mesh.connect('a', port2);
    port1.postMessage([[0, 0, 'n1'], [0, 5, 'n6'], [5, 1, null, 0, 0, 5, 1, 0]]);
    await b.next(1);
    expect(b.mesh.malformed).toBe(1);
    // Code 0 was taken, code 5 was not.
    expect(b.arrived).toEqual([['a', { kind: 'reply.put', reqId: 1, context: { clock: ['n1', 5, 1, 0] }, ackedBy: [] }]]);
  });

  it('through the uplink, ids cross as strings, for any endpoint to read', async () => {
    const a = meshFor();
    const { port1, port2 } = new MessageChannel();
    loose.push(port2);
    a.mesh.setUplink('a', port1);
    const posted = new Promise<unknown>((resolve) => port2.once('message', resolve));
    a.mesh.send('far', examples['replica.write']);
    const envelopes = envelopeList(await posted);
    expect(envelopes).not.toBeNull();
    const [envelope] = envelopes ?? [];
    expect(envelope?.msgs).toHaveLength(1);
    const wire = envelope?.msgs[0] as unknown[];
    // Actors as strings (no definitions went ahead of it).
    expect(wire.filter((x) => typeof x === 'string')).toEqual(expect.arrayContaining(['n1#1', 'n2#1']));
  });
});
