/**
 * Transcripts: scenario tests written as a small command language over the simulator, with
 * the expected output checked in beside each command (in the manner of etcd's datadriven
 * tests). A file is a sequence of blocks:
 *
 *     put user:1 alice at=node-3 trace
 *     ----
 *     ok acked=node-3,node-1
 *       5.0ms client -> node-3 client.put user:1 ...
 *
 * Lines starting with `#` between blocks are comments. `UPDATE_TRANSCRIPTS=1 npx vitest run
 * tests/transcripts.test.ts` rewrites the expected output from what the run printed.
 *
 * Commands (values and names are single words; `trace` after any of the request or run
 * commands also prints every message delivered meanwhile, with its time):
 *   cluster nodes=5 seed=1 [mode=node|client] [n= r= w= clockPruneAt= replicaTimeoutMs= requestTimeoutMs= antiEntropyIntervalMs= maxDelayMs=]
 *   primaries KEY                      the preference list: primaries | fallbacks
 *   put KEY VALUE [ctx=NAME] [at=NODE] [w=] [timeout=] [as=NAME]
 *   delete KEY ctx=NAME [at=NODE] [as=NAME]
 *   get KEY [r=] [timeout=] [as=NAME]  (`as` keeps the context under NAME; `at` sends it to NODE)
 *   cut A->B | slow A->B MS | partition a,b|c,d | heal | stop N | restart N | add N | remove N | retire N
 *   run MS
 *   holdings KEY                       what every running node holds for KEY
 *   stats NODE FIELD...
 */
import { clockView } from '../../src/core/causal-context.js';
import type { NodeStats } from '../../src/core/node.js';
import type { CausalContext, Siblings } from '../../src/protocol/data.js';
import type { Message } from '../../src/protocol/messages.js';
import type { GetOutcome, PutOutcome } from '../../src/protocol/outcomes.js';
import { SimCluster } from '../../src/sim/sim-cluster.js';

export interface Block {
  readonly command: string;
  readonly expected: string;
}

/** Splits a transcript into its blocks. */
export function parseTranscript(text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '' || line.startsWith('#')) continue;
    const separator = lines.indexOf('----', i);
    if (separator === -1) throw new Error(`line ${i + 1}: a command without '----' after it`);
    const command = lines.slice(i, separator).join(' ').trim();
    let end = separator + 1;
    while (end < lines.length && (lines[end] as string) !== '') end++;
    blocks.push({ command, expected: lines.slice(separator + 1, end).join('\n') });
    i = end;
  }
  return blocks;
}

/** Writes blocks back as a transcript, keeping the comments of `original` in place. */
export function renderTranscript(original: string, outputs: readonly string[]): string {
  const out: string[] = [];
  const lines = original.split('\n');
  let block = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '' || line.startsWith('#')) {
      out.push(line);
      continue;
    }
    const separator = lines.indexOf('----', i);
    const output = outputs[block++] ?? '';
    out.push(...lines.slice(i, separator + 1), ...(output === '' ? [] : output.split('\n')));
    let end = separator + 1;
    while (end < lines.length && (lines[end] as string) !== '') end++;
    i = end - 1;
  }
  return out.join('\n');
}

/** Runs the commands of one transcript against a simulator. */
export class TranscriptRunner {
  private sim: SimCluster | null = null;
  private readonly contexts = new Map<string, CausalContext>();
  private trace: string[] | null = null;

  run(command: string): string {
    const [verb = '', ...rest] = command.split(/\s+/);
    const words = rest.filter((w) => w !== 'trace' && !w.includes('='));
    const options = new Map(rest.filter((w) => w.includes('=') && !w.includes('->')).map((w) => w.split('=', 2) as [string, string]));
    const traced = rest.includes('trace');
    if (verb === 'cluster') return this.start(options);
    const sim = this.sim;
    if (!sim) throw new Error('the first command must be `cluster`');
    const startMs = sim.nowMs;
    this.trace = traced ? [] : null;
    sim.tap(traced ? (atMs, from, to, msg) => this.trace?.push(`  ${(atMs - startMs).toFixed(1)}ms ${from} -> ${to} ${describe(msg)}`) : null);
    const result = this.execute(sim, verb, words, options, rest);
    sim.tap(null);
    const lines = [result, ...(this.trace ?? [])];
    this.trace = null;
    return lines.filter((l) => l !== '').join('\n');
  }

  private start(options: Map<string, string>): string {
    const number = (name: string): number | undefined => (options.has(name) ? Number(options.get(name)) : undefined);
    const tuning = Object.fromEntries(
      ['n', 'r', 'w', 'clockPruneAt', 'replicaTimeoutMs', 'requestTimeoutMs', 'antiEntropyIntervalMs'].flatMap((name) => (options.has(name) ? [[name, number(name)]] : [])),
    );
    const maxDelayMs = number('maxDelayMs');
    const mode = options.get('mode') === 'client' ? 'client' : 'node';
    this.sim = new SimCluster({ seed: number('seed') ?? 1, nodes: number('nodes') ?? 5, mode, tuning, ...(maxDelayMs === undefined ? {} : { maxDelayMs }) });
    return `${mode} coordination, N=${this.sim.tuning.n} R=${this.sim.tuning.r} W=${this.sim.tuning.w}: ${this.sim.nodeIds.join(' ')}`;
  }

  private execute(sim: SimCluster, verb: string, words: string[], options: Map<string, string>, rest: string[]): string {
    const [first = '', second = ''] = words;
    const context = (): CausalContext | undefined => {
      const name = options.get('ctx');
      const base = name === undefined ? undefined : this.contexts.get(name);
      if (name !== undefined && base === undefined) throw new Error(`no context named ${name}`);
      const at = options.get('at');
      return at === undefined ? base : { ...(base ?? { clock: [] }), readFrom: at };
    };
    const timeoutMs = options.has('timeout') ? Number(options.get('timeout')) : undefined;
    const keep = (outcome: GetOutcome | PutOutcome): void => {
      const name = options.get('as');
      if (name !== undefined && outcome.ok) this.contexts.set(name, outcome.context);
    };
    switch (verb) {
      case 'primaries': {
        const list = sim.preferenceList(first);
        return `${list.slice(0, sim.tuning.n).join(' ')} | ${list.slice(sim.tuning.n).join(' ')}`;
      }
      case 'put':
      case 'delete': {
        const w = options.has('w') ? Number(options.get('w')) : undefined;
        const ctx = context();
        const outcome = sim.put(first, verb === 'delete' ? null : second, {
          deleted: verb === 'delete',
          ...(ctx === undefined ? {} : { context: ctx }),
          ...(w === undefined ? {} : { w }),
          ...(timeoutMs === undefined ? {} : { timeoutMs }),
        });
        keep(outcome);
        return outcome.ok ? `ok acked=${outcome.ackedBy.join(',')}` : `${outcome.code}: ${outcome.message}`;
      }
      case 'get': {
        const r = options.has('r') ? Number(options.get('r')) : undefined;
        const outcome = sim.get(first, { ...(r === undefined ? {} : { r }), ...(timeoutMs === undefined ? {} : { timeoutMs }) });
        keep(outcome);
        if (!outcome.ok) return `${outcome.code}: ${outcome.message}`;
        const versions = outcome.versions.map((v) => `${v.deleted ? '(deleted)' : String(v.value)}@${dotName(v.dot)}`).sort();
        return `ok [${versions.join(' ')}] replied=${outcome.repliedBy.join(',')}`;
      }
      case 'cut':
      case 'slow': {
        const [from = '', to = ''] = (rest.find((w) => w.includes('->')) ?? '').split('->');
        if (verb === 'cut') sim.cut(from, to);
        else sim.slow(from, to, Number(words.find((w) => !w.includes('->'))));
        return '';
      }
      case 'partition':
        sim.partition(rest.join('').split('|').map((group) => group.split(',').filter((id) => id !== '')));
        return '';
      case 'heal':
        sim.heal();
        return '';
      case 'stop':
      case 'restart':
      case 'add':
      case 'remove':
      case 'retire':
        ({ stop: () => sim.stop(first), restart: () => sim.restart(first), add: () => sim.addNode(first), remove: () => sim.removeNode(first), retire: () => sim.retire(first) })[verb]();
        return '';
      case 'run':
        sim.runFor(Number(first));
        return '';
      case 'holdings':
        return sim
          .holdings(first)
          .flatMap((h) => [
            ...(h.siblings ? [`${h.node}: ${describeSiblings(h.siblings)}`] : []),
            ...h.hints.map((hint) => `${h.node} (hint for ${hint.owner}): ${describeSiblings(hint.siblings)}`),
          ])
          .join('\n') || '(nothing)';
      case 'stats': {
        const stats = sim.node(first).stats();
        return words.slice(1).map((field) => `${field}=${JSON.stringify(stats[field as keyof NodeStats])}`).join(' ');
      }
      default:
        throw new Error(`unknown command ${verb}`);
    }
  }
}

function dotName(dot: { readonly actor: string; readonly counter: number }): string {
  return `${dot.actor}:${dot.counter}`;
}

function describeClock(context: CausalContext): string {
  const entries = Object.entries(clockView(context.clock))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([actor, e]) => `${actor}:${e.counter}${e.gaps ? `-[${e.gaps.map(([f, t]) => (f === t ? `${f}` : `${f}..${t}`)).join(',')}]` : ''}`);
  return `{${entries.join(' ')}}`;
}

function describeSiblings(siblings: Siblings): string {
  const versions = siblings.versions.map((v) => `${v.deleted ? '(deleted)' : String(v.value)}@${dotName(v.dot)}`).sort();
  return `[${versions.join(' ')}] seen ${describeClock(siblings.context)}`;
}

/** One line per message: its kind and what matters of it. */
function describe(msg: Message): string {
  switch (msg.kind) {
    case 'client.get':
      return `client.get ${msg.key} r=${msg.r} hops=${msg.hops}`;
    case 'client.put':
      return `client.put ${msg.key} hops=${msg.hops}${msg.dot ? ` dot=${dotName(msg.dot)}` : ''}`;
    case 'replica.write':
      return `replica.write ${msg.key} ${describeSiblings(msg.siblings)}${msg.hintFor ? ` hint for ${msg.hintFor}` : ''}`;
    case 'replica.readReply':
      return `replica.readReply ${describeSiblings(msg.siblings)}`;
    case 'replica.repair':
    case 'hint.deliver':
    case 'handoff':
      return `${msg.kind} ${msg.key} ${describeSiblings(msg.siblings)}`;
    case 'reply.get':
      return `reply.get ${msg.versions.length} version(s)`;
    case 'reply.error':
      return `reply.error ${msg.code}`;
    case 'replica.read':
    case 'hint.ack':
    case 'handoff.ack':
      return `${msg.kind} ${msg.key}`;
    case 'ae.compare':
      return `ae.compare ${msg.range} level=${msg.level} under=${msg.parents.length} non-empty=${msg.nodes.length}`;
    case 'ae.leaves':
      return `ae.leaves ${msg.range} keys=${msg.leaves.flatMap((leaf) => leaf.keys.map(([key]) => key)).join(',') || '-'} in ${msg.leaves.length} leaves`;
    case 'ae.sync':
      return `ae.sync ${msg.range} versions=${msg.entries.map((e) => e.key).join(',') || '-'} want=${msg.want.join(',') || '-'}`;
    case 'ae.done':
      return `ae.done ${msg.range}${msg.matched ? ' matched' : ''}`;
    default:
      return msg.kind;
  }
}
