/**
 * What each client actor printed, kept for `dynamo job` to fetch as it comes
 * (GET /client_output/:name?from=N). Bounded per client: past the bound the oldest lines go,
 * and the sequence numbers tell a reader what it missed.
 */
import type { ActorState, ClientOutput, ClientOutputLine } from './service.js';

export const MAX_LINES_PER_CLIENT = 10_000;

interface Buffer {
  lines: ClientOutputLine[];
  nextSeq: number;
  state: ActorState;
  error?: string;
}

export class ClientOutputs {
  private readonly buffers = new Map<string, Buffer>();

  open(name: string): void {
    this.buffers.set(name, { lines: [], nextSeq: 0, state: 'running' });
  }

  push(name: string, text: string): ClientOutputLine | undefined {
    const buffer = this.buffers.get(name);
    if (!buffer) return undefined;
    const line = { seq: buffer.nextSeq++, text };
    buffer.lines.push(line);
    if (buffer.lines.length > MAX_LINES_PER_CLIENT) buffer.lines.splice(0, buffer.lines.length - MAX_LINES_PER_CLIENT);
    return line;
  }

  end(name: string, state: ActorState, error?: string): void {
    const buffer = this.buffers.get(name);
    if (!buffer) return;
    buffer.state = state;
    if (error !== undefined) buffer.error = error;
  }

  read(name: string, fromSeq: number): ClientOutput | undefined {
    const buffer = this.buffers.get(name);
    if (!buffer) return undefined;
    const lines = buffer.lines.filter((line) => line.seq >= fromSeq);
    return buffer.error === undefined ? { name, lines, state: buffer.state } : { name, lines, state: buffer.state, error: buffer.error };
  }

  clear(): void {
    this.buffers.clear();
  }
}
