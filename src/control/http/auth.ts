/**
 * Bearer-token authentication of every request. The token comes in the `Authorization:
 * Bearer <token>` header, or in the `dynamo_token` cookie for browsers (EventSource cannot
 * send headers). A cookie travels with cross-site requests too, so a state-changing request
 * authenticated by cookie alone must also carry `X-Dynamo-CSRF: 1`: a page on another site
 * cannot add a custom header without a CORS preflight, and this server never answers one.
 *
 * Tokens are compared as SHA-256 digests with timingSafeEqual, so that neither the time taken
 * nor an early length check tells how much of a guess was right. No token, right or wrong,
 * is ever logged or echoed.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { ApiErrorBody } from './errors.js';
import { HttpErrorCode } from './errors.js';

/** The cookie a browser presents the token in. */
export const TOKEN_COOKIE = 'dynamo_token';
/** The header (value `1`) a cookie-authenticated POST, PUT or DELETE must carry. */
export const CSRF_HEADER = 'X-Dynamo-CSRF';

/** Methods that change nothing, so a cookie alone may authenticate them. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A token fit for a header and a cookie as is (no quoting, no percent-decoding): letters,
 * digits and `. _ ~ + / = -`, as hex, base64 and base64url give. Throws (a configuration
 * mistake, not a request's) otherwise.
 */
export function checkToken(token: string): string {
  if (token.length === 0) throw new Error('the API token must not be empty');
  if (!/^[A-Za-z0-9._~+/=-]+$/.test(token)) {
    throw new Error('the API token may hold only letters, digits and . _ ~ + / = -');
  }
  return token;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Compares a presented token with the expected digest in constant time. */
function matches(presented: string, expected: Buffer): boolean {
  // Both are 32-byte digests: equal lengths, as timingSafeEqual requires.
  return timingSafeEqual(digest(presented), expected);
}

/**
 * What the dashboard's sign-in puts in a cookie instead of the token: an HMAC of the token
 * under a key this process drew at random. The cookie then authenticates to this server only
 * (browsers send a host's cookies to each of its ports, and a bearer token in a cookie would
 * reach them all), and ends with the process. Its name carries the port, so that a
 * controller and a `dynamo dashboard` on one host do not overwrite each other's.
 */
export class BrowserSessions {
  private readonly value: string;
  private readonly expected: Buffer;
  private readonly token: Buffer;

  constructor(token: string) {
    this.value = createHmac('sha256', randomBytes(32)).update(checkToken(token)).digest('base64url');
    this.expected = digest(this.value);
    this.token = digest(token);
  }

  /** Whether a sign-in presents the right token (constant time). */
  acceptsToken(presented: string): boolean {
    return matches(presented, this.token);
  }

  /** The cookie's name for a request to `url`. */
  static cookieName(url: string): string {
    return `dynamo_session_${new URL(url).port || 'default'}`;
  }

  /** What a signed-in browser holds. */
  get cookieValue(): string {
    return this.value;
  }

  matches(presented: string): boolean {
    return matches(presented, this.expected);
  }
}

/**
 * The middleware that refuses unauthenticated requests: 401 without a valid token, 403 for a
 * cookie-authenticated state change without the CSRF header. `warn` gets one line per refusal
 * (method, path, reason), never the token.
 */
export function requireToken(token: string, warn: (message: string) => void, sessions?: BrowserSessions): MiddlewareHandler {
  const expected = digest(checkToken(token));
  return async (c, next) => {
    const refuse = (status: 401 | 403, reason: string): Response => {
      warn(`refused ${c.req.method} ${c.req.path}: ${reason}`);
      if (status === 401) c.header('WWW-Authenticate', 'Bearer realm="dynamo"');
      const code = status === 401 ? HttpErrorCode.Unauthorized : HttpErrorCode.Forbidden;
      return c.json<ApiErrorBody>({ code, message: reason }, status);
    };
    const authorization = c.req.header('Authorization');
    if (authorization !== undefined) {
      // The header, when present, decides alone: a wrong header is not rescued by a cookie.
      const match = /^Bearer +(\S+) *$/i.exec(authorization);
      if (match?.[1] === undefined) return refuse(401, 'the Authorization header must be "Bearer <token>"');
      if (!matches(match[1], expected)) return refuse(401, 'the bearer token is not valid');
      return next();
    }
    const session = sessions === undefined ? undefined : getCookie(c, BrowserSessions.cookieName(c.req.url));
    const cookie = getCookie(c, TOKEN_COOKIE);
    if (session !== undefined && sessions?.matches(session) === true) {
      // Signed in through the dashboard.
    } else if (cookie === undefined) {
      return refuse(401, session === undefined ? `authentication required: send "Authorization: Bearer <token>" (or sign in at /)` : 'the session has ended (the server restarted?): sign in again');
    } else if (!matches(cookie, expected)) {
      return refuse(401, `the ${TOKEN_COOKIE} cookie is not valid`);
    }
    if (!SAFE_METHODS.has(c.req.method) && c.req.header(CSRF_HEADER) !== '1') {
      return refuse(403, `a ${c.req.method} authenticated by cookie must carry the header "${CSRF_HEADER}: 1"`);
    }
    return next();
  };
}
