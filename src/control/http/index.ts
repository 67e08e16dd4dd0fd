/**
 * The node controller's HTTP API: what the controller and the CLI entry use.
 */
export { createApp, DEFAULT_MAX_BODY_BYTES } from './app.js';
export type { AppOptions, HttpLog } from './app.js';
export type { EventsOptions } from './events.js';
export { startHttpServer, isLoopbackHost } from './serve.js';
export type { HttpServer, HttpServerOptions } from './serve.js';
export { TOKEN_COOKIE, CSRF_HEADER } from './auth.js';
export { STATUS_OF_CODE, HttpErrorCode } from './errors.js';
export type { ApiErrorBody, ApiErrorCode } from './errors.js';
