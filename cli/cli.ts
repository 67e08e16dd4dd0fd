/**
 * `dynamo node | job | kv | dashboard`: the control plane's commands, after the seed's three-terminal
 * flow (`make node`, `make job`, and a client). Each command parses its own arguments and
 * resolves its exit code; this file only picks the command.
 */
import { runDashboardCommand } from '../src/control/cli/dashboard-command.js';
import { runJobCommand } from '../src/control/cli/job-command.js';
import { runKvCommand } from '../src/control/cli/kv-command.js';
import { runNodeCommand } from '../src/control/cli/node-command.js';
import { exitQuietlyWhenStdoutCloses } from '../src/util/command-line.js';
import { readPackageManifest } from '../src/util/packages.js';

const COMMANDS: Record<string, (argv: readonly string[]) => Promise<number>> = {
  node: runNodeCommand,
  job: runJobCommand,
  kv: (argv) => runKvCommand(argv),
  dashboard: runDashboardCommand,
};

const HELP = `dynamo <command> [options]

Commands:
  dynamo node [--port 3000]          run a node controller (hosts nodes and clients; HTTP API)
  dynamo job FILE.toml               deploy a job in the seed's TOML format and run its clients
  dynamo kv get|put|delete KEY ...   read and write keys through a controller's KV API
  dynamo dashboard [--port 3001]     the dashboard in a browser, for one or more controllers
                                     (each \`dynamo node\` also serves it at /)

Run \`dynamo <command> --help\` for a command's options.`;

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(`${HELP}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    process.stdout.write(`${readPackageManifest(import.meta.url)?.version ?? 'unknown'}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`dynamo: unknown command ${JSON.stringify(name)}; commands are node, job, kv, dashboard (dynamo --help)\n`);
    return 2;
  }
  return command(rest);
}

exitQuietlyWhenStdoutCloses();
process.exitCode = await main(process.argv.slice(2));
