/**
 * The node controller's HTTP API, as one Hono app over a ControllerService: the seed's
 * control paths, the dashboard's data (key placement, performance, partitions, chaos rules),
 * the KV API, /metrics and /events. The app only translates; it holds no
 * state but its metrics and its open event streams. Serve it with startHttpServer
 * (serve.ts), or call it in process with `app.request(...)`.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { routePath } from 'hono/route';
import { ErrorCode } from '../../protocol/outcomes.js';
import type { ControllerService } from '../service.js';
import { BrowserSessions, requireToken } from './auth.js';
import { registerControlRoutes } from './control-routes.js';
import { registerDashboardDataRoutes } from './dashboard-routes.js';
import { HttpErrorCode, errorResponse } from './errors.js';
import type { ApiErrorBody } from './errors.js';
import { registerEventRoutes } from './events.js';
import type { EventsOptions } from './events.js';
import { registerJobRoutes } from './job-routes.js';
import { registerKvRoutes } from './kv-routes.js';
import { guardOrigin } from './origin.js';
import { createMetrics } from './metrics.js';
import { registerDashboardPageRoutes, type DashboardController, type DashboardRouteOptions } from '../dashboard/routes.js';

/** Where the app reports. `console` fits. Nothing logged holds a token or a request body. */
export interface HttpLog {
  /** One line per request answered: method, path, status, duration. */
  info(message: string): void;
  /** Refused requests (authentication), stats that could not be read. */
  warn(message: string): void;
  /** Failures that are bugs: what a 500 INTERNAL answer does not tell the caller. */
  error(message: string): void;
}

export interface AppOptions {
  /** When set, every request must present it (see auth.ts). */
  readonly token?: string | undefined;
  readonly log: HttpLog;
  /** Largest request body accepted (default 2 MiB: the engine's 1 MiB value limit plus slack). */
  readonly maxBodyBytes?: number;
  readonly events?: EventsOptions;
  /** The dashboard's page, files and sign-in, served at / (default: on, showing this controller). */
  readonly dashboard?: false | Omit<DashboardRouteOptions, 'sessions'>;
}

/** The engine's default value limit (1 MiB) with 1 MiB of slack for JSON and encodings. */
export const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;

/** Apps that require a token: serve.ts lets only those listen beyond loopback. */
const AUTHENTICATED = new WeakSet<object>();

/** Every failure a JSON `{ code, message }` answer, an unknown path a 404 naming it. */
export function answerErrorsAsJson(app: Hono, log: HttpLog): void {
  app.onError((error, c) => errorResponse(c, error, (message) => log.error(message)));
  app.notFound((c) => c.json<ApiErrorBody>({ code: HttpErrorCode.NotFound, message: `no such path: ${c.req.method} ${c.req.path}` }, 404));
}

/** Bounds every request body: 413 VALUE_TOO_LARGE beyond `maxBytes`, before a handler reads it. */
export function limitBodies(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) => c.json<ApiErrorBody>({ code: ErrorCode.ValueTooLarge, message: `request body larger than ${maxBytes} bytes` }, 413),
  });
}

/** Records that `app` refuses every request without the token (for an app not made by createApp). */
export function markAuthenticated(app: object): void {
  AUTHENTICATED.add(app);
}

/** Whether `app` was made by createApp with a token. */
export function requiresToken(app: object): boolean {
  return AUTHENTICATED.has(app);
}

/**
 * Builds the app. Throws for a bad option (an empty or malformed token, a body limit that
 * is not a positive integer); requests never make it throw: every failure is a JSON answer.
 */
export function createApp(service: ControllerService, options: AppOptions): Hono {
  const { log } = options;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1) throw new Error(`maxBodyBytes must be a positive integer, got ${maxBodyBytes}`);
  const app = new Hono();
  const metrics = createMetrics(service, (message) => log.warn(message));

  answerErrorsAsJson(app, log);

  app.use('*', async (c, next) => {
    const startedMs = performance.now();
    // Bodies are data, never markup to sniff (a KV value is whatever a client stored).
    c.header('X-Content-Type-Options', 'nosniff');
    await next();
    const route = routePath(c, -1);
    metrics.countRequest(c.req.method, route === '*' || route === '/*' ? 'none' : route, c.res.status);
    log.info(`${c.req.method} ${c.req.path} ${c.res.status} ${(performance.now() - startedMs).toFixed(1)}ms`);
  });
  app.use('*', guardOrigin({ tokenRequired: options.token !== undefined }));
  // Before the public routes: an unauthenticated body is bounded too.
  app.use('*', limitBodies(maxBodyBytes));
  const sessions = options.token === undefined ? undefined : new BrowserSessions(options.token);
  // Before authentication: the page must load, and sign in, without the token.
  if (options.dashboard !== false) {
    const controllers = async (): Promise<DashboardController[]> => [{ name: (await service.status()).controller ?? 'this controller', base: '' }];
    registerDashboardPageRoutes(app, { controllers, ...options.dashboard, sessions });
  }
  if (options.token !== undefined) {
    app.use('*', requireToken(options.token, (message) => log.warn(message), sessions));
    AUTHENTICATED.add(app);
  }

  registerControlRoutes(app, service);
  registerDashboardDataRoutes(app, service);
  registerKvRoutes(app, service);
  registerJobRoutes(app, service);
  app.get('/metrics', async (c) => {
    const { text, contentType } = await metrics.scrape();
    return c.body(text, 200, { 'Content-Type': contentType });
  });
  registerEventRoutes(app, service, options.events ?? {}, (message) => log.warn(message));
  return app;
}
