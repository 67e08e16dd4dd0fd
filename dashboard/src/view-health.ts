/**
 * Node health: a row per Dynamo node of the selected controller (keys, hints held, handoffs
 * pending, anti-entropy, requests/s, its worker's event loop and heap), and the controller
 * process's CPU and memory. Rows are kept across frames and only their changed cells are
 * written, once per stats event.
 */
import type { WorkerStats } from './contracts.js';
import type { StatsFrame } from './controller-data.js';
import { byId, h, KeyedChildren, setAttr, setText } from './dom.js';
import { formatBytes, formatCount, formatMs, formatPercent, formatRate, formatShare } from './format.js';
import { compareNames } from './natural-order.js';
import type { NodeRates } from './rates.js';
import type { ViewContext } from './view-context.js';

interface NodeRow {
  readonly node: string;
  readonly stats: WorkerStats | undefined;
  readonly rates: NodeRates | undefined;
}

interface Column {
  readonly field: string;
  /** The number behind the text, for tests and sorting; undefined when there is none. */
  readonly value: (row: NodeRow) => number | null | undefined;
  readonly text: (row: NodeRow) => string;
}

const COLUMNS: readonly Column[] = [
  { field: 'state', value: () => undefined, text: (row) => (row.stats === undefined ? 'stopped' : 'running') },
  { field: 'keys', value: (row) => row.stats?.keys, text: (row) => formatCount(row.stats?.keys) },
  { field: 'hintsPending', value: (row) => row.stats?.hintsPending, text: (row) => formatCount(row.stats?.hintsPending) },
  { field: 'handoffsPending', value: (row) => row.stats?.handoffsPending, text: (row) => formatCount(row.stats?.handoffsPending) },
  {
    field: 'antiEntropyExchanges',
    value: (row) => row.stats?.antiEntropyExchangesCompleted,
    text: (row) => (row.stats === undefined ? '—' : `${formatCount(row.stats.antiEntropyExchangesCompleted)} / ${formatCount(row.stats.antiEntropyExchangesStarted)}`),
  },
  {
    field: 'antiEntropyKeys',
    value: (row) => row.stats?.antiEntropyKeysReceived,
    text: (row) => (row.stats === undefined ? '—' : `${formatCount(row.stats.antiEntropyKeysSent)} / ${formatCount(row.stats.antiEntropyKeysReceived)}`),
  },
  { field: 'antiEntropyMaxSinceMatchMs', value: (row) => row.stats?.antiEntropyMaxSinceMatchMs, text: (row) => formatMs(row.stats?.antiEntropyMaxSinceMatchMs) },
  { field: 'requestsPerS', value: (row) => row.rates?.requestsPerS, text: (row) => formatRate(row.rates?.requestsPerS) },
  { field: 'eventLoopUtilisation', value: (row) => row.rates?.eventLoopUtilisation, text: (row) => formatShare(row.rates?.eventLoopUtilisation) },
  { field: 'heapUsedBytes', value: (row) => row.stats?.heapUsedBytes, text: (row) => formatBytes(row.stats?.heapUsedBytes) },
  { field: 'suspects', value: (row) => row.stats?.suspects.length, text: (row) => (row.stats === undefined ? '—' : [...row.stats.suspects].sort(compareNames).join(', ') || 'none') },
];

export class HealthTab {
  private readonly rows: KeyedChildren<NodeRow, HTMLTableRowElement>;
  private readonly empty = byId('health-empty', HTMLParagraphElement);
  private readonly table = byId('health-table', HTMLTableElement);

  constructor(private readonly context: ViewContext) {
    this.rows = new KeyedChildren(byId('health-rows', HTMLTableSectionElement), (row) => createRow(row.node), updateRow);
    const { data, router } = context;
    data.events.on('frame', (frame) => {
      if (router.isShown('health')) this.render(frame);
    });
    data.events.on('reset', () => this.rows.clear());
    router.onShow((view) => {
      if (view === 'health' && data.frame !== null) this.render(data.frame);
    });
  }

  private render(frame: StatsFrame): void {
    const { process } = frame.rates;
    setText(byId('controller-cpu', HTMLElement), formatPercent(process.cpuPercent));
    setText(byId('controller-rss', HTMLElement), formatBytes(process.rssBytes));
    setText(byId('controller-heap', HTMLElement), formatBytes(process.heapUsedBytes));
    const stats = frame.stats;
    this.empty.hidden = stats !== null;
    this.table.hidden = stats === null;
    if (stats === null) {
      this.rows.clear();
      return;
    }
    const totals = byId('health-totals', HTMLElement);
    for (const [field, value] of Object.entries({ keys: stats.totals.keys, hintsPending: stats.totals.hintsPending, readRepairs: stats.totals.readRepairs, siblingReads: stats.totals.siblingReads, quorumFailures: stats.totals.quorumFailures, antiEntropyExchanges: stats.totals.antiEntropyExchanges })) {
      const cell = totals.querySelector(`[data-field="${field}"]`);
      if (cell !== null) setText(cell, formatCount(value));
    }
    const running = stats.nodes.map((node) => ({ node: node.nodeId, stats: node, rates: frame.rates.nodes.get(node.nodeId) }));
    const stopped = stats.stopped.filter((node) => !running.some((row) => row.node === node)).map((node) => ({ node, stats: undefined, rates: undefined }));
    this.rows.sync([...running, ...stopped].sort((a, b) => compareNames(a.node, b.node)), (row) => row.node);
  }
}

function createRow(node: string): HTMLTableRowElement {
  return h('tr', { 'data-testid': 'health-row', 'data-node': node }, h('th', { scope: 'row' }, node), ...COLUMNS.map((column) => h('td', { 'data-field': column.field })));
}

function updateRow(tr: HTMLTableRowElement, row: NodeRow): void {
  setAttr(tr, 'data-state', row.stats === undefined ? 'stopped' : 'running');
  COLUMNS.forEach((column, i) => {
    const cell = tr.cells[i + 1];
    if (cell === undefined) return;
    setText(cell, column.text(row));
    const value = column.value(row);
    setAttr(cell, 'data-value', value === null || value === undefined ? undefined : String(value));
  });
  const elu = tr.querySelector<HTMLElement>('[data-field="eventLoopUtilisation"]');
  elu?.style.setProperty('--share', `${Math.round((row.rates?.eventLoopUtilisation ?? 0) * 100)}%`);
}
