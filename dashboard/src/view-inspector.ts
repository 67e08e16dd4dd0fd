/**
 * Key inspector: what every replica holds of a key (GET /inspect/<key>): versions, clocks,
 * siblings marked, and the hints other nodes keep for it; with the key's preference list,
 * so that a holding outside it stands out.
 */
import { segment } from './api.js';
import type { InspectEntry, KeyPlacement } from './contracts.js';
import { byId, h, setText } from './dom.js';
import { holdingCard } from './inspector-holding.js';
import { compareNames } from './natural-order.js';
import type { ViewContext } from './view-context.js';

export class InspectorTab {
  private readonly input = byId('inspector-key', HTMLInputElement);
  private readonly submit = byId('inspector-submit', HTMLButtonElement);
  private readonly result = byId('inspector-result', HTMLDivElement);
  private readonly summary = byId('inspector-summary', HTMLParagraphElement);

  constructor(private readonly context: ViewContext) {
    byId('inspector-form', HTMLFormElement).addEventListener('submit', (event) => {
      event.preventDefault();
      void this.inspect(this.input.value);
    });
    context.data.events.on('reset', () => {
      this.result.replaceChildren();
      this.summary.hidden = true;
    });
  }

  private async inspect(key: string): Promise<void> {
    const { data, report } = this.context;
    this.submit.disabled = true;
    try {
      const [entries, placement] = await Promise.all([
        data.api.get<InspectEntry[]>(`/inspect/${segment(key)}`),
        data.api.get<KeyPlacement>(`/preference/${segment(key)}`).catch((error: unknown) => {
          // The holdings are worth showing without it; the failure is still shown.
          report(`Reading the preference list of '${key}'`, error);
          return null;
        }),
      ]);
      this.show(key, entries, placement);
    } catch (error) {
      report(`Inspecting '${key}'`, error);
    } finally {
      this.submit.disabled = false;
    }
  }

  private show(key: string, entries: readonly InspectEntry[], placement: KeyPlacement | null): void {
    const preference = new Set(placement?.preferenceList ?? []);
    const byNode = (a: InspectEntry, b: InspectEntry): number => compareNames(a.node, b.node);
    const own = entries.filter((entry) => entry.hintFor === undefined).sort(byNode);
    const hints = entries.filter((entry) => entry.hintFor !== undefined).sort(byNode);
    const withSiblings = entries.filter((entry) => entry.versions.length > 1).length;
    setText(
      this.summary,
      `'${key}': ${own.length} replica holding${own.length === 1 ? '' : 's'}, ${hints.length} hint${hints.length === 1 ? '' : 's'}` +
        (withSiblings > 0 ? `, ${withSiblings} with siblings` : '') +
        (placement === null ? '' : `; preference list ${placement.preferenceList.join(', ')}`),
    );
    this.summary.hidden = false;
    this.result.replaceChildren(
      h('h3', {}, 'Replicas'),
      own.length === 0 ? h('p', { class: 'muted', 'data-testid': 'inspector-empty' }, 'No node holds this key.') : h('div', { class: 'cards' }, ...own.map((entry) => holdingCard(entry, preference.has(entry.node)))),
      h('h3', {}, 'Hints for this key'),
      hints.length === 0 ? h('p', { class: 'muted' }, 'No node keeps a hint for it.') : h('div', { class: 'cards' }, ...hints.map((entry) => holdingCard(entry, false))),
    );
  }
}
