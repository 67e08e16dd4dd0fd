/**
 * The server's contract types, in one place for the browser code. Type-only: the browser
 * never loads a file of ../src, these lines are erased when compiled.
 */
import type { JobRun } from '../../src/control/service.js';

export type {
  ActorState,
  ActorStatus,
  ChaosEffect,
  ClientOutput,
  ClientOutputLine,
  ControllerEvent,
  ControllerStatus,
  JobRun,
  KeyPlacement,
  PerformanceSample,
  ProcessSample,
  RingView,
  RingVnode,
} from '../../src/control/service.js';
export type { ClusterStats, InspectEntry } from '../../src/api/cluster.js';
export type { ChaosRule, ChaosSelector, LinkTally, WorkerStats } from '../../src/runtime/control-api.js';

/** One controller the dashboard talks to, as GET /dashboard/config.json lists it. */
export interface ControllerRef {
  readonly name: string;
  /** Path prefix of its API: '' when the page is served by the controller itself. */
  readonly base: string;
}

/** GET /dashboard/config.json. */
export interface DashboardConfig {
  readonly controllers: readonly ControllerRef[];
  readonly tokenRequired: boolean;
}

/** A job as the `job` event describes it (without its output). */
export type JobSummary = Omit<JobRun, 'lines'>;
