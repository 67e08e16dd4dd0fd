/**
 * Chaos rules: random message loss, duplication and delay, scheduled at run time, after
 * Reactor's per-actor chaos (`msg_loss`, `msg_duplication`, `msg_delay`). As in Reactor, a
 * rule acts where messages arrive, before the receiving state machine sees them: Reactor's
 * processor draws loss and duplication for every message an actor receives from another
 * actor (not for what its own generators make), and its receiver delays messages from the
 * listed senders. Here the receiving endpoint's FaultLayer does the same, so local inputs
 * (timers, the control plane, the caller's requests) are never touched.
 *
 * Selectors: `node` takes every message that node receives (Reactor's per-actor msg_loss and
 * msg_duplication); `from` and `to` take the messages of one link, and either may be left out
 * to mean any endpoint (Reactor's msg_delay on actor X with senders [a] is `{ from: a, to: X }`).
 * This file is pure: the randomness is passed in.
 */

export interface ChaosSelector {
  /** Every message this endpoint receives. Not with `from` or `to`. */
  readonly node?: string;
  /** Messages sent by this endpoint (any receiver unless `to` is given). */
  readonly from?: string;
  /** Messages received by this endpoint (any sender unless `from` is given). */
  readonly to?: string;
}

export interface ChaosEffects {
  /** Probability that a message is lost (Reactor's msg_loss.probability). */
  readonly loss?: number;
  /**
   * With `probability`, a message is delivered `factor` times in all, as Reactor's
   * msg_duplication does (`vec![msg; factor]`): factor 2 is one extra copy.
   */
  readonly duplicate?: { readonly probability: number; readonly factor: number };
  /** Each message waits its own time drawn uniformly from [min, max] ms (Reactor's delay_range_ms). */
  readonly delayMs?: readonly [min: number, max: number];
}

export type ChaosRule = ChaosSelector & ChaosEffects;

/** What chaos decided for one arriving message: how many copies (0 = lost), and after how long. */
export interface MessageFate {
  readonly copies: number;
  /** Undefined when no delay rule applied (the message goes through at once). */
  readonly delayMs: number | undefined;
}

/** Longest delay a rule may ask for: longer is a partition, which has its own call. */
export const MAX_CHAOS_DELAY_MS = 60_000;
/** Most copies a rule may make of one message: enough to test idempotence, bounded so a storm stays finite. */
export const MAX_DUPLICATION_FACTOR = 10;

/** A rule the caller got wrong; `field` names what is at fault. */
export class InvalidChaosRule extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const SELECTOR_FIELDS = ['node', 'from', 'to'] as const;
const EFFECT_FIELDS = ['loss', 'duplicate', 'delayMs'] as const;
const RULE_FIELDS: ReadonlySet<string> = new Set([...SELECTOR_FIELDS, ...EFFECT_FIELDS]);

/** True when `rule` takes a message from `from` arriving at `to`. */
export function ruleApplies(rule: ChaosRule, from: string, to: string): boolean {
  if (rule.node !== undefined) return rule.node === to;
  return (rule.from === undefined || rule.from === from) && (rule.to === undefined || rule.to === to);
}

/**
 * Draws the fate of one message under the rules that apply to it, each in the order it was
 * set: a loss draw per rule (any loses it), a duplication draw per rule (factors multiply),
 * and a delay draw per rule (delays add up).
 */
export function drawFate(rules: readonly ChaosRule[], random: () => number): MessageFate {
  let copies = 1;
  let delayMs: number | undefined;
  for (const rule of rules) {
    if (rule.loss !== undefined && random() < rule.loss) return { copies: 0, delayMs: undefined };
    if (rule.duplicate !== undefined && random() < rule.duplicate.probability) copies *= rule.duplicate.factor;
    if (rule.delayMs !== undefined) {
      const [min, max] = rule.delayMs;
      delayMs = (delayMs ?? 0) + min + random() * (max - min);
    }
  }
  return { copies, delayMs };
}

/**
 * The rules after setting `rule`: a rule for the same selector as one in force replaces the
 * effects it names and keeps the others (Reactor's set_msg_loss leaves duplication alone).
 */
export function withRule(rules: readonly ChaosRule[], rule: ChaosRule): ChaosRule[] {
  const index = rules.findIndex((r) => sameSelector(r, rule));
  if (index < 0) return [...rules, rule];
  const merged: ChaosRule = { ...rules[index], ...definedFields(rule) };
  return rules.map((r, i) => (i === index ? merged : r));
}

/** The rules left after clearing those `selector` matches; no selector clears them all. */
export function withoutRules(rules: readonly ChaosRule[], selector?: ChaosSelector): ChaosRule[] {
  if (selector === undefined) return [];
  return rules.filter((rule) => !SELECTOR_FIELDS.every((field) => selector[field] === undefined || selector[field] === rule[field]));
}

/**
 * Checks a rule from outside: known fields only, a selector naming known endpoints, at least
 * one effect, each within its bounds. Throws InvalidChaosRule naming the field at fault.
 */
export function parseChaosRule(input: unknown, resolveEndpoint: (id: string) => string | undefined): ChaosRule {
  const fields = plainObject(input, 'rule');
  const selector = parseSelectorFields(fields, resolveEndpoint);
  if (selector.node === undefined && selector.from === undefined && selector.to === undefined) {
    throw new InvalidChaosRule('node', 'a chaos rule needs node, or from and/or to');
  }
  const rule: { -readonly [K in keyof ChaosRule]: ChaosRule[K] } = { ...selector };
  if (fields.loss !== undefined) rule.loss = probability(fields.loss, 'loss');
  if (fields.duplicate !== undefined) {
    const duplicate = plainObject(fields.duplicate, 'duplicate', new Set(['probability', 'factor']));
    const factor = duplicate.factor;
    if (typeof factor !== 'number' || !Number.isInteger(factor) || factor < 1 || factor > MAX_DUPLICATION_FACTOR) {
      throw new InvalidChaosRule('duplicate.factor', `duplicate.factor must be an integer from 1 to ${MAX_DUPLICATION_FACTOR}, got ${describe(factor)}`);
    }
    rule.duplicate = { probability: probability(duplicate.probability, 'duplicate.probability'), factor };
  }
  if (fields.delayMs !== undefined) rule.delayMs = delayRange(fields.delayMs);
  if (rule.loss === undefined && rule.duplicate === undefined && rule.delayMs === undefined) {
    throw new InvalidChaosRule('loss', 'a chaos rule needs at least one of loss, duplicate, delayMs');
  }
  return rule;
}

/** Checks the selector of `clearChaos`; undefined clears everything. */
export function parseChaosSelector(input: unknown, resolveEndpoint: (id: string) => string | undefined): ChaosSelector | undefined {
  if (input === undefined) return undefined;
  return parseSelectorFields(plainObject(input, 'selector', new Set(SELECTOR_FIELDS)), resolveEndpoint);
}

function parseSelectorFields(fields: Record<string, unknown>, resolveEndpoint: (id: string) => string | undefined): ChaosSelector {
  const selector: { -readonly [K in keyof ChaosSelector]: string } = {};
  for (const field of SELECTOR_FIELDS) {
    const id = fields[field];
    if (id === undefined) continue;
    const resolved = typeof id === 'string' ? resolveEndpoint(id) : undefined;
    if (resolved === undefined) throw new InvalidChaosRule(field, `${field} must name a node or the client, got ${describe(id)}`);
    selector[field] = resolved;
  }
  if (selector.node !== undefined && (selector.from !== undefined || selector.to !== undefined)) {
    throw new InvalidChaosRule('node', 'node selects every message the node receives; give it without from and to');
  }
  return selector;
}

function plainObject(input: unknown, what: string, known: ReadonlySet<string> = RULE_FIELDS): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new InvalidChaosRule(what, `the chaos ${what} must be an object, got ${describe(input)}`);
  const fields: Record<string, unknown> = { ...input };
  for (const name of Object.keys(fields)) {
    const field = what === 'duplicate' ? `duplicate.${name}` : name;
    if (!known.has(name)) throw new InvalidChaosRule(field, `unknown chaos field '${field}'; known: ${[...known].join(', ')}`);
  }
  return fields;
}

function probability(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new InvalidChaosRule(field, `${field} must be a probability from 0 to 1, got ${describe(value)}`);
  }
  return value;
}

function delayRange(value: unknown): readonly [number, number] {
  const bounded = (ms: unknown): ms is number => typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 && ms <= MAX_CHAOS_DELAY_MS;
  if (!Array.isArray(value) || value.length !== 2 || !bounded(value[0]) || !bounded(value[1]) || value[0] > value[1]) {
    throw new InvalidChaosRule('delayMs', `delayMs must be [min, max] with 0 <= min <= max <= ${MAX_CHAOS_DELAY_MS}, got ${describe(value)}`);
  }
  return [value[0], value[1]];
}

function sameSelector(a: ChaosSelector, b: ChaosSelector): boolean {
  return SELECTOR_FIELDS.every((field) => a[field] === b[field]);
}

function definedFields(rule: ChaosRule): Partial<ChaosRule> {
  return Object.fromEntries(Object.entries(rule).filter(([, value]) => value !== undefined));
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return JSON.stringify(value) ?? 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value === 'function' ? 'a function' : String(value);
}
