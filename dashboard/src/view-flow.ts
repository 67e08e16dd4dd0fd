/**
 * Message flow: a row per directed link between endpoints (nodes and the client) as the
 * receiving node counted it: messages per second, and what chaos lost, duplicated or
 * delayed and what partitions cut, per second and in all, with the chaos rules acting on it.
 */
import type { ChaosRule } from './contracts.js';
import type { StatsFrame } from './controller-data.js';
import { byId, h, KeyedChildren, setAttr, setText } from './dom.js';
import { formatCount, formatRate } from './format.js';
import type { LinkCounts, LinkRates } from './rates.js';
import { describeEffects, ruleActsOn } from './chaos-describe.js';
import type { ViewContext } from './view-context.js';

interface LinkRow {
  readonly link: LinkRates;
  readonly rules: readonly ChaosRule[];
}

const FAULTS: readonly (keyof LinkCounts)[] = ['lost', 'duplicated', 'delayed', 'dropped'];

export class FlowTab {
  private readonly rows: KeyedChildren<LinkRow, HTMLTableRowElement>;
  private readonly faultyOnly = byId('flow-faulty-only', HTMLInputElement);
  private readonly empty = byId('flow-empty', HTMLParagraphElement);

  constructor(private readonly context: ViewContext) {
    this.rows = new KeyedChildren(byId('flow-rows', HTMLTableSectionElement), createRow, updateRow);
    const { data, router } = context;
    const renderLatest = (): void => {
      if (router.isShown('flow') && data.frame !== null) this.render(data.frame);
    };
    data.events.on('frame', renderLatest);
    data.events.on('reset', () => this.rows.clear());
    router.onShow(renderLatest);
    this.faultyOnly.addEventListener('change', renderLatest);
  }

  private render(frame: StatsFrame): void {
    const stats = frame.stats;
    const totals = byId('flow-totals', HTMLElement);
    const sums = { messages: stats?.totals.messages, messagesLost: stats?.totals.messagesLost, messagesDuplicated: stats?.totals.messagesDuplicated, messagesDelayed: stats?.totals.messagesDelayed, messagesDropped: stats?.totals.messagesDropped };
    for (const [field, value] of Object.entries(sums)) {
      const cell = totals.querySelector(`[data-field="${field}"]`);
      if (cell === null) continue;
      setText(cell, formatCount(value));
      setAttr(cell, 'data-value', value === undefined ? undefined : String(value));
    }
    const rules = stats?.chaos ?? [];
    const rows = frame.rates.links
      .map((link) => ({ link, rules: rules.filter((rule) => ruleActsOn(rule, link.from, link.to)) }))
      .filter((row) => !this.faultyOnly.checked || isFaulty(row));
    this.empty.hidden = rows.length > 0;
    setText(this.empty, stats === null ? 'No job runs here.' : this.faultyOnly.checked ? 'No link has faults.' : 'No link has carried a message yet.');
    this.rows.sync(rows, (row) => `${row.link.from}\u0000${row.link.to}`);
  }
}

function isFaulty(row: LinkRow): boolean {
  return row.rules.length > 0 || FAULTS.some((field) => row.link.totals[field] > 0);
}

/** Cells after the two names: [data-field, its text, the number behind it]. */
const CELLS: readonly [string, (row: LinkRow) => string, (row: LinkRow) => number | null][] = [
  ['messagesPerS', (row) => formatRate(row.link.perS.received), (row) => row.link.perS.received],
  ['received', (row) => formatCount(row.link.totals.received), (row) => row.link.totals.received],
  ...FAULTS.flatMap((field): [string, (row: LinkRow) => string, (row: LinkRow) => number | null][] => [
    [`${field}PerS`, (row) => formatRate(row.link.perS[field]), (row) => row.link.perS[field]],
    [field, (row) => formatCount(row.link.totals[field]), (row) => row.link.totals[field]],
  ]),
];

function createRow(row: LinkRow): HTMLTableRowElement {
  return h(
    'tr',
    { 'data-testid': 'link-row', 'data-from': row.link.from, 'data-to': row.link.to },
    h('th', { scope: 'row' }, row.link.from),
    h('td', { class: 'link-to' }, row.link.to),
    ...CELLS.map(([field]) => h('td', { 'data-field': field, class: 'num' })),
    h('td', { 'data-field': 'chaos', class: 'chaos-cell' }),
  );
}

function updateRow(tr: HTMLTableRowElement, row: LinkRow): void {
  // Cells by position (the row's two names come first): this runs for every link every second.
  CELLS.forEach(([, text, value], i) => {
    const cell = tr.cells[i + 2];
    if (cell === undefined) return;
    setText(cell, text(row));
    const number = value(row);
    setAttr(cell, 'data-value', number === null ? undefined : String(number));
  });
  const chaos = tr.cells[CELLS.length + 2];
  if (chaos !== undefined) setText(chaos, row.rules.map(describeEffects).join('; '));
  setAttr(tr, 'data-faulty', String(isFaulty(row)));
}
