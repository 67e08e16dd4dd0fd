/**
 * The TCP links between node controllers (src/control/links/): frames, the handshake, and
 * PeerLinks on 127.0.0.1 — batching, refusal of a wrong secret, reconnection, replacement,
 * and raw sockets throwing garbage at a listener while an authenticated link keeps working.
 */
import { randomBytes } from 'node:crypto';
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { serialize } from 'node:v8';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { PeerLinks } from '../src/control/links/peer-links.js';
import type { PeerLinksOptions } from '../src/control/links/peer-links.js';
import { encodeFrame } from '../src/control/links/frame-codec.js';
import { LINK_PROTOCOL_VERSION, makeProver } from '../src/control/links/handshake-messages.js';
import type { Envelope } from '../src/transport/envelope.js';
import { FrameReader, closedOf, until } from './helpers/link-sockets.js';

const SECRET = 'correct horse battery staple';
const HOST = '127.0.0.1';

interface Node {
  readonly links: PeerLinks;
  readonly logs: string[];
  /** Each delivery: one frame's envelopes. */
  readonly frames: Envelope[][];
  readonly changes: string[];
}

const opened: PeerLinks[] = [];
const sockets: Socket[] = [];
const servers: Server[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  await Promise.all(opened.splice(0).map((links) => links.close()));
});

function node(self: string, options: Partial<PeerLinksOptions> = {}): Node {
  const logs: string[] = [];
  const links = new PeerLinks({ self, secret: SECRET, log: (line) => logs.push(line), backoff: { initialMs: 20, maxMs: 200 }, handshakeTimeoutMs: 2000, ...options });
  opened.push(links);
  const frames: Envelope[][] = [];
  const changes: string[] = [];
  links.onEnvelopes((_peer, envelopes) => frames.push([...envelopes]));
  links.onPeerChange((peer, connected) => changes.push(`${peer}:${connected ? 'up' : 'down'}`));
  return { links, logs, frames, changes };
}

/** `a` dials `b`; resolves once both hold the authenticated link. */
async function pair(): Promise<{ a: Node; b: Node; port: number }> {
  const b = node('b');
  const port = await b.links.listen(HOST, 0);
  const a = node('a');
  a.links.dial('b', HOST, port);
  await until(() => a.links.connected().includes('b') && b.links.connected().includes('a'));
  return { a, b, port };
}

function envelope(from: string, to: string, i: number): Envelope {
  return { from, to, msgs: [{ kind: 'ping', i }] };
}

function delivered(n: Node): Envelope[] {
  return n.frames.flat();
}

/** A raw TCP client, destroyed after the test. */
function rawSocket(port: number): Socket {
  const socket = connect({ host: HOST, port });
  socket.on('error', () => undefined);
  // Read (and ignore) what arrives, or the socket would never see the server's close.
  socket.resume();
  sockets.push(socket);
  return socket;
}

/** A raw client that completes the handshake as `name`, to misbehave afterwards. */
async function rawAuthenticated(port: number, name: string): Promise<Socket> {
  const socket = rawSocket(port);
  const reader = new FrameReader(socket);
  const hello = (await reader.next()) as { name: string; nonce: Uint8Array };
  const transcript = { acceptorName: hello.name, acceptorNonce: hello.nonce, dialerName: name, dialerNonce: randomBytes(32) };
  const proof = makeProver(SECRET).dialProof(transcript);
  socket.write(encodeFrame(serialize({ kind: 'auth', version: LINK_PROTOCOL_VERSION, name, nonce: transcript.dialerNonce, proof })));
  expect(await reader.next()).toMatchObject({ kind: 'welcome' });
  reader.stop();
  return socket;
}

/** Runs `attack` on a raw socket to b's port and expects b to close it with one more protocol error. */
async function expectProtocolError(b: Node, port: number, attack: (socket: Socket) => void | Promise<void>, socket = rawSocket(port)): Promise<void> {
  const before = b.links.stats().protocolErrors;
  const closed = closedOf(socket);
  await attack(socket);
  await closed;
  await until(() => b.links.stats().protocolErrors === before + 1);
}

/** The a-b link still carries envelopes both ways. */
async function expectLinkWorks(a: Node, b: Node): Promise<void> {
  const [atB, atA] = [delivered(b).length, delivered(a).length];
  a.links.send('b', envelope('n1', 'n2', 1));
  b.links.send('a', envelope('n2', 'n1', 2));
  await until(() => delivered(b).length === atB + 1 && delivered(a).length === atA + 1);
  expect(a.links.connected()).toEqual(['b']);
}

describe('control links - traffic', () => {
  it('two PeerLinks exchange envelopes both ways, a turn of sends as one frame', async () => {
    const { a, b } = await pair();
    const sent = Array.from({ length: 100 }, (_, i) => envelope('node-1', 'node-7', i));
    for (const e of sent) a.links.send('b', e);
    await until(() => delivered(b).length === 100);
    expect(b.frames).toEqual([sent]);
    expect(a.links.stats()).toMatchObject({ framesSent: 1, envelopesDropped: 0 });
    expect(b.links.stats()).toMatchObject({ framesReceived: 1 });
    expect(b.links.stats().bytesReceived).toBe(a.links.stats().bytesSent);

    b.links.send('a', envelope('node-7', 'node-1', 0));
    b.links.send('a', envelope('node-7', 'node-2', 1));
    await until(() => delivered(a).length === 2);
    expect(a.frames).toHaveLength(1);
    expect(a.changes).toEqual(['b:up']);
    expect(b.changes).toEqual(['a:up']);
  });

  it('an envelope v8 cannot clone is dropped alone; the rest of its turn is delivered', async () => {
    const { a, b } = await pair();
    a.links.send('b', envelope('n1', 'n2', 1));
    a.links.send('b', { from: 'n1', to: 'n2', msgs: [() => 'not cloneable'] });
    a.links.send('b', envelope('n1', 'n2', 3));
    await until(() => delivered(b).length === 2);
    expect(a.links.stats().envelopesDropped).toBe(1);
  });

  it('a socket that stops draining makes sends drop instead of queueing without bound', async () => {
    const b = node('b', { maxWriteBufferBytes: 64 * 1024 });
    const port = await b.links.listen(HOST, 0);
    const stalled = await rawAuthenticated(port, 'stalled');
    stalled.pause();
    await until(() => b.links.connected().includes('stalled'));
    const big = { from: 'n1', to: 'n2', msgs: [randomBytes(256 * 1024)] };
    for (let turn = 0; turn < 400 && b.links.stats().envelopesDropped === 0; turn++) {
      b.links.send('stalled', big);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(b.links.stats().envelopesDropped).toBeGreaterThan(0);
  });
});

describe('control links - authentication', () => {
  it('a controller that is not one of the job\'s is refused even with the secret; a new job drops the old links', async () => {
    const b = new PeerLinks({ log: () => undefined, backoff: { initialMs: 20, maxMs: 200 } });
    opened.push(b);
    const port = await b.listen(HOST, 0);
    b.configure('b', SECRET, ['a', 'b']);
    const stranger = node('c');
    stranger.links.dial('b', HOST, port);
    const a = node('a');
    a.links.dial('b', HOST, port);
    await until(() => b.connected().includes('a'));
    await until(() => b.stats().connectionsRefused > 0);
    expect(b.connected()).toEqual(['a']);
    b.configure('b', 'the secret of the next job', ['a', 'b']);
    await until(() => !b.connected().includes('a'));
  });

  it('a controller that runs no job yet refuses every peer', async () => {
    const idle = new PeerLinks({ log: () => undefined });
    opened.push(idle);
    const port = await idle.listen(HOST, 0);
    const a = node('a');
    a.links.dial('idle', HOST, port);
    await until(() => idle.stats().connectionsRefused > 0);
    expect(idle.connected()).toEqual([]);
  });

  it('a wrong secret is refused on both sides, and no log line holds a secret', async () => {
    const wrong = 'not the cluster secret';
    const b = node('b');
    const port = await b.links.listen(HOST, 0);
    const a = node('a', { secret: wrong });
    a.links.dial('b', HOST, port);
    await until(() => a.links.stats().connectionsRefused > 0 && b.links.stats().connectionsRefused > 0);
    a.links.send('b', envelope('n1', 'n2', 1));
    expect(a.links.connected()).toEqual([]);
    expect(b.links.connected()).toEqual([]);
    expect(a.links.stats().envelopesDropped).toBe(1);
    expect(delivered(b)).toEqual([]);
    expect(a.changes.concat(b.changes)).toEqual([]);
    expect(b.logs.some((line) => /refused connection from 127\.0\.0\.1:\d+.*does not hold the cluster secret/.test(line))).toBe(true);
    expect(a.logs.some((line) => line.includes('refused') && line.includes('refused by the peer'))).toBe(true);
    for (const line of [...a.logs, ...b.logs]) {
      expect(line).not.toContain(SECRET);
      expect(line).not.toContain(wrong);
    }
  });

  it('the dialer refuses an acceptor that cannot prove the secret, or is not the peer it dialed', async () => {
    const fake = (name: string): Promise<number> => {
      const server = createServer((socket) => {
        socket.on('error', () => undefined);
        socket.write(encodeFrame(serialize({ kind: 'hello', version: LINK_PROTOCOL_VERSION, name, nonce: randomBytes(32) })));
        socket.once('data', () => socket.write(encodeFrame(serialize({ kind: 'welcome', proof: randomBytes(32) }))));
      });
      servers.push(server);
      return new Promise((resolve) => server.listen(0, HOST, () => resolve((server.address() as { port: number }).port)));
    };
    const a = node('a');
    a.links.dial('b', HOST, await fake('b'));
    a.links.dial('c', HOST, await fake('not-c'));
    await until(() => a.logs.some((l) => l.includes('wrong proof from the acceptor')) && a.logs.some((l) => l.includes('dialed "c" but reached "not-c"')));
    expect(a.links.connected()).toEqual([]);
    expect(a.links.stats().connectionsRefused).toBeGreaterThanOrEqual(2);
  });

  it('a newer authenticated connection from the same peer replaces the older one (the peer restarted)', async () => {
    const b = node('b');
    const port = await b.links.listen(HOST, 0);
    const old = await rawAuthenticated(port, 'a');
    await until(() => b.links.connected().includes('a'));
    const oldClosed = closedOf(old);
    const a = node('a');
    a.links.dial('b', HOST, port);
    await oldClosed;
    await until(() => a.links.connected().includes('b'));
    expect(b.changes).toEqual(['a:up', 'a:down', 'a:up']);
    b.links.send('a', envelope('n2', 'n1', 1));
    await until(() => delivered(a).length === 1);
  });
});

describe('control links - reconnection', () => {
  it('the dialer reconnects to a restarted acceptor; what was sent meanwhile is dropped, not queued', async () => {
    const { a, b, port } = await pair();
    await b.links.close();
    await until(() => a.links.connected().length === 0);
    expect(a.changes).toEqual(['b:up', 'b:down']);
    for (let i = 0; i < 5; i++) a.links.send('b', envelope('n1', 'n2', i));
    expect(a.links.stats().envelopesDropped).toBe(5);

    const b2 = node('b');
    expect(await b2.links.listen(HOST, port)).toBe(port);
    await until(() => a.links.connected().includes('b'));
    a.links.send('b', envelope('n1', 'n2', 99));
    await until(() => delivered(b2).length === 1);
    expect(delivered(b2)).toEqual([envelope('n1', 'n2', 99)]);
    expect(a.links.stats().reconnects).toBeGreaterThanOrEqual(1);
    expect(a.changes).toEqual(['b:up', 'b:down', 'b:up']);
  });

  it('forget stops dialing and closes the link', async () => {
    const { a, b } = await pair();
    a.links.forget('b');
    await until(() => b.links.connected().length === 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(a.links.connected()).toEqual([]);
    expect(b.links.connected()).toEqual([]);
  });
});

describe('control links - garbage closes only its own connection', () => {
  it('random bytes before the handshake (fuzz)', async () => {
    const { a, b, port } = await pair();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 3000 }), async (bytes) => {
        await expectProtocolError(b, port, (socket) => void socket.end(Buffer.from(bytes)));
      }),
      { numRuns: 100 },
    );
    await expectLinkWorks(a, b);
  });

  it('random bytes after the handshake (fuzz)', async () => {
    const { a, b, port } = await pair();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 3000 }), async (bytes) => {
        await expectProtocolError(b, port, (socket) => void socket.end(Buffer.from(bytes)), await rawAuthenticated(port, 'mallory'));
      }),
      { numRuns: 30 },
    );
    await expectLinkWorks(a, b);
  });

  it('a huge length prefix, before and after the handshake, and at a dialer', async () => {
    const { a, b, port } = await pair();
    const huge = Buffer.from([0xff, 0xff, 0xff, 0xff]);
    await expectProtocolError(b, port, (socket) => void socket.write(huge));
    await expectProtocolError(b, port, (socket) => void socket.write(huge), await rawAuthenticated(port, 'mallory'));
    expect(b.logs.some((line) => line.includes('exceeds the limit'))).toBe(true);

    const server = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.write(huge);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
    a.links.dial('evil', HOST, (server.address() as { port: number }).port);
    await until(() => a.links.stats().protocolErrors > 0);
    await expectLinkWorks(a, b);
  });

  it('a truncated frame, then close', async () => {
    const { a, b, port } = await pair();
    const truncated = Buffer.concat([Buffer.from([0, 0, 0, 100]), randomBytes(10)]);
    await expectProtocolError(b, port, (socket) => void socket.end(truncated));
    await expectProtocolError(b, port, (socket) => void socket.end(truncated), await rawAuthenticated(port, 'mallory'));
    expect(b.logs.some((line) => line.includes('unfinished frame'))).toBe(true);
    await expectLinkWorks(a, b);
  });

  it('valid frames of the wrong type, before and after the handshake', async () => {
    const { a, b, port } = await pair();
    const wrong = [42, 'hello', null, [{ from: 'x' }], { kind: 'auth', name: 'a' }, [envelope('n1', 'n2', 1), 7]];
    for (const value of wrong) {
      await expectProtocolError(b, port, (socket) => void socket.write(encodeFrame(serialize(value))));
      await expectProtocolError(b, port, (socket) => void socket.write(encodeFrame(serialize(value))), await rawAuthenticated(port, 'mallory'));
    }
    expect(b.links.connected()).toEqual(['a']);
    expect(b.changes.filter((change) => change.startsWith('mallory'))).toEqual(Array.from({ length: wrong.length }, () => ['mallory:up', 'mallory:down']).flat());
    await expectLinkWorks(a, b);
  });

  it('payloads v8 cannot read, before and after the handshake', async () => {
    const { a, b, port } = await pair();
    const bad = [Buffer.alloc(0), Buffer.from('hello world'), Buffer.from([0xff, 0x0f, 0x6f, 0x22, 0x05]), Buffer.from([0xff, 0x0f, 0x5c, 0x01])];
    for (const payload of bad) {
      await expectProtocolError(b, port, (socket) => void socket.write(encodeFrame(payload)));
      await expectProtocolError(b, port, (socket) => void socket.write(encodeFrame(payload)), await rawAuthenticated(port, 'mallory'));
    }
    // Arrays nested a million deep: v8.deserialize overflows the stack, which must be caught too.
    const deep = Buffer.concat([Buffer.from([0xff, 0x0f]), Buffer.alloc(2_000_000, Buffer.from([0x41, 0x01]))]);
    await expectProtocolError(b, port, (socket) => void socket.write(encodeFrame(deep)), await rawAuthenticated(port, 'mallory'));
    await expectLinkWorks(a, b);
  });

  it('a connection that never completes the handshake is closed at the timeout', async () => {
    const b = node('b', { handshakeTimeoutMs: 100 });
    const port = await b.links.listen(HOST, 0);
    await expectProtocolError(b, port, () => undefined);
    expect(b.logs.some((line) => line.includes('no handshake within 100 ms'))).toBe(true);
  });
});

describe('control links - closing', () => {
  it('close resolves, is safe twice, and leaves no socket, server or timer behind', async () => {
    // A closed server's handle is released one loop turn after its 'close' event: let it go first.
    const settled = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));
    const sockets = (): string[] => process.getActiveResourcesInfo().filter((kind) => kind.startsWith('TCP'));
    const timers = (): number => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout' || kind === 'Immediate').length;
    await settled();
    const [socketsBefore, timersBefore] = [sockets(), timers()];
    const { a, b, port } = await pair();
    a.links.dial('nobody', HOST, 1); // refused connects: a dialer in backoff
    await until(() => a.links.stats().reconnects > 1);
    // An unreachable peer is logged once, not at every attempt.
    expect(a.logs.filter((line) => line.includes('"nobody"') && line.includes('ECONNREFUSED'))).toHaveLength(1);
    const pending = rawSocket(port); // an accepted connection still in its handshake
    a.links.send('b', envelope('n1', 'n2', 1)); // a flush still scheduled
    await Promise.all([a.links.close(), b.links.close(), a.links.close()]);
    pending.destroy();
    await closedOf(pending);
    await settled();
    expect(sockets()).toEqual(socketsBefore);
    expect(timers()).toBeLessThanOrEqual(timersBefore);
    await expect(a.links.listen(HOST, 0)).rejects.toThrow('closed');
  });

  it('listen rejects when the port is taken', async () => {
    const b = node('b');
    const port = await b.links.listen(HOST, 0);
    await expect(node('c').links.listen(HOST, port)).rejects.toThrow(/EADDRINUSE/);
  });
});
