/**
 * `dynamo dashboard`'s server: the dashboard's page, and each node controller's API under
 * `/c/<index>/`, forwarded with the controller's token added here. The browser talks to this
 * one origin only (its cookie, its CSRF header); the controllers see an ordinary API client.
 * Every forwarded call is bounded in time except the event streams, which end when the
 * browser goes away (its abort reaches the controller).
 */
import { Hono, type Context } from 'hono';
import { ErrorCode } from '../../protocol/outcomes.js';
import { BrowserSessions, requireToken } from '../http/auth.js';
import { DEFAULT_MAX_BODY_BYTES, answerErrorsAsJson, limitBodies, markAuthenticated, type HttpLog } from '../http/app.js';
import { HttpErrorCode, type ApiErrorBody } from '../http/errors.js';
import { guardOrigin } from '../http/origin.js';
import { registerDashboardPageRoutes, type DashboardController } from './routes.js';
import type { DashboardAssets } from './assets.js';

/** A forwarded call the controller does not answer within this time is answered 504 here. */
export const FORWARD_TIMEOUT_MS = 30_000;

/** Request headers the controller needs; the browser's cookie and CSRF header stay here. */
const FORWARDED_REQUEST_HEADERS = ['content-type', 'accept', 'x-dynamo-context', 'last-event-id'] as const;
/** Answer headers the browser needs. */
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'x-dynamo-context', 'cache-control', 'retry-after'] as const;

export interface ProxiedController {
  /** Shown in the page. */
  readonly name: string;
  /** `http://host:port` of its API. */
  readonly url: string;
}

export interface DashboardProxyOptions {
  readonly controllers: readonly ProxiedController[];
  /** The token the controllers require (one for all, as `dynamo job` assumes). */
  readonly controllerToken?: string | undefined;
  /** The token this server requires of browsers (exchanged for a cookie at sign-in). */
  readonly token?: string | undefined;
  readonly log: HttpLog;
  readonly assets?: DashboardAssets;
}

export function createDashboardProxy(options: DashboardProxyOptions): Hono {
  const { log } = options;
  if (options.controllers.length === 0) throw new Error('the dashboard needs at least one controller');
  for (const controller of options.controllers) checkControllerUrl(controller.url);
  const app = new Hono();
  answerErrorsAsJson(app, log);
  app.use('*', async (c, next) => {
    const startedMs = performance.now();
    c.header('X-Content-Type-Options', 'nosniff');
    await next();
    log.info(`${c.req.method} ${c.req.path} ${c.res.status} ${(performance.now() - startedMs).toFixed(1)}ms`);
  });
  app.use('*', guardOrigin({ tokenRequired: options.token !== undefined }));
  app.use('*', limitBodies(DEFAULT_MAX_BODY_BYTES));
  const controllers: DashboardController[] = options.controllers.map((controller, index) => ({ name: controller.name, base: `/c/${index}` }));
  const sessions = options.token === undefined ? undefined : new BrowserSessions(options.token);
  registerDashboardPageRoutes(app, { sessions, controllers: () => Promise.resolve(controllers), ...(options.assets !== undefined && { assets: options.assets }) });
  if (options.token !== undefined) {
    app.use('*', requireToken(options.token, (message) => log.warn(message), sessions));
    markAuthenticated(app);
  }
  app.all('/c/:index/*', (c) => forward(c, options));
  return app;
}

/** Throws for an address that is not `http://host:port` (no path, no credentials). */
export function checkControllerUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`controller address ${JSON.stringify(url)} is not a URL (expected http://host:port)`);
  }
  if (parsed.protocol !== 'http:' || parsed.username !== '' || parsed.password !== '' || (parsed.pathname !== '/' && parsed.pathname !== '') || parsed.search !== '' || parsed.hash !== '') {
    throw new Error(`controller address ${JSON.stringify(url)} must be http://host:port, nothing more`);
  }
}

async function forward(c: Context, options: DashboardProxyOptions): Promise<Response> {
  const incoming = new URL(c.req.url);
  // Only the index the page was given (`0`, `1`, ...): `00` or `+0` would leave a digit that
  // the rest of the path glues onto the controller's port.
  const match = /^\/c\/(0|[1-9]\d{0,3})(\/.*)$/.exec(incoming.pathname);
  const controller = match ? options.controllers[Number(match[1])] : undefined;
  if (!match || controller === undefined) return c.json<ApiErrorBody>({ code: HttpErrorCode.NotFound, message: `no such controller path: ${incoming.pathname}` }, 404);
  const rest = match[2] as string;
  const origin = new URL(controller.url).origin;
  const target = new URL(`${rest}${incoming.search}`, origin);
  if (target.origin !== origin) return c.json<ApiErrorBody>({ code: HttpErrorCode.NotFound, message: `no such controller path: ${incoming.pathname}` }, 404);
  const headers = new Headers();
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = c.req.header(name);
    if (value !== undefined) headers.set(name, value);
  }
  if (options.controllerToken !== undefined) headers.set('authorization', `Bearer ${options.controllerToken}`);
  const streaming = rest === '/events';
  // The browser leaving ends the call; so does the time bound, except for event streams.
  const signal = streaming ? c.req.raw.signal : AbortSignal.any([c.req.raw.signal, AbortSignal.timeout(FORWARD_TIMEOUT_MS)]);
  const method = c.req.method;
  const body = method === 'GET' || method === 'HEAD' ? undefined : await c.req.arrayBuffer();
  let answer: Response;
  try {
    answer = await fetch(target, { method, headers, signal, redirect: 'manual', ...(body !== undefined && { body }) });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    const why = timedOut ? `no answer within ${FORWARD_TIMEOUT_MS} ms` : 'cannot be reached';
    return c.json<ApiErrorBody>({ code: timedOut ? ErrorCode.Timeout : HttpErrorCode.Unavailable, message: `controller ${controller.name} (${controller.url}) ${why}` }, timedOut ? 504 : 503);
  }
  const out = new Headers();
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = answer.headers.get(name);
    if (value !== null) out.set(name, value);
  }
  if (answer.status === 401) {
    // The controller refused this server's token; passed on, the page would ask the person
    // for the dashboard's own token instead.
    await answer.body?.cancel();
    return c.json<ApiErrorBody>({ code: HttpErrorCode.Unavailable, message: `controller ${controller.name} (${controller.url}) refused the controller token: check --controller-token-file` }, 502);
  }
  // A controller answers data, never a page: nothing it sends may run as this origin's script.
  out.set('X-Content-Type-Options', 'nosniff');
  out.set('Content-Security-Policy', "sandbox; default-src 'none'");
  return new Response(answer.body, { status: answer.status, headers: out });
}
