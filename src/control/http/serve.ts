/**
 * Serving the app over HTTP with @hono/node-server, under one policy: only an app that
 * requires a token may listen beyond the loopback interface (127.0.0.1, ::1, localhost).
 */
import { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';
import { requiresToken } from './app.js';

/** Hosts that only this machine can reach. */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '::1', 'localhost']);

export interface HttpServerOptions {
  /** An app from createApp (only those know whether they require a token). */
  readonly app: Hono;
  /** The address to listen on; beyond loopback only when the app requires a token. */
  readonly host: string;
  /** 0 picks a free port (the one taken is in the answer). */
  readonly port: number;
}

export interface HttpServer {
  /** The port listened on. */
  readonly port: number;
  /** Stops listening and ends every open connection (event streams included). */
  close(): Promise<void>;
}

/** Whether `host` names the loopback interface only. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase());
}

/**
 * Listens; resolves once the port is bound. Rejects with a one-line Error for a host beyond
 * loopback without a token, a bad port, or a port that cannot be bound (in use, no right).
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { app, host, port } = options;
  if (!isLoopbackHost(host) && !requiresToken(app)) {
    throw new Error(`refusing to listen on ${host}: an API token is required to listen beyond 127.0.0.1, ::1 and localhost`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`port must be an integer from 0 to 65535, got ${port}`);
  const server = createAdaptorServer({ fetch: app.fetch, hostname: host });
  if (!(server instanceof Server)) throw new Error('@hono/node-server did not create a node:http server');
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException): void => reject(new Error(`cannot listen on ${host}:${port}: ${error.code ?? error.message}`, { cause: error }));
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    port: address.port,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        // Event streams never end by themselves: end them, and the idle keep-alive sockets.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
