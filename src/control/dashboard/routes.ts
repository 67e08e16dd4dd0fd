/**
 * The dashboard's public paths, served before authentication: the page and its scripts (they
 * hold no data), the page's configuration, and the sign-in that exchanges the API token for
 * a cookie once. EventSource cannot send an Authorization header, so a browser authenticates
 * by a session cookie (auth.ts, BrowserSessions: made from the token, not the token):
 * HttpOnly (no script reads it), SameSite=Strict (no other site's request carries it). Cookie-authenticated POSTs must also carry X-Dynamo-CSRF
 * (auth.ts), and cross-site POSTs are refused by their Origin (origin.ts).
 */
import type { Context, Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { bodyLimit } from 'hono/body-limit';
import { BrowserSessions } from '../http/auth.js';
import { parseBody, readJsonBody } from '../http/bodies.js';
import { ErrorCode } from '../../protocol/outcomes.js';
import { HttpErrorCode, badRequest, type ApiErrorBody } from '../http/errors.js';
import { AssetMissing, DashboardAssets } from './assets.js';

/** One controller the page shows: API paths go to `${base}${path}`. */
export interface DashboardController {
  readonly name: string;
  readonly base: string;
}

/** GET /dashboard/config.json. */
export interface DashboardConfig {
  readonly controllers: DashboardController[];
  readonly tokenRequired: boolean;
}

export interface DashboardRouteOptions {
  /** Sign-in, when requests need the API token; undefined when they need none. */
  readonly sessions: BrowserSessions | undefined;
  readonly controllers: () => Promise<DashboardController[]>;
  readonly assets?: DashboardAssets;
}

/**
 * Scripts only from this server (Vega compiles expressions with `Function`, hence
 * 'unsafe-eval'; vega-embed adds style elements), and no connection anywhere else: the page
 * cannot send anything off the machine even if a script tried.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** A sign-in body holds a token: a few hundred bytes at most. */
const MAX_SESSION_BODY_BYTES = 4096;

const sessionBody = z.strictObject({ token: z.string({ error: 'must be a string (the API token)' }).min(1, 'must not be empty') });

export function registerDashboardPageRoutes(app: Hono, options: DashboardRouteOptions): void {
  const assets = options.assets ?? new DashboardAssets();

  const page = (c: Context): Response => {
    const asset = assets.app('index.html');
    if (!asset) return c.json<ApiErrorBody>({ code: HttpErrorCode.NotFound, message: 'the dashboard is not built: run npm run build' }, 404);
    return c.body(new Uint8Array(asset.body), 200, {
      'Content-Type': asset.contentType,
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'Cache-Control': 'no-cache',
      'Referrer-Policy': 'no-referrer',
    });
  };
  app.get('/', page);
  app.get('/index.html', page);

  app.get('/dashboard/config.json', async (c) => c.json<DashboardConfig>({ controllers: await options.controllers(), tokenRequired: options.sessions !== undefined }));

  app.get('/dashboard/:file', (c) => {
    const asset = assets.app(c.req.param('file'));
    if (!asset) return c.json<ApiErrorBody>({ code: HttpErrorCode.NotFound, message: `no dashboard file ${c.req.param('file')}` }, 404);
    return c.body(new Uint8Array(asset.body), 200, { 'Content-Type': asset.contentType, 'Cache-Control': 'no-cache' });
  });

  app.get('/vendor/:file', (c) => {
    let asset;
    try {
      asset = assets.vendor(c.req.param('file'));
    } catch (error) {
      if (!(error instanceof AssetMissing)) throw error;
      return c.json<ApiErrorBody>({ code: HttpErrorCode.NotFound, message: error.message }, 404);
    }
    if (!asset) return c.json<ApiErrorBody>({ code: HttpErrorCode.NotFound, message: `no vendored file ${c.req.param('file')}` }, 404);
    // The packages' versions change only with an install: a day of caching is safe.
    return c.body(new Uint8Array(asset.body), 200, { 'Content-Type': asset.contentType, 'Cache-Control': 'max-age=86400' });
  });

  const sessionLimit = bodyLimit({
    maxSize: MAX_SESSION_BODY_BYTES,
    onError: (c) => c.json<ApiErrorBody>({ code: ErrorCode.ValueTooLarge, message: `a sign-in body is at most ${MAX_SESSION_BODY_BYTES} bytes` }, 413),
  });
  app.post('/session', sessionLimit, async (c) => {
    const sessions = options.sessions;
    if (sessions === undefined) throw badRequest('this server requires no token: there is nothing to sign in to');
    const { token } = parseBody(sessionBody, await readJsonBody(c));
    if (!sessions.acceptsToken(token)) return c.json<ApiErrorBody>({ code: HttpErrorCode.Unauthorized, message: 'the token is not valid' }, 401);
    // A session cookie: it ends with the browser. Secure only over HTTPS, or a browser on
    // plain http://127.0.0.1 would drop it.
    setCookie(c, BrowserSessions.cookieName(c.req.url), sessions.cookieValue, { httpOnly: true, sameSite: 'Strict', path: '/', secure: new URL(c.req.url).protocol === 'https:' });
    return c.body(null, 204);
  });

  app.delete('/session', (c) => {
    deleteCookie(c, BrowserSessions.cookieName(c.req.url), { path: '/' });
    return c.body(null, 204);
  });
}
