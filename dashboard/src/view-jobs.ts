/**
 * Jobs: deploy a TOML job file (pasted, or read from a file) with POST /jobs, follow the
 * jobs started on the selected controller, and what each client actor prints.
 */
import { runAction } from './action-button.js';
import { ClientOutputs } from './client-outputs.js';
import type { JobRun, JobSummary } from './contracts.js';
import { byId } from './dom.js';
import { JobList } from './job-list.js';
import type { ViewContext } from './view-context.js';

export class JobsTab {
  private readonly jobs = new JobList(byId('job-list', HTMLDivElement), byId('job-list-empty', HTMLParagraphElement));
  private readonly clients: ClientOutputs;
  private readonly toml = byId('job-toml', HTMLTextAreaElement);

  constructor(private readonly context: ViewContext) {
    const { data, report } = context;
    this.clients = new ClientOutputs(byId('client-outputs', HTMLDivElement), byId('client-outputs-empty', HTMLParagraphElement), () => data.api, report);
    const deploy = byId('job-deploy', HTMLButtonElement);
    byId('job-form', HTMLFormElement).addEventListener('submit', (event) => {
      event.preventDefault();
      void runAction(deploy, 'Deploying the job', () => this.deploy(), report);
    });
    const file = byId('job-file', HTMLInputElement);
    file.addEventListener('change', () => {
      const chosen = file.files?.[0];
      if (chosen === undefined) return;
      chosen.text().then(
        (text) => (this.toml.value = text),
        (error: unknown) => report(`Reading ${chosen.name}`, error),
      );
    });
    data.events.on('reset', () => {
      this.jobs.clear();
      this.clients.clear();
      void this.readJobs();
    });
    data.events.on('job', (job) => this.jobs.upsert(job));
    data.events.on('job-output', ({ job, line }) => this.jobs.appendOutput(job, line));
    data.events.on('client-output', ({ client, line }) => this.clients.add(client, line));
    data.events.on('status', (status) => this.clients.setClients(status.actor_states.filter((actor) => actor.operator !== 'dynamo_node')));
    data.events.on('dropped', () => {
      void this.readJobs();
      this.clients.catchUp();
    });
  }

  private async deploy(): Promise<void> {
    const toml = this.toml.value;
    if (toml.trim() === '') throw new Error('paste a job file, or pick one, first');
    const job = await this.context.data.api.post<JobSummary>('/jobs', { toml });
    if (job !== undefined) this.jobs.upsert(job);
  }

  private async readJobs(): Promise<void> {
    const { data, report } = this.context;
    const controller = data.controller;
    try {
      const jobs = await data.api.get<JobRun[]>('/jobs');
      if (data.controller === controller) this.jobs.load(jobs);
    } catch (error) {
      report(`Reading the jobs of ${controller?.name}`, error);
    }
  }
}
