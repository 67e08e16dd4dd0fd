/**
 * What a web page must not do to a node controller it can reach (one on 127.0.0.1 included):
 * - post to it from another site. A cross-site POST with a text/plain body needs no CORS
 *   preflight, so the browser would send `/stop_all_actors` for any page. Browsers mark every
 *   POST with `Origin`; a POST whose Origin is not this server's own is refused. Programs
 *   (curl, `dynamo job`, the seed's job controller) send no Origin and are not affected.
 * - reach it through DNS rebinding: a page's own name made to resolve to 127.0.0.1. Without
 *   a token, only requests naming a loopback host in `Host` are served.
 */
import type { MiddlewareHandler } from 'hono';
import { HttpErrorCode, type ApiErrorBody } from './errors.js';

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The host part of a Host header (`127.0.0.1:3000` → `127.0.0.1`, `[::1]:3000` → `[::1]`). */
function hostName(header: string): string {
  const bracketed = /^(\[[^\]]*\])(?::\d+)?$/.exec(header);
  if (bracketed) return (bracketed[1] as string).toLowerCase();
  return header.replace(/:\d+$/, '').toLowerCase();
}

export function guardOrigin(options: { readonly tokenRequired: boolean }): MiddlewareHandler {
  return async (c, next) => {
    // The node server builds the request's URL from its Host header.
    const host = new URL(c.req.url).host;
    if (!options.tokenRequired && !LOOPBACK_NAMES.has(hostName(host))) {
      return c.json<ApiErrorBody>({ code: HttpErrorCode.Forbidden, message: 'this controller serves requests for 127.0.0.1 or localhost only (start it with --token-file to serve others)' }, 403);
    }
    const origin = c.req.header('origin');
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && origin !== undefined && origin !== `http://${host}` && origin !== `https://${host}`) {
      return c.json<ApiErrorBody>({ code: HttpErrorCode.Forbidden, message: 'requests that change something are not accepted from another site' }, 403);
    }
    await next();
  };
}
