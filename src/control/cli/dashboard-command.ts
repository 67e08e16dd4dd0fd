/**
 * `dynamo dashboard`: the dashboard on a port of its own, in front of one or more node
 * controllers (each `dynamo node` also serves it at `/`, showing itself). It shows every
 * controller given in its topology view and forwards the page's API calls to them
 * (src/control/dashboard/proxy.ts). Binding anything but loopback needs --token-file.
 * Exit codes: 0 after a signal, 2 for a mistake in the command line or a port it cannot bind.
 */
import yargs from 'yargs';
import { argumentsOrExitCode, logToStderr, parseCommandLine, stopSignal, withHouseRules } from '../../util/command-line.js';
import { readPackageManifest } from '../../util/packages.js';
import { checkControllerUrl, createDashboardProxy, type ProxiedController } from '../dashboard/proxy.js';
import { isLoopbackHost, startHttpServer } from '../http/index.js';
import { UsageError } from './node-command.js';
import { readSecretFile } from './secret-file.js';

export const DEFAULT_DASHBOARD_PORT = 3001;
const DEFAULT_CONTROLLER = 'http://127.0.0.1:3000';

interface DashboardArgs {
  readonly host: string;
  readonly port: number;
  readonly controllers: ProxiedController[];
  readonly token: string | undefined;
  readonly controllerToken: string | undefined;
  readonly verbose: boolean;
}

export function parseDashboardArgs(argv: readonly string[]): { kind: 'help' | 'version'; text: string } | { kind: 'run'; args: DashboardArgs } {
  const mistake = (message: string, cause?: unknown): Error => new UsageError(message, { cause });
  const parser = withHouseRules(
    yargs()
      .scriptName('dynamo dashboard')
      .usage(
        'dynamo dashboard [--port 3001] [--controller http://127.0.0.1:3000 ...]\n\n' +
          'Serves the dashboard (topology, ring, node health, message flow, performance, chaos, key inspector, jobs) for the node controllers given, and forwards what the page asks of them. Open http://127.0.0.1:3001/ in a browser.',
      )
      .option('port', { describe: 'HTTP port (0: a free port the system picks, printed)', type: 'string', default: String(DEFAULT_DASHBOARD_PORT), requiresArg: true })
      .option('host', { describe: 'address to bind; anything but loopback needs --token-file', type: 'string', default: '127.0.0.1', requiresArg: true })
      .option('controller', { describe: `a node controller's address, http://host:port (repeat the option, or separate addresses by commas, for several; default ${DEFAULT_CONTROLLER})`, type: 'string', array: true, requiresArg: true })
      .option('controller-token-file', { describe: 'file holding the API token the controllers require', type: 'string', requiresArg: true })
      .option('token-file', { describe: 'file holding the token a browser must sign in with', type: 'string', requiresArg: true })
      .option('verbose', { describe: 'log every HTTP request', type: 'boolean', default: false }),
    readPackageManifest(import.meta.url)?.version ?? 'unknown',
    mistake,
  );
  const command = parseCommandLine(parser, argv, mistake, (error) => error instanceof UsageError);
  if (command.kind !== 'parsed') return command;
  const raw = command.raw;
  if ((raw['_'] as unknown[]).length > 0) throw new UsageError(`unexpected argument ${String((raw['_'] as unknown[])[0])}`);
  const portText = String(raw['port']);
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new UsageError(`--port must be a port number (0-65535), got ${JSON.stringify(portText)}`);
  // The house rules keep only the last of a repeated option: the addresses are read here.
  const given = repeatedOption(argv, '--controller');
  const urls = given.length === 0 ? [DEFAULT_CONTROLLER] : given;
  const controllers = urls.map((url) => {
    try {
      checkControllerUrl(url);
    } catch (error) {
      throw new UsageError(`--controller: ${(error as Error).message}`);
    }
    return { name: new URL(url).host, url };
  });
  const duplicate = controllers.find((c, i) => controllers.findIndex((d) => d.name === c.name) !== i);
  if (duplicate) throw new UsageError(`--controller ${duplicate.url} is given twice`);
  const secretOf = (option: string): string | undefined => {
    const path = raw[option.slice(2)];
    if (path === undefined) return undefined;
    try {
      return readSecretFile(option, String(path));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  };
  const host = String(raw['host']);
  const token = secretOf('--token-file');
  if (!isLoopbackHost(host) && token === undefined) throw new UsageError(`--host ${host} is not loopback: give --token-file, so that no browser without the token is served`);
  return { kind: 'run', args: { host, port: Number(portText), controllers, token, controllerToken: secretOf('--controller-token-file'), verbose: raw['verbose'] === true } };
}

/**
 * Every value of `option` in `argv` (`--opt a --opt b`, `--opt=a`, `--opt a b`, `--opt a,b`),
 * in order. yargs has already refused the option without a value.
 */
export function repeatedOption(argv: readonly string[], option: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') break;
    if (arg.startsWith(`${option}=`)) values.push(arg.slice(option.length + 1));
    else if (arg === option) {
      while (i + 1 < argv.length && !(argv[i + 1] as string).startsWith('-')) values.push(argv[++i] as string);
    }
  }
  return values.flatMap((value) => value.split(',')).map((value) => value.trim()).filter((value) => value !== '');
}

/** Serves until a signal; resolves the exit code. */
export async function runDashboardCommand(argv: readonly string[]): Promise<number> {
  const parsed = argumentsOrExitCode('dynamo dashboard', () => parseDashboardArgs(argv));
  if (typeof parsed === 'number') return parsed;
  const { args } = parsed;
  const log = logToStderr;
  const app = createDashboardProxy({ controllers: args.controllers, token: args.token, controllerToken: args.controllerToken, log: { info: args.verbose ? log : () => undefined, warn: log, error: log } });
  let server;
  try {
    server = await startHttpServer({ app, host: args.host, port: args.port });
  } catch (error) {
    process.stderr.write(`dynamo dashboard: cannot serve HTTP on ${args.host}:${args.port}: ${(error as Error).message}\n`);
    return 2;
  }
  const url = `http://${args.host.includes(':') ? `[${args.host}]` : args.host}:${server.port}/`;
  process.stdout.write(`dynamo dashboard on ${url} for ${args.controllers.map((c) => c.url).join(', ')}${args.token ? ', sign-in required' : ''}\n`);
  const signal = await stopSignal();
  log(`${signal}: stopping`);
  await server.close();
  return 0;
}
