/**
 * The controller's HTTP API as the dashboard calls it: JSON in and out, same origin, the
 * session cookie sent along, and the CSRF header on every POST (the server refuses a
 * cookie-authenticated POST without it). Failures become ApiError with the server's code and
 * message, so that they can be shown as they are.
 */

/** A refused or failed call: `status` 0 when the server could not be reached at all. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const POST_HEADERS = { 'Content-Type': 'application/json', 'X-Dynamo-CSRF': '1' } as const;

/**
 * Fetches `url` and reads its JSON answer (undefined for an empty one, as 204 gives). The
 * answer is typed by the caller: the server is the other side of the contract in contracts.ts,
 * and the dashboard trusts it to keep that contract.
 */
export async function requestJson<T>(url: string, init: RequestInit = {}): Promise<T | undefined> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin', ...init });
  } catch (error) {
    throw new ApiError(0, 'UNREACHABLE', `${url} could not be reached: ${error instanceof Error ? error.message : String(error)}`);
  }
  const text = await response.text();
  if (!response.ok) throw errorOf(response, text);
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(response.status, 'BAD_RESPONSE', `${url} answered something other than JSON`);
  }
}

/** POSTs `body` as JSON with the CSRF header. */
export function postJson<T>(url: string, body: unknown): Promise<T | undefined> {
  return requestJson<T>(url, { method: 'POST', headers: POST_HEADERS, body: JSON.stringify(body) });
}

/** The server's `{ code, message }`, or the status line when the body is not one. */
function errorOf(response: Response, text: string): ApiError {
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string') {
      const code = 'code' in body && typeof body.code === 'string' ? body.code : String(response.status);
      return new ApiError(response.status, code, body.message);
    }
  } catch {
    // Not JSON (a proxy's error page, say): the status line below says what there is to say.
  }
  return new ApiError(response.status, String(response.status), `${response.status} ${response.statusText || 'error'}`.trim());
}

/** One controller's API: paths are prefixed with its `base`; a 401 asks for a login first. */
export class Api {
  constructor(
    readonly base: string,
    private readonly onUnauthorized: () => void,
  ) {}

  url(path: string): string {
    return `${this.base}${path}`;
  }

  /** GETs JSON; an empty answer is an error here, as every GET of the contract has a body. */
  async get<T>(path: string): Promise<T> {
    const body = await this.guard(() => requestJson<T>(this.url(path)));
    if (body === undefined) throw new ApiError(200, 'BAD_RESPONSE', `${this.url(path)} answered nothing`);
    return body;
  }

  post<T>(path: string, body: unknown): Promise<T | undefined> {
    return this.guard(() => postJson<T>(this.url(path), body));
  }

  private async guard<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) this.onUnauthorized();
      throw error;
    }
  }
}

/** Path segment for a key or a name: every character but unreserved ones escaped. */
export function segment(text: string): string {
  return encodeURIComponent(text);
}
