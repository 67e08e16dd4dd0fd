/**
 * Jobs started from the dashboard (POST /jobs): the job controller (`dynamo job`, runJob)
 * run inside the node controller, on a job file's text. Everything `dynamo job` would print
 * is kept per job (bounded) and published as it comes, so a browser can watch a job it did
 * not start. One job runs at a time: a second would only be refused by the controllers it
 * shares with the first, after part of it was placed.
 */
import { randomBytes } from 'node:crypto';
import { invalidArgument } from '../../api/errors.js';
import type { ControllerEvent, JobRun, JobState } from '../service.js';
import { JobFileError } from './job-error.js';
import { parseJobFile } from './job-file.js';
import type { JobPlan } from './job-plan.js';
import { runJob, type JobRunOptions } from './job-runner.js';

/** Lines kept per job: the newest, as a terminal's scrollback keeps them. */
export const JOB_LINES_KEPT = 2000;
/** Jobs kept: the newest. */
export const JOBS_KEPT = 10;
/** Largest job file accepted: the seed's are a few KiB. */
export const MAX_JOB_FILE_BYTES = 256 * 1024;

/** How a job runs: runJob, or a stand-in in tests. */
export type JobRunner = (plan: JobPlan, options: JobRunOptions) => Promise<number>;

export interface JobBoardOptions {
  /** The token the job presents to every controller it names (this controller's own). */
  readonly token?: string | undefined;
  readonly emit: (event: ControllerEvent) => void;
  readonly run?: JobRunner;
  readonly now?: () => number;
  /**
   * Whether a job may have this controller call the controller at `host` with its token. The
   * person at the dashboard may hold a different token (behind `dynamo dashboard`): a job
   * naming another host must not carry this controller's token, nor its requests, there.
   */
  readonly mayContact: (host: string) => boolean;
}

interface Entry {
  readonly id: string;
  state: JobState;
  exitCode: number | null;
  readonly startedAtMs: number;
  readonly lines: string[];
}

export class JobBoard {
  private readonly entries: Entry[] = [];
  private nextNumber = 1;
  /** Ids differ between runs of the process: a page that outlived a restart mixes no two jobs. */
  private readonly idPrefix = `${randomBytes(3).toString('hex')}-`;

  constructor(private readonly options: JobBoardOptions) {}

  /**
   * Checks the file and starts its job; resolves once it started, not once it ended. Throws
   * INVALID_ARGUMENT for a file that does not parse (naming `job.toml:line:col` or the entry
   * and field, as `dynamo job` does) and while another job started here still runs.
   */
  submit(toml: string): Omit<JobRun, 'lines'> {
    if (typeof toml !== 'string') throw invalidArgument('the job file must be text');
    if (Buffer.byteLength(toml, 'utf8') > MAX_JOB_FILE_BYTES) throw invalidArgument(`the job file is larger than ${MAX_JOB_FILE_BYTES} bytes`);
    const running = this.entries.find((entry) => entry.state === 'running');
    if (running) throw invalidArgument(`job ${running.id} still runs; wait for it to end`);
    let plan: JobPlan;
    try {
      plan = parseJobFile(toml, 'job.toml');
    } catch (error) {
      if (error instanceof JobFileError) throw invalidArgument(error.message);
      throw error;
    }
    const foreign = plan.controllers.filter((controller) => !this.options.mayContact(controller.connectHost));
    if (foreign.length > 0) {
      throw invalidArgument(
        `jobs from the dashboard may name controllers on this machine or those of the job running here, not ${foreign.map((c) => `${c.name} (${c.connectHost})`).join(', ')}: run dynamo job for those`,
      );
    }
    const entry: Entry = { id: `job-${this.idPrefix}${this.nextNumber++}`, state: 'running', exitCode: null, startedAtMs: (this.options.now ?? Date.now)(), lines: [] };
    this.entries.push(entry);
    if (this.entries.length > JOBS_KEPT) this.entries.splice(0, this.entries.length - JOBS_KEPT);
    this.announce(entry);
    const print = (line: string): void => {
      entry.lines.push(line);
      if (entry.lines.length > JOB_LINES_KEPT) entry.lines.splice(0, entry.lines.length - JOB_LINES_KEPT);
      this.options.emit({ type: 'job-output', job: entry.id, line });
    };
    const run = this.options.run ?? runJob;
    void run(plan, { print, ...(this.options.token !== undefined && { token: this.options.token }) })
      .catch((error: unknown) => {
        // runJob reports its failures as lines and an exit code; this is a bug's way out.
        print(`job failed: ${error instanceof Error ? error.message : String(error)}`);
        return 1;
      })
      .then((exitCode) => {
        entry.exitCode = exitCode;
        entry.state = exitCode === 0 ? 'done' : 'failed';
        this.announce(entry);
      });
    return summary(entry);
  }

  list(): JobRun[] {
    return this.entries.map((entry) => ({ ...summary(entry), lines: [...entry.lines] }));
  }

  private announce(entry: Entry): void {
    this.options.emit({ type: 'job', job: summary(entry) });
  }
}

function summary(entry: Entry): Omit<JobRun, 'lines'> {
  return { id: entry.id, state: entry.state, exitCode: entry.exitCode, startedAtMs: entry.startedAtMs };
}
