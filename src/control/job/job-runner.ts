/**
 * `dynamo job FILE.toml`: the job controller. It deploys the job (job-deploy.ts), runs its
 * chaos timetable (job-chaos-runner.ts), prints what every client prints as it comes, and
 * resolves the exit code once every client has ended: 0 when all succeeded, 1 otherwise.
 * The Dynamo nodes it started keep running (and serve the KV API) until /stop_all_actors.
 * A controller that stops answering fails its clients after a bound, so the job always ends.
 */
import { chaosSchedule } from './chaos-schedule.js';
import { ChaosRunner } from './job-chaos-runner.js';
import { ControllerClient } from './controller-client.js';
import { deployJob, newJobId } from './job-deploy.js';
import type { JobPlan } from './job-plan.js';

/** How often client output is fetched. */
const POLL_MS = 100;
/** How long a controller may fail to answer before its clients count as failed. */
const SILENT_CONTROLLER_MS = 15_000;

export interface JobRunOptions {
  readonly token?: string;
  readonly print: (line: string) => void;
  /** Give up on the clients after this long (default: wait for them). */
  readonly timeoutMs?: number;
}

interface Follower {
  readonly actor: string;
  readonly controller: string;
  nextSeq: number;
  lastAnswerMs: number;
  ended: 'done' | 'failed' | undefined;
}

export async function runJob(plan: JobPlan, options: JobRunOptions): Promise<number> {
  const { print } = options;
  const controllers = new Map(plan.controllers.map((c) => [c.name, new ControllerClient(c.name, `http://${formatHost(c.connectHost)}:${c.port}`, options.token)]));
  let deployed;
  const jobId = newJobId();
  const placed = new Set<string>();
  try {
    deployed = await deployJob(plan, jobId, controllers, placed, print);
  } catch (error) {
    print(`job not deployed: ${error instanceof Error ? error.message : String(error)}`);
    await undoPlacement(jobId, placed, controllers, print);
    return 1;
  }
  print(`cluster ${deployed.clusterId}: ${plan.dynamoNodes.length} nodes (N=${plan.ring.n} W=${plan.ring.w} R=${plan.ring.r} T=${plan.ring.vnodes}) on ${plan.controllers.length} controller(s)`);
  const chaos = new ChaosRunner(controllers, deployed.spawns, print);
  chaos.start(chaosSchedule(plan));
  const startedAt = performance.now();
  const followers: Follower[] = plan.clients.map((c) => ({ actor: c.actorName, controller: c.controller, nextSeq: 0, lastAnswerMs: startedAt, ended: undefined }));
  while (followers.some((f) => f.ended === undefined)) {
    await Promise.all(followers.filter((f) => f.ended === undefined).map((f) => follow(f, controllers, print)));
    if (options.timeoutMs !== undefined && performance.now() - startedAt > options.timeoutMs) {
      for (const f of followers.filter((x) => x.ended === undefined)) {
        f.ended = 'failed';
        print(`[${f.actor}] still running after ${options.timeoutMs} ms: given up on`);
      }
    }
    if (followers.some((f) => f.ended === undefined)) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  chaos.stop();
  if (chaos.notReached > 0) print(`${chaos.notReached} chaos action(s) were not reached before the clients ended`);
  const failed = followers.filter((f) => f.ended === 'failed').map((f) => f.actor);
  print(failed.length === 0 ? `job done: ${followers.length} client(s) succeeded; the nodes keep running (POST /stop_all_actors to stop them)` : `job failed: ${failed.join(', ')} failed`);
  return failed.length === 0 && chaos.failures === 0 ? 0 : 1;
}

async function follow(follower: Follower, controllers: ReadonlyMap<string, ControllerClient>, print: (line: string) => void): Promise<void> {
  const controller = controllers.get(follower.controller);
  try {
    if (!controller) throw new Error(`no controller ${follower.controller}`);
    const output = await controller.clientOutput(follower.actor, follower.nextSeq);
    follower.lastAnswerMs = performance.now();
    for (const line of output.lines) {
      if (line.seq > follower.nextSeq) print(`[${follower.actor}] (${line.seq - follower.nextSeq} line(s) dropped by the controller)`);
      print(`[${follower.actor}] ${line.text}`);
      follower.nextSeq = line.seq + 1;
    }
    if (output.state === 'done' || output.state === 'failed' || output.state === 'stopped') {
      follower.ended = output.state === 'done' ? 'done' : 'failed';
      print(`[${follower.actor}] ${output.state}${output.error === undefined ? '' : `: ${output.error}`}`);
    }
  } catch (error) {
    if (performance.now() - follower.lastAnswerMs > SILENT_CONTROLLER_MS) {
      follower.ended = 'failed';
      print(`[${follower.actor}] failed: its controller stopped answering (${error instanceof Error ? error.message : String(error)})`);
    }
  }
}

/**
 * A deployment cut short leaves nothing behind on the controllers it reached, and touches no
 * other: a controller is stopped only if it runs this very job (another job may have won it).
 */
async function undoPlacement(jobId: string, placed: ReadonlySet<string>, controllers: ReadonlyMap<string, ControllerClient>, print: (line: string) => void): Promise<void> {
  await Promise.all(
    [...placed].map(async (name) => {
      const controller = controllers.get(name);
      const status = await controller?.status().catch(() => null);
      if (controller && status?.cluster === jobId) {
        await controller.stopAllActors().catch(() => undefined);
        print(`stopped what was placed on ${name}`);
      }
    }),
  );
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
