/**
 * One node's holding of a key, as GET /inspect/<key> reports it: its clock, and its versions
 * (more than one is siblings, marked as such), or the hint it keeps for another node.
 */
import type { InspectEntry } from './contracts.js';
import { h } from './dom.js';
import { compareNames } from './natural-order.js';

type Version = InspectEntry['versions'][number];

export function holdingCard(entry: InspectEntry, primary: boolean): HTMLElement {
  // Concurrent versions, tombstones included: a delete concurrent with a write is a sibling too.
  const siblings = entry.versions.length;
  const hasSiblings = siblings > 1;
  return h(
    'article',
    {
      class: `card holding${hasSiblings ? ' has-siblings' : ''}`,
      'data-testid': 'inspector-holding',
      'data-node': entry.node,
      'data-hint-for': entry.hintFor,
      'data-siblings': siblings,
      'data-primary': String(primary),
    },
    h(
      'header',
      { class: 'card-head' },
      h('h4', {}, entry.node),
      entry.hintFor === undefined ? (primary ? h('span', { class: 'badge' }, 'in the preference list') : null) : h('span', { class: 'badge hint' }, `hint for ${entry.hintFor}`),
      hasSiblings ? h('span', { class: 'badge siblings', 'data-testid': 'siblings-badge' }, `${siblings} siblings`) : null,
    ),
    entry.versions.length === 0 ? h('p', { class: 'muted' }, 'Holds no version of this key.') : h('ol', { class: 'versions' }, ...entry.versions.map(versionItem)),
    clockTable(entry.clock),
  );
}

function versionItem(version: Version): HTMLLIElement {
  return h(
    'li',
    { 'data-testid': 'inspector-version', 'data-dot': `${version.dot.actor}:${version.dot.counter}`, 'data-deleted': String(version.deleted) },
    h('span', { class: 'dot' }, `written by ${version.dot.actor} #${version.dot.counter}`),
    version.deleted ? h('span', { class: 'badge tombstone' }, 'deleted (tombstone)') : null,
    version.deleted ? null : h('pre', { class: 'value' }, describeValue(version.value)),
  );
}

function clockTable(clock: InspectEntry['clock']): HTMLElement {
  const actors = Object.keys(clock).sort(compareNames);
  if (actors.length === 0) return h('p', { class: 'muted' }, 'Empty clock.');
  return h(
    'table',
    { class: 'clock', 'data-testid': 'inspector-clock' },
    h('caption', {}, 'Vector clock'),
    h('thead', {}, h('tr', {}, h('th', {}, 'actor'), h('th', {}, 'counter'), h('th', {}, 'unseen'), h('th', {}, 'at'))),
    h(
      'tbody',
      {},
      ...actors.map((actor) => {
        const entry = clock[actor];
        const gaps = entry?.gaps?.map(([from, to]) => (from === to ? String(from) : `${from}–${to}`)).join(', ') ?? '';
        return h(
          'tr',
          { 'data-actor': actor },
          h('td', {}, actor),
          h('td', { class: 'num' }, String(entry?.counter ?? '')),
          h('td', {}, gaps),
          h('td', {}, entry === undefined ? '' : new Date(entry.timeMs).toLocaleTimeString('en-GB', { hour12: false })),
        );
      }),
    ),
  );
}

/** A value as text: bytes (sent as `{ base64 }`) say so, the rest is JSON. */
export function describeValue(value: unknown): string {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && 'base64' in value && typeof value.base64 === 'string') {
    return `bytes (${Math.floor((value.base64.replace(/=+$/, '').length * 3) / 4)}), base64: ${value.base64}`;
  }
  return JSON.stringify(value, null, 2) ?? String(value);
}
