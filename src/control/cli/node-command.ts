/**
 * `dynamo node`: the node controller (the seed's `make node`). It serves the HTTP API on
 * 127.0.0.1:3000 by default, listens for the other controllers of a job on the peer port, and
 * hosts whatever actors jobs place on it until SIGINT or SIGTERM. Binding any address other
 * than loopback needs --token-file. Exit codes: 0 after a signal, 2 for a mistake in the
 * command line or a port it cannot bind.
 */
import yargs from 'yargs';
import { argumentsOrExitCode, logToStderr, parseCommandLine, stopSignal, withHouseRules } from '../../util/command-line.js';
import { readPackageManifest } from '../../util/packages.js';
import { createApp, isLoopbackHost, startHttpServer } from '../http/index.js';
import { PeerLinks } from '../links/peer-links.js';
import { NodeController } from '../node-controller.js';
import { readSecretFile } from './secret-file.js';

export const DEFAULT_PORT = 3000;
/** The peer port sits this far above the HTTP port unless --peer-port says otherwise. */
export const PEER_PORT_OFFSET = 1000;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface NodeArgs {
  readonly host: string;
  readonly port: number;
  readonly peerPort: number;
  readonly token: string | undefined;
  readonly clusterSecret: string | undefined;
  readonly verbose: boolean;
}

export function parseNodeArgs(argv: readonly string[]): { kind: 'help' | 'version'; text: string } | { kind: 'run'; args: NodeArgs } {
  const mistake = (message: string, cause?: unknown): Error => new UsageError(message, { cause });
  const parser = withHouseRules(
    yargs()
      .scriptName('dynamo node')
      .usage('dynamo node [--port 3000] [--host 127.0.0.1]\n\nRuns a node controller: it hosts the Dynamo nodes and clients that `dynamo job` places on it, and serves the seed\'s control API, the KV API, /metrics and /events.')
      .option('port', { describe: 'HTTP port (0: a free port the system picks, printed)', type: 'string', default: String(DEFAULT_PORT), requiresArg: true })
      .option('host', { describe: 'address to bind; anything but loopback needs --token-file', type: 'string', default: '127.0.0.1', requiresArg: true })
      .option('peer-port', { describe: `TCP port other controllers connect to (default: HTTP port + ${PEER_PORT_OFFSET}; 0: a free port the system picks)`, type: 'string', requiresArg: true })
      .option('token-file', { describe: 'file holding the API token every request must carry (Authorization: Bearer)', type: 'string', requiresArg: true })
      .option('verbose', { describe: 'log every HTTP request', type: 'boolean', default: false })
      .option('cluster-secret-file', { describe: 'file holding the secret controllers prove to each other (default: the one each job brings)', type: 'string', requiresArg: true }),
    readPackageManifest(import.meta.url)?.version ?? 'unknown',
    mistake,
  );
  const command = parseCommandLine(parser, argv, mistake, (error) => error instanceof UsageError);
  if (command.kind !== 'parsed') return command;
  const raw = command.raw;
  if ((raw['_'] as unknown[]).length > 0) throw new UsageError(`unexpected argument ${String((raw['_'] as unknown[])[0])}`);
  const port = portOf(raw['port'], '--port');
  const peerPort = raw['peer-port'] === undefined ? (port === 0 ? 0 : port + PEER_PORT_OFFSET) : portOf(raw['peer-port'], '--peer-port');
  if (peerPort > 65535) throw new UsageError(`--port ${port} puts the peer port above 65535: give --peer-port`);
  const host = String(raw['host']);
  const secretOf = (option: string): string | undefined => {
    const path = raw[option.slice(2)];
    if (path === undefined) return undefined;
    try {
      return readSecretFile(option, String(path));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  };
  const token = secretOf('--token-file');
  if (!isLoopbackHost(host) && token === undefined) throw new UsageError(`--host ${host} is not loopback: give --token-file, so that no request without the token is served`);
  const clusterSecret = secretOf('--cluster-secret-file');
  if (clusterSecret !== undefined && clusterSecret.length < 16) throw new UsageError('--cluster-secret-file: the secret must have at least 16 characters');
  return { kind: 'run', args: { host, port, peerPort, token, clusterSecret, verbose: raw['verbose'] === true } };
}

function portOf(raw: unknown, option: string): number {
  const text = String(raw);
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new UsageError(`${option} must be a port number (0-65535), got ${JSON.stringify(text)}`);
  return Number(text);
}

/** Runs the controller until a signal; resolves the exit code. */
export async function runNodeCommand(argv: readonly string[]): Promise<number> {
  const parsed = argumentsOrExitCode('dynamo node', () => parseNodeArgs(argv));
  if (typeof parsed === 'number') return parsed;
  const { args } = parsed;
  const log = logToStderr;
  const links = new PeerLinks({ log });
  let peerPort: number;
  try {
    peerPort = await links.listen(args.host, args.peerPort);
  } catch (error) {
    process.stderr.write(`dynamo node: cannot listen for peers on ${args.host}:${args.peerPort}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
    await links.close();
    return 2;
  }
  const controller = new NodeController({
    links,
    peerPort,
    log,
    ...(args.clusterSecret !== undefined && { clusterSecret: args.clusterSecret }),
    ...(args.token !== undefined && { apiToken: args.token }),
  });
  // `dynamo job` polls client output ten times a second: every request is logged only on demand.
  const app = createApp(controller, { log: { info: args.verbose ? log : () => undefined, warn: log, error: log }, ...(args.token !== undefined && { token: args.token }) });
  let server;
  try {
    server = await startHttpServer({ app, host: args.host, port: args.port });
  } catch (error) {
    process.stderr.write(`dynamo node: cannot serve HTTP on ${args.host}:${args.port}: ${(error as Error).message}\n`);
    await links.close();
    return 2;
  }
  const url = `http://${args.host.includes(':') ? `[${args.host}]` : args.host}:${server.port}`;
  process.stdout.write(`dynamo node controller on ${url} (peers on port ${peerPort})${args.token ? ', token required' : ''}\n`);
  const signal = await stopSignal();
  log(`${signal}: stopping every actor`);
  await controller.close();
  await server.close();
  await links.close();
  return 0;
}
