/**
 * `dynamo job FILE.toml`: the job controller (the seed's `make job`). Reads and checks the job
 * file (nothing is deployed when it is wrong: one line naming the line and column, or the
 * entry and field), then runs it (src/control/job/job-runner.ts). Exit codes: 0 when every
 * client succeeded, 1 when one failed or the job could not be deployed, 2 for a mistake in
 * the command line or the job file.
 */
import { readFileSync } from 'node:fs';
import yargs from 'yargs';
import { parseCommandLine, withHouseRules } from '../../util/command-line.js';
import { readPackageManifest } from '../../util/packages.js';
import { JobFileError } from '../job/job-error.js';
import { parseJobFile } from '../job/job-file.js';
import { runJob } from '../job/job-runner.js';
import { UsageError } from './node-command.js';
import { readSecretFile } from './secret-file.js';

export async function runJobCommand(argv: readonly string[]): Promise<number> {
  const mistake = (message: string, cause?: unknown): Error => new UsageError(message, { cause });
  const parser = withHouseRules(
    yargs()
      .scriptName('dynamo job')
      .usage('dynamo job FILE.toml\n\nDeploys a job in the seed\'s TOML format ([[ops]], [[nodes]], [placement]) to the node controllers it names, runs its clients and its chaos, and prints what the clients print.')
      .command('$0 <file>', false)
      .positional('file', { describe: 'the job file', type: 'string' })
      .option('token-file', { describe: 'file holding the controllers\' API token', type: 'string', requiresArg: true })
      .option('timeout-s', { describe: 'give up on clients still running after this many seconds', type: 'string', requiresArg: true }),
    readPackageManifest(import.meta.url)?.version ?? 'unknown',
    mistake,
  );
  let file: string;
  let token: string | undefined;
  let timeoutMs: number | undefined;
  try {
    const command = parseCommandLine(parser, argv, mistake, (error) => error instanceof UsageError);
    if (command.kind !== 'parsed') {
      process.stdout.write(`${command.text}\n`);
      return 0;
    }
    file = String(command.raw['file']);
    if (command.raw['token-file'] !== undefined) token = readSecretFile('--token-file', String(command.raw['token-file']));
    if (command.raw['timeout-s'] !== undefined) {
      const text = String(command.raw['timeout-s']);
      if (!/^[1-9]\d{0,6}$/.test(text)) throw new UsageError(`--timeout-s must be a positive whole number of seconds, got ${JSON.stringify(text)}`);
      timeoutMs = Number(text) * 1000;
    }
  } catch (error) {
    process.stderr.write(`dynamo job: ${(error as Error).message}\n`);
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    process.stderr.write(`dynamo job: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}\n`);
    return 2;
  }
  let plan;
  try {
    plan = parseJobFile(text, file);
  } catch (error) {
    if (!(error instanceof JobFileError)) throw error;
    process.stderr.write(`dynamo job: ${error.message}\n`);
    return 2;
  }
  return runJob(plan, { print: (line) => void process.stdout.write(`${line}\n`), ...(token !== undefined && { token }), ...(timeoutMs !== undefined && { timeoutMs }) });
}
