/**
 * What each client actor of the selected controller prints. A client's lines so far are
 * read once (GET /client_output/<name>?from=0) when it is first seen; after that the
 * `client-output` events bring each line, deduplicated by sequence number. Events that come
 * while the first read is on its way wait for it, so that no line is lost or shown twice.
 */
import { segment, type Api } from './api.js';
import type { ActorState, ClientOutput, ClientOutputLine } from './contracts.js';
import { h, setAttr, setText } from './dom.js';
import type { Report } from './error-area.js';
import { OutputLog } from './output-log.js';

interface ClientLog {
  readonly element: HTMLElement;
  readonly state: HTMLElement;
  readonly error: HTMLElement;
  readonly log: OutputLog;
  /** Highest sequence number shown. */
  lastSeq: number;
  /** Lines that came while a read was on its way; null when none is. */
  waiting: ClientOutputLine[] | null;
}

export class ClientOutputs {
  private readonly clients = new Map<string, ClientLog>();

  constructor(
    private readonly container: HTMLElement,
    private readonly empty: HTMLElement,
    private readonly api: () => Api,
    private readonly report: Report,
  ) {}

  clear(): void {
    this.clients.clear();
    this.container.replaceChildren();
    this.empty.hidden = false;
  }

  /** The client actors the controller's status lists: new ones are read, and every state shown. */
  setClients(clients: readonly { readonly name: string; readonly state: ActorState }[]): void {
    for (const { name, state } of clients) this.setState(this.logOf(name), state);
  }

  add(client: string, line: ClientOutputLine): void {
    const log = this.logOf(client);
    if (log.waiting !== null) log.waiting.push(line);
    else this.show(log, [line]);
  }

  /** The server skipped events: read every client's lines again from the last one shown. */
  catchUp(): void {
    for (const [name, log] of this.clients) void this.read(name, log);
  }

  private logOf(name: string): ClientLog {
    const known = this.clients.get(name);
    if (known !== undefined) return known;
    const state = h('span', { class: 'state', 'data-testid': 'client-state' });
    const error = h('p', { class: 'inline-error', hidden: true });
    const output = new OutputLog({ 'data-testid': 'client-output', 'data-client': name });
    const element = h('article', { class: 'card client', 'data-testid': 'client-card', 'data-client': name }, h('header', { class: 'card-head' }, h('h4', {}, name), state), error, output.element);
    const log: ClientLog = { element, state, error, log: output, lastSeq: -1, waiting: null };
    this.clients.set(name, log);
    this.container.append(element);
    this.empty.hidden = true;
    void this.read(name, log);
    return log;
  }

  private async read(name: string, log: ClientLog): Promise<void> {
    if (log.waiting !== null) return;
    log.waiting = [];
    const api = this.api();
    try {
      const output = await api.get<ClientOutput>(`/client_output/${segment(name)}?from=${log.lastSeq + 1}`);
      if (this.clients.get(name) !== log) return;
      this.show(log, output.lines);
      this.setState(log, output.state, output.error);
    } catch (error) {
      this.report(`Reading the output of ${name}`, error);
    } finally {
      const waiting = log.waiting ?? [];
      log.waiting = null;
      this.show(log, waiting);
    }
  }

  private show(log: ClientLog, lines: readonly ClientOutputLine[]): void {
    const fresh = [...lines].sort((a, b) => a.seq - b.seq).filter((line) => line.seq > log.lastSeq);
    if (fresh.length === 0) return;
    log.lastSeq = fresh.at(-1)?.seq ?? log.lastSeq;
    log.log.append(fresh.map((line) => line.text));
  }

  private setState(log: ClientLog, state: ActorState, error?: string): void {
    setAttr(log.element, 'data-state', state);
    setText(log.state, state);
    if (error !== undefined) {
      log.error.hidden = false;
      setText(log.error, error);
    }
  }
}
