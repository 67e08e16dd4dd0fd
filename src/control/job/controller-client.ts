/**
 * `dynamo job`'s side of the node controller's HTTP API: each call bounded in time, with the
 * token when there is one, and failures as one line naming the controller and what it said.
 */
import type { ActorSpawn, ClientOutput, ControllerStatus } from '../service.js';

/** A controller that does not answer a control call within this time is taken as down. */
export const CONTROL_CALL_TIMEOUT_MS = 10_000;

export class ControllerCallError extends Error {
  override readonly name = 'ControllerCallError';
}

export class ControllerClient {
  constructor(
    readonly name: string,
    private readonly baseUrl: string,
    private readonly token: string | undefined,
  ) {}

  status(): Promise<ControllerStatus> {
    return this.call<ControllerStatus>('GET', '/status');
  }

  startActor(spawn: ActorSpawn): Promise<unknown> {
    return this.call('POST', '/start_actor', spawn);
  }

  stopActor(actorName: string): Promise<unknown> {
    return this.call('POST', '/stop_actor', actorName);
  }

  stopAllActors(): Promise<unknown> {
    return this.call('POST', '/stop_all_actors', {});
  }

  clientOutput(actorName: string, fromSeq: number): Promise<ClientOutput> {
    return this.call<ClientOutput>('GET', `/client_output/${encodeURIComponent(actorName)}?from=${fromSeq}`);
  }

  /** One of the seed's chaos endpoints (/set_msg_loss, /unset_msg_delay, ...). */
  chaos(path: string, body: unknown): Promise<unknown> {
    return this.call('POST', path, body);
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(CONTROL_CALL_TIMEOUT_MS),
      });
    } catch (error) {
      const why = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${CONTROL_CALL_TIMEOUT_MS} ms` : describeFetchError(error);
      throw new ControllerCallError(`controller ${this.name} (${this.baseUrl}): ${method} ${path}: ${why}`);
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text.length === 0 ? null : JSON.parse(text);
    } catch {
      // Not JSON: the text itself is the answer.
    }
    if (!response.ok) {
      const message = typeof parsed === 'object' && parsed !== null && 'message' in parsed ? String((parsed as { message: unknown }).message) : text.slice(0, 200);
      throw new ControllerCallError(`controller ${this.name}: ${method} ${path}: ${response.status} ${message}`);
    }
    return parsed as T;
  }
}

function describeFetchError(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused (is `dynamo node` running there?)';
  return cause?.message ?? (error instanceof Error ? error.message : String(error));
}
