/**
 * The jobs started on the selected controller, newest first, each with its state and the
 * output `dynamo job` would print, as it comes (`job` and `job-output` events).
 */
import type { JobRun, JobSummary } from './contracts.js';
import { h, setAttr, setText } from './dom.js';
import { formatTime } from './format.js';
import { OutputLog } from './output-log.js';

interface JobCard {
  readonly element: HTMLElement;
  readonly status: HTMLElement;
  readonly log: OutputLog;
}

export class JobList {
  private readonly cards = new Map<string, JobCard>();

  constructor(
    private readonly container: HTMLElement,
    private readonly empty: HTMLElement,
  ) {}

  clear(): void {
    this.cards.clear();
    this.container.replaceChildren();
    this.empty.hidden = false;
  }

  /** Everything GET /jobs answered: each job's state and output are replaced. */
  load(jobs: readonly JobRun[]): void {
    for (const job of jobs) {
      this.upsert(job);
      this.cardOf(job.id).log.replace(job.lines);
    }
  }

  upsert(job: JobSummary): void {
    const card = this.cardOf(job.id);
    setAttr(card.element, 'data-state', job.state);
    const ended = job.exitCode === null ? '' : `, exit code ${job.exitCode}`;
    setText(card.status, `${job.state}${ended} · started ${formatTime(job.startedAtMs)}`);
  }

  appendOutput(jobId: string, line: string): void {
    this.cardOf(jobId).log.append([line]);
  }

  /** The job's card, made (with its state unknown) when an event names a job not seen yet. */
  private cardOf(id: string): JobCard {
    const known = this.cards.get(id);
    if (known !== undefined) return known;
    const status = h('span', { class: 'job-status', 'data-testid': 'job-status' }, 'running');
    const log = new OutputLog({ 'data-testid': 'job-output', 'data-job': id });
    const element = h('article', { class: 'card job', 'data-testid': 'job-item', 'data-job': id, 'data-state': 'running' }, h('header', { class: 'card-head' }, h('h4', {}, id), status), log.element);
    this.cards.set(id, { element, status, log });
    this.container.prepend(element);
    this.empty.hidden = true;
    return { element, status, log };
  }
}
