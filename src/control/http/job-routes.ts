/**
 * Jobs from the dashboard: POST /jobs with a job file's text starts it on this controller's
 * job board (the job controller run in process); GET /jobs lists the jobs started here.
 */
import type { Hono } from 'hono';
import { z } from 'zod';
import type { ControllerService } from '../service.js';
import { parseBody, readJsonBody } from './bodies.js';
import { checkQuery } from './query.js';

const jobBody = z.strictObject({ toml: z.string({ error: 'must be a string (the job file\'s text)' }).min(1, 'must not be empty') });

export function registerJobRoutes(app: Hono, service: ControllerService): void {
  app.post('/jobs', async (c) => {
    const { toml } = parseBody(jobBody, await readJsonBody(c));
    return c.json(await service.submitJob(toml), 201);
  });

  app.get('/jobs', async (c) => {
    checkQuery(c, []);
    return c.json(await service.jobs());
  });
}
